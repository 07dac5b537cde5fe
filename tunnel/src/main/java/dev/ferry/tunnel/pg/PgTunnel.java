package dev.ferry.tunnel.pg;

import dev.ferry.tunnel.BlockingListener;
import dev.ferry.tunnel.LocalTunnel;
import dev.ferry.tunnel.PortInUseException;
import dev.ferry.tunnel.TunnelStats;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Set;
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
public final class PgTunnel implements LocalTunnel {

    /** The backend key handed to a client and the upstream key it stands for. */
    record CancelKey(int pid, int secret, int upstreamPid, byte[] upstreamSecret) {
    }

    private final PgTunnelConfig config;
    private final Upstream upstream;
    private final TunnelStats stats = new TunnelStats();
    private BlockingListener listener;
    private final Set<PgConnection> connections = ConcurrentHashMap.newKeySet();
    private final Map<Integer, CancelKey> cancelKeys = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private volatile boolean stripRedshiftParameters;

    private PgTunnel(PgTunnelConfig config, Upstream upstream) {
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
        PgTunnel tunnel = new PgTunnel(config, new Upstream(config));
        tunnel.listener = BlockingListener.start("ferry-pg", config.port(), config.limits(), tunnel.stats,
                new BlockingListener.Handler() {
                    @Override
                    public void serve(Socket client) {
                        PgConnection c = new PgConnection(tunnel, client, false);
                        tunnel.connections.add(c);
                        c.run();
                    }

                    @Override
                    public void refuse(Socket client) {
                        new PgConnection(tunnel, client, true).run();
                    }
                });
        return tunnel;
    }

    @Override
    public InetSocketAddress localAddress() {
        return listener.localAddress();
    }

    @Override
    public TunnelStats stats() {
        return stats;
    }

    public PgTunnelConfig config() {
        return config;
    }

    @Override
    public void close() {
        listener.close();
        for (PgConnection c : connections) {
            c.close();
        }
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

    void execute(Runnable task) {
        listener.execute(task);
    }

    void ended(PgConnection connection) {
        connections.remove(connection);
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
                Upstream.closeQuietly(c.plain());
            }
        } catch (TunnelFailure e) {
            stats.error("ferry: could not forward a cancel request: " + e.getMessage());
        } catch (IOException e) {
            // the server handled the request and dropped the connection
        }
    }
}
