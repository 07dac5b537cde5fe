package dev.ferry.app.teleport;

import dev.ferry.app.access.SignInRequiredException;

/**
 * There is no valid Teleport session: never signed in, signed out, or the certificate
 * expired. A {@link SignInRequiredException}: the UI turns it into a sign-in prompt; the CLI
 * prints the hint.
 */
public final class TshNotLoggedInException extends SignInRequiredException {

    public TshNotLoggedInException(String proxy, boolean expired) {
        super(expired ? "Your Teleport session for " + proxy + " has expired."
                        : "You are not signed in to Teleport (" + proxy + ").",
                "Run `ferry login` (or sign in from the Ferry window), then try again.", proxy, expired);
    }
}
