package dev.ferry.app.standalone;

import dev.ferry.app.access.SignInRequiredException;
import dev.ferry.app.tunnels.Supervised;
import dev.ferry.app.tunnels.TunnelFailure;
import dev.ferry.tunnel.LocalTunnel;

import java.util.Optional;

/**
 * A tunnel whose credentials come from a session that can end (IAM Identity Center): while the
 * session has ended it keeps listening and says that a sign-in is needed; once signed in, it
 * serves again on the same port. Closes its credentials with it.
 */
final class SessionTunnel extends ClosingTunnel implements Supervised {
    private final SessionCredentials credentials;

    SessionTunnel(LocalTunnel tunnel, SessionCredentials credentials) {
        super(tunnel, credentials);
        this.credentials = credentials;
        credentials.reportTo(tunnel.stats());
    }

    @Override
    public Optional<TunnelFailure> restartFailure() {
        return credentials.ended().map(TunnelFailure::of);
    }

    @Override
    public Optional<SignInRequiredException> sessionEnded() {
        return credentials.ended();
    }
}
