package dev.ferry.tunnel.db;

import dev.ferry.tunnel.LocalTunnel;
import dev.ferry.tunnel.TunnelStats;
import java.net.InetSocketAddress;

/** What every database tunnel is: a {@link TunnelListener} on loopback and its counters. */
public abstract class DbTunnel implements LocalTunnel {
    protected final TunnelListener listener;
    private final TunnelStats stats;

    protected DbTunnel(TunnelListener listener, TunnelStats stats) {
        this.listener = listener;
        this.stats = stats;
    }

    @Override
    public InetSocketAddress localAddress() {
        return listener.localAddress();
    }

    @Override
    public TunnelStats stats() {
        return stats;
    }

    /** Stops accepting, closes every open connection and frees the port. */
    @Override
    public void close() {
        listener.close();
    }

    /**
     * Checks what both database tunnel configs hold.
     *
     * @throws IllegalArgumentException naming the field that is wrong
     */
    public static void checkConfig(int port, String upstreamHost, int upstreamPort, String dbUser,
                                   java.time.Duration connectTimeout) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("Local port must be between 0 and 65535, got " + port);
        }
        if (upstreamHost == null || upstreamHost.isBlank()) {
            throw new IllegalArgumentException("The database host is missing");
        }
        if (upstreamPort < 1 || upstreamPort > 65535) {
            throw new IllegalArgumentException("Database port must be between 1 and 65535, got " + upstreamPort);
        }
        if (dbUser == null || dbUser.isBlank()) {
            throw new IllegalArgumentException("The database user is missing");
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("The connect timeout must be positive");
        }
    }
}
