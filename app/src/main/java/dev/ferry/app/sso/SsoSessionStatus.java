package dev.ferry.app.sso;

import java.time.Instant;
import java.util.Optional;

/**
 * Where an IAM Identity Center session stands, from the cache alone (no network): for the
 * sidebar ("session ends at …") and {@code ferry status}.
 *
 * @param expiresAt when the current access token ends (empty when signed out)
 */
public record SsoSessionStatus(SsoSession session, State state, Optional<Instant> expiresAt) {

    public enum State {
        /** A valid token; it is renewed silently before it ends when it has a refresh token. */
        ACTIVE,
        /** The access token has ended but a refresh token renews it without the browser. */
        RENEWABLE,
        /** No usable token: the person must sign in. */
        SIGN_IN_REQUIRED
    }

    public boolean usable() {
        return state != State.SIGN_IN_REQUIRED;
    }
}
