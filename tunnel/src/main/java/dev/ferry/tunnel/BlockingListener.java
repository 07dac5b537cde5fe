package dev.ferry.tunnel;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.channels.ServerSocketChannel;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The loopback listener of a database tunnel (PostgreSQL, MySQL): binds 127.0.0.1 only, serves
 * each connection on its own thread (blocking I/O, see PgConnection), keeps to
 * {@link ListenerLimits#maxConnections()} and counts connections in the tunnel's
 * {@link TunnelStats}. A connection past the cap is handed to {@link Handler#refuse} on a small
 * pool of its own, so the protocol can tell the client why (PostgreSQL: SQLSTATE 53300, MySQL:
 * error 1040) without taking a thread from the connections being served; when even that pool is
 * busy the connection is closed at once.
 *
 * <p>Header timeouts are the handler's job ({@link ListenerLimits#headerTimeoutMillis()} as the
 * socket timeout while it reads what opens the session), because only the protocol knows when
 * the opening is over.
 */
public final class BlockingListener implements AutoCloseable {

    /** What a tunnel does with its connections. */
    public interface Handler {
        /** Serves one client until the session ends; the socket is closed afterwards. */
        void serve(Socket client);

        /**
         * Tells a client past the cap that the tunnel is full, in the protocol's words, reading
         * at most the opening of the session within the header timeout. The socket is closed afterwards.
         */
        void refuse(Socket client);
    }

    private static final int REFUSERS = 4;

    private final ServerSocket server;
    private final ListenerLimits limits;
    private final TunnelStats stats;
    private final Handler handler;
    private final ExecutorService threads;
    private final ThreadPoolExecutor refusers;
    private final AtomicInteger active = new AtomicInteger();
    private volatile boolean closed;

    private BlockingListener(ServerSocket server, String name, ListenerLimits limits, TunnelStats stats,
                             Handler handler) {
        this.server = server;
        this.limits = limits;
        this.stats = stats;
        this.handler = handler;
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(r -> daemon(r, name + "-" + n.incrementAndGet()));
        this.refusers = new ThreadPoolExecutor(0, REFUSERS, 10, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> daemon(r, name + "-refuse"));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Binds 127.0.0.1:{@code port} (0 = any free port) and starts accepting.
     *
     * @param name thread name prefix, e.g. {@code ferry-pg}
     * @throws PortInUseException when the port is taken
     */
    public static BlockingListener start(String name, int port, ListenerLimits limits, TunnelStats stats,
                                         Handler handler) throws IOException {
        // A channel's socket adaptor, not a plain ServerSocket: accepted sockets are channel
        // adaptors too, whose blocking reads take one system call (see the PostgreSQL Upstream).
        ServerSocket server = ServerSocketChannel.open().socket();
        try {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(loopback(), port), 128);
        } catch (BindException e) {
            server.close();
            throw new PortInUseException(port, e);
        } catch (IOException e) {
            server.close();
            throw e;
        }
        BlockingListener l = new BlockingListener(server, name + "-" + server.getLocalPort(), limits, stats, handler);
        Thread acceptor = daemon(l::acceptLoop, name + "-accept-" + server.getLocalPort());
        acceptor.start();
        return l;
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    public ListenerLimits limits() {
        return limits;
    }

    /** Connections being served now (not counting refused ones). */
    public int active() {
        return active.get();
    }

    /** Runs a helper task of a connection (e.g. the second direction of a relay). */
    public void execute(Runnable task) {
        threads.execute(task);
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
            if (active.incrementAndGet() > limits.maxConnections()) {
                active.decrementAndGet();
                stats.error("ferry: refused a client: the tunnel already has " + limits.maxConnections()
                        + " connections, the most it allows");
                try {
                    refusers.execute(() -> run(client, () -> handler.refuse(client), false));
                } catch (RejectedExecutionException busy) {
                    closeQuietly(client);
                    stats.connectionClosed();
                }
                continue;
            }
            try {
                threads.execute(() -> run(client, () -> handler.serve(client), true));
            } catch (RejectedExecutionException e) {
                active.decrementAndGet();
                closeQuietly(client);
                stats.connectionClosed();
            }
        }
    }

    private void run(Socket client, Runnable work, boolean counted) {
        try {
            work.run();
        } finally {
            closeQuietly(client);
            if (counted) {
                active.decrementAndGet();
            }
            stats.connectionClosed();
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** Stops accepting; the handler closes the sessions it serves. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        threads.shutdownNow();
        refusers.shutdownNow();
    }
}
