package dev.ferry.app.teleport;

/**
 * There is no valid Teleport session: never signed in, signed out, or the certificate
 * expired. The UI turns this into a sign-in prompt; the CLI prints the hint.
 */
public final class TshNotLoggedInException extends TshException {
    private final boolean expired;

    public TshNotLoggedInException(String proxy, boolean expired) {
        super(expired ? "Your Teleport session for " + proxy + " has expired."
                        : "You are not signed in to Teleport (" + proxy + ").",
                "Run `ferry login` (or sign in from the Ferry window), then try again.", 1);
        this.expired = expired;
    }

    public boolean expired() {
        return expired;
    }
}
