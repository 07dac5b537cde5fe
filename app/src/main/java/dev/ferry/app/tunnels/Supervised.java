package dev.ferry.app.tunnels;

import java.util.Optional;

/**
 * A running tunnel that restarts what it supervises by itself (a tsh local proxy): while a
 * restart keeps failing, it says why, typed (e.g. the session expired: sign in, and the next
 * attempt succeeds on the same port).
 */
public interface Supervised {
    Optional<TunnelFailure> restartFailure();
}
