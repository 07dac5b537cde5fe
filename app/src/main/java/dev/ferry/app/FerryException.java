package dev.ferry.app;

/**
 * An error meant for a person: {@link #getMessage()} says what happened in plain words and
 * {@link #hint()} what to do about it. Never carries a secret.
 */
public class FerryException extends RuntimeException {
    private final String hint;

    public FerryException(String message, String hint) {
        this(message, hint, null);
    }

    public FerryException(String message, String hint, Throwable cause) {
        super(message, cause);
        this.hint = hint == null ? "" : hint;
    }

    public FerryException(String message) {
        this(message, "", null);
    }

    /** What the user can do about it; empty when there is nothing useful to say. */
    public String hint() {
        return hint;
    }

    /** Message and hint on one or two lines, for notifications and the CLI. */
    public String describe() {
        return hint.isEmpty() ? getMessage() : getMessage() + "\n" + hint;
    }
}
