package dev.ferry.app.tunnels;

import dev.ferry.tunnel.LocalTunnel;

import java.io.IOException;

/** Opens the listener of a tunnel spec (through the workspace's access provider). */
public interface TunnelOpener {

    /** A started tunnel and what to show about it. */
    record Opened(LocalTunnel tunnel, TunnelInfo info) {
    }

    /**
     * Opens the tunnel on {@code spec.port()} (never 0 here). Throws
     * {@link dev.ferry.tunnel.PortInUseException} when the port is taken and
     * {@link dev.ferry.app.FerryException} for anything else the user must know.
     */
    Opened open(TunnelSpec spec) throws IOException;
}
