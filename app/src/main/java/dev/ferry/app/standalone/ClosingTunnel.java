package dev.ferry.app.standalone;

import dev.ferry.tunnel.LocalTunnel;
import dev.ferry.tunnel.TunnelStats;

import java.net.InetSocketAddress;

/** A tunnel that also closes what it used (credential refreshers, SDK clients) when it closes. */
class ClosingTunnel implements LocalTunnel {
    private final LocalTunnel tunnel;
    private final AutoCloseable[] resources;

    ClosingTunnel(LocalTunnel tunnel, AutoCloseable... resources) {
        this.tunnel = tunnel;
        this.resources = resources;
    }

    @Override
    public InetSocketAddress localAddress() {
        return tunnel.localAddress();
    }

    @Override
    public TunnelStats stats() {
        return tunnel.stats();
    }

    @Override
    public void close() {
        tunnel.close();
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception ignored) {
                // best effort: the tunnel itself is closed
            }
        }
    }
}
