package dev.ferry.ui.teleport;

import dev.ferry.app.access.SignInRequiredException;

/**
 * The open workspace has no usable session: never signed in, signed out, or expired.
 *
 * @param where   what to sign in to (a Teleport proxy, an Identity Center start URL)
 * @param expired whether a session existed but has expired
 */
public record SignInNeeded(String where, boolean expired) {

    public static SignInNeeded of(SignInRequiredException e) {
        return new SignInNeeded(e.where(), e.expired());
    }

    /** One line for the prompt. */
    public String message() {
        return expired ? "Your session has expired. Sign in again to see the workspace's apps and databases."
                : "You are not signed in. Sign in to see the workspace's apps and databases.";
    }
}
