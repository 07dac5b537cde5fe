package dev.ferry.app.tunnels;

import dev.ferry.app.access.SignInRequiredException;

import java.util.Optional;

/**
 * A running tunnel that can stop serving for a while and come back by itself on the same port: a
 * tsh local proxy it restarts, or credentials from a session that ended. While it does not serve,
 * it says why, typed (e.g. the session expired: sign in, and the next attempt succeeds on the same port).
 */
public interface Supervised {
    Optional<TunnelFailure> restartFailure();

    /** The ended session that keeps it from serving, when that is why (signing in fixes it). */
    default Optional<SignInRequiredException> sessionEnded() {
        return Optional.empty();
    }
}
