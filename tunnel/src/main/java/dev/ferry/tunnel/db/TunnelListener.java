package dev.ferry.tunnel.db;

import dev.ferry.tunnel.PortInUseException;
import dev.ferry.tunnel.TunnelStats;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The loopback side of a database tunnel: binds 127.0.0.1, accepts on its own daemon thread,
 * runs each client connection on a thread of its pool, counts connections in the tunnel's
 * {@link TunnelStats}, and on close stops accepting and closes every open connection.
 */
public final class TunnelListener implements AutoCloseable {
    private static final InetAddress LOOPBACK = loopback();

    /** One client connection: run once on a pool thread; close is safe from any thread and repeatable. */
    public interface Connection extends Runnable {
        void close();
    }

    private final ServerSocket server;
    private final TunnelStats stats;
    private volatile Function<Socket, Connection> connections;
    private final ExecutorService threads;
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private final String name;

    private TunnelListener(ServerSocket server, TunnelStats stats, String name) {
        this.server = server;
        this.stats = stats;
        this.name = name;
        int port = server.getLocalPort();
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "ferry-" + name + "-" + port + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Binds 127.0.0.1:{@code port} (0: any free port); {@link #accept} starts serving.
     *
     * @param name short protocol name for thread names ("pg", "mysql")
     * @throws PortInUseException when the port is taken
     */
    public static TunnelListener bind(int port, String name, TunnelStats stats) throws IOException {
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
        return new TunnelListener(server, stats, name);
    }

    /**
     * Starts accepting on a daemon thread.
     *
     * @param connections makes the connection for an accepted socket (must not block)
     */
    public void accept(Function<Socket, Connection> connections) {
        this.connections = connections;
        Thread acceptor = new Thread(this::acceptLoop, "ferry-" + name + "-accept-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    /** Runs a task of a connection (the second relay direction) on the pool. */
    public void execute(Runnable task) {
        threads.execute(task);
    }

    /** A connection ended (called from its close); counted once. */
    public void ended(Connection connection) {
        if (open.remove(connection)) {
            stats.connectionClosed();
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
        for (Connection c : open) {
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
            Connection connection = connections.apply(client);
            open.add(connection);
            stats.connectionOpened();
            try {
                threads.execute(connection);
            } catch (RejectedExecutionException e) {
                connection.close();
            }
        }
    }
}
