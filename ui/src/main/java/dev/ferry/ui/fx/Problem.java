package dev.ferry.ui.fx;

import dev.ferry.app.FerryException;

/**
 * An error as a person reads it: what happened and what to do. Ferry's own errors carry
 * both; anything else is shown by its message (never a stack trace).
 */
public record Problem(String message, String hint) {

    public static Problem of(Throwable e) {
        e = UiTasks.unwrap(e);
        if (e instanceof FerryException fe) {
            return new Problem(fe.getMessage(), fe.hint());
        }
        String msg = e.getMessage();
        if (msg == null || msg.isBlank()) {
            msg = e.getClass().getSimpleName();
        }
        return new Problem("Something went wrong: " + msg, "");
    }

    /** Message and hint, on separate lines. */
    public String text() {
        return hint.isEmpty() ? message : message + "\n" + hint;
    }
}
