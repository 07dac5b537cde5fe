package dev.ferry.ui.fx;

import dev.ferry.app.FerryException;

/**
 * An error as a person reads it: what happened and what to do. Ferry's own errors carry
 * both; anything else is shown in plain words, never by its exception's text: that (the
 * {@code technical} part) goes only to the log and to "Copy details".
 */
public record Problem(String message, String hint, String technical) {

    public Problem(String message, String hint) {
        this(message, hint, "");
    }

    public Problem {
        hint = hint == null ? "" : hint;
        technical = technical == null ? "" : technical;
    }

    public static Problem of(Throwable e) {
        e = UiTasks.unwrap(e);
        if (e instanceof FerryException fe) {
            return new Problem(fe.getMessage(), fe.hint());
        }
        String msg = e.getMessage();
        if (ownWords(e) && msg != null && !msg.isBlank()) {
            return new Problem(msg, "");
        }
        return new Problem("Something unexpected went wrong.",
                "Ferry wrote the details to its log; \"Copy details\" copies them for a bug report. Try again, "
                        + "or restart Ferry if it keeps happening.", e.toString());
    }

    /** An argument or state check of Ferry's own, whose message is written for people. */
    private static boolean ownWords(Throwable e) {
        StackTraceElement[] at = e.getStackTrace();
        return (e instanceof IllegalArgumentException || e instanceof IllegalStateException)
                && at.length > 0 && at[0].getClassName().startsWith("dev.ferry.");
    }

    /** Message and hint, on separate lines. */
    public String text() {
        return hint.isEmpty() ? message : message + "\n" + hint;
    }
}
