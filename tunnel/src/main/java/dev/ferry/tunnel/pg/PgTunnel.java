package dev.ferry.tunnel.pg;

import dev.ferry.tunnel.LocalTunnel;
import dev.ferry.tunnel.PortInUseException;
import dev.ferry.tunnel.TunnelStats;
import dev.ferry.tunnel.db.TunnelFailure;
import dev.ferry.tunnel.db.UpstreamTls;
import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

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
    private static final InetAddress LOOPBACK = loopback();

    /** The backend key handed to a client and the upstream key it stands for. */
    record CancelKey(int pid, int secret, int upstreamPid, byte[] upstreamSecret) {
    }

    private final PgTunnelConfig config;
    private final Upstream upstream;
    private final TunnelStats stats = new TunnelStats();
    private final ServerSocket server;
    private final ExecutorService threads;
    private final Set<PgConnection> connections = ConcurrentHashMap.newKeySet();
    private final Map<Integer, CancelKey> cancelKeys = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private volatile boolean closed;
    private volatile boolean stripRedshiftParameters;

    private PgTunnel(PgTunnelConfig config, Upstream upstream, ServerSocket server) {
        this.config = config;
        this.upstream = upstream;
        this.server = server;
        int port = server.getLocalPort();
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "ferry-pg-" + port + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Binds 127.0.0.1:{@code config.port()} and starts serving.
     *
     * @throws PortInUseException when the port is taken
     * @throws IOException        when the CA files cannot be read or the port cannot be bound
     */
    public static PgTunnel start(PgTunnelConfig config) throws IOException {
        Upstream upstream = new Upstream(config);
        // A channel's socket adaptor, not a plain ServerSocket: see Upstream.open on blocking reads.
        ServerSocket server = ServerSocketChannel.open().socket();
        try {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(LOOPBACK, config.port()), 128);
        } catch (BindException e) {
            server.close();
            throw new PortInUseException(config.port(), e);
        } catch (IOException e) {
            server.close();
            throw e;
        }
        PgTunnel tunnel = new PgTunnel(config, upstream, server);
        Thread acceptor = new Thread(tunnel::acceptLoop, "ferry-pg-accept-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
        return tunnel;
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) server.getLocalSocketAddress();
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
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (PgConnection c : connections) {
            c.close();
        }
        threads.shutdownNow();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    stats.error("ferry: the tunnel stopped accepting connections: " + e.getMessage());
                    close();
                }
                return;
            }
            PgConnection connection = new PgConnection(this, client);
            connections.add(connection);
            stats.connectionOpened();
            try {
                threads.execute(connection);
            } catch (RejectedExecutionException e) {
                connection.close();
            }
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
        threads.execute(task);
    }

    void ended(PgConnection connection) {
        if (connections.remove(connection)) {
            stats.connectionClosed();
        }
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
            stats.error("ferry: could not forward a cancel request: " + e.getMessage());
        } catch (IOException e) {
            // the server handled the request and dropped the connection
        }
    }
}
