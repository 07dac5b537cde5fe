package dev.ferry.app;

/**
 * An error meant for a person: {@link #getMessage()} says what happened in plain words and
 * {@link #hint()} what to do about it. Never carries a secret. {@link #kind()} says what kind of
 * trouble it is, for code that acts on it (a tunnel's typed failure) without reading the words.
 */
public class FerryException extends RuntimeException {

    /** What kind of trouble, where it matters to code. */
    public enum Kind {
        GENERAL,
        /** A service (AWS, a database, a Teleport proxy) could not be reached. */
        UNREACHABLE,
        /** Credentials are missing, expired or refused. */
        CREDENTIALS
    }

    private final String hint;
    private final Kind kind;

    public FerryException(String message, String hint) {
        this(message, hint, null);
    }

    public FerryException(String message, String hint, Throwable cause) {
        this(Kind.GENERAL, message, hint, cause);
    }

    public FerryException(Kind kind, String message, String hint, Throwable cause) {
        super(message, cause);
        this.hint = hint == null ? "" : hint;
        this.kind = kind == null ? Kind.GENERAL : kind;
    }

    public FerryException(String message) {
        this(message, "", null);
    }

    /** What the user can do about it; empty when there is nothing useful to say. */
    public String hint() {
        return hint;
    }

    public Kind kind() {
        return kind;
    }

    /** Message and hint on one or two lines, for notifications and the CLI. */
    public String describe() {
        return hint.isEmpty() ? getMessage() : getMessage() + "\n" + hint;
    }
}
