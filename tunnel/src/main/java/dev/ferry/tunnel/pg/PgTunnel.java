package dev.ferry.tunnel.pg;

import dev.ferry.tunnel.PortInUseException;
import dev.ferry.tunnel.TunnelStats;
import dev.ferry.tunnel.db.DbTunnel;
import dev.ferry.tunnel.db.TunnelFailure;
import dev.ferry.tunnel.db.TunnelListener;
import dev.ferry.tunnel.db.UpstreamTls;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A PostgreSQL-protocol database tunnel: a plaintext PostgreSQL endpoint on 127.0.0.1
 * whose connections are relayed to the real database over verified TLS, authenticated as
 * the configured db user with a password from the {@link PasswordSupplier}. Clients get
 * the tunnel's own backend keys, so cancel requests work through the tunnel too.
 *
 * <pre>{@code
 * try (PgTunnel t = PgTunnel.start(PgTunnelConfig.of(0, "db.example.com", 5432, "app", "orders", supplier))) {
 *     int port = t.localAddress().getPort(); // psql -h 127.0.0.1 -p port
 * }
 * }</pre>
 */
public final class PgTunnel extends DbTunnel {
    /** The backend key handed to a client and the upstream key it stands for. */
    record CancelKey(int pid, int secret, int upstreamPid, byte[] upstreamSecret) {
    }

    private final PgTunnelConfig config;
    private final Upstream upstream;
    private final Map<Integer, CancelKey> cancelKeys = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private volatile boolean stripRedshiftParameters;

    private PgTunnel(PgTunnelConfig config, Upstream upstream, TunnelListener listener, TunnelStats stats) {
        super(listener, stats);
        this.config = config;
        this.upstream = upstream;
    }

    /**
     * Binds 127.0.0.1:{@code config.port()} and starts serving.
     *
     * @throws PortInUseException when the port is taken
     * @throws IOException        when the CA files cannot be read or the port cannot be bound
     */
    public static PgTunnel start(PgTunnelConfig config) throws IOException {
        Upstream upstream = new Upstream(config);
        TunnelStats stats = new TunnelStats();
        PgTunnel tunnel = new PgTunnel(config, upstream,
                TunnelListener.bind(config.port(), "pg", stats, config.limits()), stats);
        tunnel.listener.accept(socket -> new PgConnection(tunnel, socket, false),
                socket -> new PgConnection(tunnel, socket, true));
        return tunnel;
    }

    /** Stops accepting, closes every open connection and the warm spare, and frees the port. */
    @Override
    public void close() {
        super.close();
        upstream.close();
    }

    public PgTunnelConfig config() {
        return config;
    }

    Upstream upstream() {
        return upstream;
    }

    boolean stripRedshiftParameters() {
        return stripRedshiftParameters;
    }

    /** The database is not Redshift: later connections leave out the Redshift drivers' parameters. */
    void upstreamRejectsRedshiftParameters() {
        stripRedshiftParameters = true;
    }

    TunnelListener listener() {
        return listener;
    }

    CancelKey register(int upstreamPid, byte[] upstreamSecret) {
        while (true) {
            CancelKey key = new CancelKey(random.nextInt(Integer.MAX_VALUE - 1) + 1, random.nextInt(),
                    upstreamPid, upstreamSecret);
            if (cancelKeys.putIfAbsent(key.pid(), key) == null) {
                return key;
            }
        }
    }

    void unregister(CancelKey key) {
        cancelKeys.remove(key.pid(), key);
    }

    /** Forwards a client's CancelRequest upstream when it carries one of our keys (else ignores it, as PostgreSQL does). */
    void cancel(int pid, byte[] secret) {
        CancelKey key = cancelKeys.get(pid);
        if (key == null || !MessageDigest.isEqual(secret, ByteBuffer.allocate(4).putInt(key.secret()).array())) {
            return;
        }
        try {
            Upstream.Connection c = upstream.open();
            try {
                c.tls().out().write(PgWire.cancelRequest(key.upstreamPid(), key.upstreamSecret()));
                InputStream in = c.tls().in();
                while (in.read() >= 0) {
                    // the server closes the connection once it has handled the request
                }
            } finally {
                UpstreamTls.closeQuietly(c.plain());
            }
        } catch (TunnelFailure e) {
            stats().error("ferry: could not forward a cancel request: " + e.getMessage());
        } catch (IOException e) {
            // the server handled the request and dropped the connection
        }
    }
}
