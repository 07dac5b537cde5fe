package dev.ferry.app.access;

import dev.ferry.app.FerryException;

/**
 * The workspace has no usable session: never signed in, signed out, or it expired. Raised by
 * every provider that manages a session (Teleport, Identity Center), so the UI turns it into the
 * sign-in prompt and the CLI prints the hint, without knowing the kind of workspace.
 */
public class SignInRequiredException extends FerryException {
    private final String where;
    private final boolean expired;

    /**
     * @param where   what to sign in to, as the user knows it (a proxy address, a start URL)
     * @param expired whether a session existed and has expired
     */
    public SignInRequiredException(String message, String hint, String where, boolean expired) {
        this(message, hint, where, expired, null);
    }

    /** As above, with the failure that showed the session has ended. */
    public SignInRequiredException(String message, String hint, String where, boolean expired, Throwable cause) {
        super(message, hint, cause);
        this.where = where;
        this.expired = expired;
    }

    public String where() {
        return where;
    }

    public boolean expired() {
        return expired;
    }

    /** The sign-in failure behind {@code e} (its causes included), if any. */
    public static java.util.Optional<SignInRequiredException> in(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof SignInRequiredException s) {
                return java.util.Optional.of(s);
            }
        }
        return java.util.Optional.empty();
    }
}
