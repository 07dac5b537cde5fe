package dev.ferry.ui.tunnels;

import dev.ferry.app.tunnels.Tunnel;

/** What a tunnel tab asks of {@link TunnelDocuments}. */
interface TunnelActions {
    /** Moves the tunnel to {@code port} (0: a free one); the listener restarts there. */
    void changePort(Tunnel t, int port);

    /** Stops the tunnel, forgets it, and closes its tab. */
    void stop(Tunnel t);

    /** Signs in again (a Teleport session expired); failed tunnels restart afterwards. */
    void signIn(Tunnel t);
}
