package dev.ferry.app.teleport;

/**
 * There is no valid Teleport session: never signed in, signed out, or the certificate
 * expired. The UI turns this into a sign-in prompt; the CLI prints the hint.
 */
public final class TshNotLoggedInException extends TshException {
    private final boolean expired;

    private static final String EXPIRED = "Your Teleport session for ";
    private static final String NOT_SIGNED_IN = "You are not signed in to Teleport (";

    public TshNotLoggedInException(String proxy, boolean expired) {
        super(expired ? EXPIRED + proxy + " has expired."
                        : NOT_SIGNED_IN + proxy + ").",
                "Run `ferry login` (or sign in from the Ferry window), then try again.", 1);
        this.expired = expired;
    }

    /**
     * Whether an error text (a tunnel's last error, which may quote this exception) says the
     * Teleport session is missing or expired, so signing in would fix it.
     */
    public static boolean describes(String message) {
        return message != null && (message.contains(NOT_SIGNED_IN) || (message.contains(EXPIRED) && message.contains(" has expired")));
    }

    public boolean expired() {
        return expired;
    }
}
