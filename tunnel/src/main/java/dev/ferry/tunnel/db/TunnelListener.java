package dev.ferry.tunnel.db;

import dev.ferry.tunnel.ListenerLimits;
import dev.ferry.tunnel.PortInUseException;
import dev.ferry.tunnel.TunnelStats;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The loopback side of a database tunnel: binds 127.0.0.1, accepts on its own daemon thread,
 * runs each client connection on a thread of its pool, counts connections in the tunnel's
 * {@link TunnelStats}, and on close stops accepting and closes every open connection.
 *
 * <p>It keeps to {@link ListenerLimits#maxConnections()}: a client past the cap is handed to the
 * tunnel's refusal connection (PostgreSQL: SQLSTATE 53300 after the startup packet; MySQL: ERR
 * 1040), run on a small pool of its own so that refusing never takes a thread from the
 * connections being served; when that pool is busy too, the socket is closed at once. The
 * connection itself applies {@link ListenerLimits#headerTimeout()} while it reads what opens the
 * session, since only the protocol knows when that is over.
 *
 * <p>Memory goes back after a burst. A pool thread left idle for {@link #THREAD_KEEP_ALIVE} ends
 * (its stack and the JDK's per-thread I/O buffers with it). When the last connection of a burst
 * of at least {@link #BURST} closes and none opens for {@link #RELEASE_DELAY}, the listener runs
 * one full collection: the packages' Serial GC gives heap back to the system only at a
 * collection, and an idle tunnel allocates nothing that would start one.
 */
public final class TunnelListener implements AutoCloseable {
    private static final InetAddress LOOPBACK = loopback();

    /** One client connection: run once on a pool thread; close is safe from any thread and repeatable. */
    public interface Connection extends Runnable {
        void close();
    }

    private static final int REFUSERS = 4;
    /** How long an idle pool thread waits for the next connection before it ends. */
    static final Duration THREAD_KEEP_ALIVE = Duration.ofSeconds(5);
    /** Connections open at once that make a burst worth a collection once they are all closed. */
    static final int BURST = 32;
    /** Quiet time after a burst's last connection before the collection. */
    static final Duration RELEASE_DELAY = Duration.ofSeconds(5);

    private final ServerSocket server;
    private final TunnelStats stats;
    private final ListenerLimits limits;
    private volatile Function<Socket, Connection> connections;
    private volatile Function<Socket, Connection> refusals;
    private final ExecutorService threads;
    private final ThreadPoolExecutor refusers;
    private final RelayLoops relays;
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private final Set<Connection> refusing = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private final Runnable releaseMemory;
    private final Duration releaseDelay;
    /** Most connections open at once since the last release. */
    private final AtomicInteger peak = new AtomicInteger();
    /** Counts accepted connections: a release waits for a quiet spell in which it does not move. */
    private final AtomicLong accepted = new AtomicLong();

    private final String name;

    private TunnelListener(ServerSocket server, TunnelStats stats, String name, ListenerLimits limits,
            Duration keepAlive, Runnable releaseMemory, Duration releaseDelay) throws IOException {
        this.server = server;
        this.stats = stats;
        this.name = name;
        this.limits = limits;
        this.releaseMemory = releaseMemory;
        this.releaseDelay = releaseDelay;
        int port = server.getLocalPort();
        AtomicInteger n = new AtomicInteger();
        this.threads = new ThreadPoolExecutor(0, Integer.MAX_VALUE, keepAlive.toMillis(), TimeUnit.MILLISECONDS,
                new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "ferry-" + name + "-" + port + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.refusers = new ThreadPoolExecutor(0, REFUSERS, 10, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "ferry-" + name + "-" + port + "-refuse");
            t.setDaemon(true);
            return t;
        });
        this.relays = new RelayLoops("ferry-" + name + "-" + port, relayLoops(), keepAlive);
    }

    /**
     * Binds 127.0.0.1:{@code port} (0: any free port); {@link #accept} starts serving.
     *
     * @param name short protocol name for thread names ("pg", "mysql")
     * @throws PortInUseException when the port is taken
     */
    public static TunnelListener bind(int port, String name, TunnelStats stats) throws IOException {
        return bind(port, name, stats, ListenerLimits.DATABASE);
    }

    /** As {@link #bind(int, String, TunnelStats)}, with these limits. */
    public static TunnelListener bind(int port, String name, TunnelStats stats, ListenerLimits limits) throws IOException {
        return bind(port, name, stats, limits, THREAD_KEEP_ALIVE, System::gc, RELEASE_DELAY);
    }

    /** As {@link #bind(int, String, TunnelStats, ListenerLimits)}; tests set the memory release. */
    static TunnelListener bind(int port, String name, TunnelStats stats, ListenerLimits limits, Duration keepAlive,
            Runnable releaseMemory, Duration releaseDelay) throws IOException {
        // A channel's socket adaptor, not a plain ServerSocket: see UpstreamTls.connect on blocking reads.
        ServerSocket server = ServerSocketChannel.open().socket();
        try {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(LOOPBACK, port), 128);
        } catch (BindException e) {
            server.close();
            throw new PortInUseException(port, e);
        } catch (IOException e) {
            server.close();
            throw e;
        }
        try {
            return new TunnelListener(server, stats, name, limits, keepAlive, releaseMemory, releaseDelay);
        } catch (IOException e) {
            server.close();
            throw e;
        }
    }

    /**
     * Starts accepting on a daemon thread.
     *
     * @param connections makes the connection for an accepted socket (must not block)
     */
    public void accept(Function<Socket, Connection> connections) {
        accept(connections, null);
    }

    /**
     * Starts accepting on a daemon thread.
     *
     * @param connections makes the connection for an accepted socket (must not block)
     * @param refusals    makes the connection that tells a client past the cap why it is refused
     *                    (null: such a client is just closed)
     */
    private volatile Thread acceptor;

    public void accept(Function<Socket, Connection> connections, Function<Socket, Connection> refusals) {
        this.connections = connections;
        this.refusals = refusals;
        Thread t = new Thread(this::acceptLoop, "ferry-" + name + "-accept-" + server.getLocalPort());
        t.setDaemon(true);
        acceptor = t;
        t.start();
    }

    /**
     * Relay loops per listener: one per processor, at most four, as haproxy's default of one
     * thread per core: a loop uses one core at most, so with one loop a few busy connections (bulk
     * reads decrypted by the tunnel) could not use a second core. On two cores with the clients
     * and the database on the same machine, one and two loops were within the benchmarks' noise
     * (bench/db-tunnel.sh select-only at -c 8: 26-37k and 26-44k tps; bench/mysql-tunnel.sh:
     * 33k and 42k qps). {@code -Dferry.relayLoops=N} sets it.
     */
    private static int relayLoops() {
        int cores = Runtime.getRuntime().availableProcessors();
        return Integer.getInteger("ferry.relayLoops", Math.min(4, cores));
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    public ListenerLimits limits() {
        return limits;
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    /**
     * Relays a connection whose session is set up, on the listener's event loops, until either
     * side ends; then {@code close} (which must close both sockets) runs on a loop thread. Returns
     * at once, so the connection's pool thread is free: from here on it holds no thread.
     */
    public void relay(Socket client, TlsLink tls, Runnable close) throws IOException {
        relays.relay(client, tls, stats, close);
    }

    /** Relay loop threads running now (tests: they end after the keep-alive with no connection). */
    int relayThreads() {
        return relays.running();
    }

    /** Runs a task of a connection on the pool (a front tunnel's second direction). */
    public void execute(Runnable task) {
        threads.execute(task);
    }

    /** A connection ended (called from its close); counted once. */
    public void ended(Connection connection) {
        if (open.remove(connection) || refusing.remove(connection)) {
            stats.connectionClosed();
        }
        if (open.isEmpty() && peak.get() >= BURST && !closed) {
            long at = accepted.get();
            CompletableFuture.delayedExecutor(releaseDelay.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
                if (!closed && open.isEmpty() && accepted.get() == at && peak.getAndSet(0) >= BURST) {
                    releaseMemory.run();
                }
            });
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        // The JDK frees the port only once the thread blocked in accept() has left it: wait (briefly)
        // so that a restart on the same port (new keys, a restore in this process) can bind it at once.
        Thread t = acceptor;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Connection c : open) {
            c.close();
        }
        for (Connection c : refusing) {
            c.close();
        }
        threads.shutdownNow();
        refusers.shutdownNow();
        relays.close();
    }

    private void refuse(Socket client) {
        stats.error("ferry: refused a client: the tunnel already has " + limits.maxConnections()
                + " connections, the most it allows");
        Function<Socket, Connection> f = refusals;
        if (f != null) {
            Connection refusal = f.apply(client);
            refusing.add(refusal);
            try {
                refusers.execute(refusal);
                return;
            } catch (RejectedExecutionException busy) {
                refusing.remove(refusal);
            }
        }
        try {
            client.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        stats.connectionClosed();
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
            stats.connectionOpened();
            if (open.size() >= limits.maxConnections()) {
                refuse(client);
                continue;
            }
            Connection connection = connections.apply(client);
            open.add(connection);
            accepted.incrementAndGet();
            peak.accumulateAndGet(open.size(), Math::max);
            try {
                threads.execute(connection);
            } catch (RejectedExecutionException e) {
                connection.close();
            }
        }
    }
}
