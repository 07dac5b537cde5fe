package dev.ferry.app.teleport;

import dev.ferry.app.FerryException;

/** tsh failed; the message carries tsh's own words (colour codes stripped), never a secret. */
public class TshException extends FerryException {
    private final int exitCode;

    public TshException(String message, String hint, int exitCode) {
        super(message, hint);
        this.exitCode = exitCode;
    }

    /** tsh's exit status, or -1 when it did not exit on its own (timeout, could not start). */
    public int exitCode() {
        return exitCode;
    }
}
