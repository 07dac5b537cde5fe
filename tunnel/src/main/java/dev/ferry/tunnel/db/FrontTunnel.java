package dev.ferry.tunnel.db;

import dev.ferry.tunnel.PortInUseException;
import dev.ferry.tunnel.TunnelStats;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A loopback front for a database proxy that another program runs (tsh's
 * {@code tsh proxy db --tunnel}): it keeps the user's port, relays every client connection byte
 * for byte to the proxy's own (private) loopback port, and watches the start of each connection
 * with a protocol {@link Watch} to learn the upstream result it cannot otherwise see: the
 * database answered and signed the client in, or it failed and why. The result goes to the
 * tunnel's {@link TunnelStats} like that of Ferry's own tunnels, so the UI shows it the same way.
 * Nothing is changed in the bytes; a connection the proxy refuses (it is not running) is told so
 * in the protocol's own error format.
 */
public final class FrontTunnel extends DbTunnel {
    private static final int BUFFER = 64 * 1024;
    private static final int CONNECT_TIMEOUT_MILLIS = 5000;

    /** What a watch learnt about one connection's upstream. */
    public interface Outcome {
        /** The database answered and signed the client in. */
        void reached();

        /** The upstream could not be reached or refused the connection on its side. */
        void failed(TunnelFailure f);

        /** The database itself refused the client (its own error, e.g. a wrong database name). */
        void refusedByDatabase(String message);
    }

    /**
     * Follows the start of one connection (each method is called with the bytes in the order they
     * travel in their direction; client bytes before they are forwarded). Once {@link #done()}
     * it is fed no more. Implementations are called from two threads and synchronise themselves.
     */
    public interface Watch {
        void fromClient(byte[] b, int off, int len);

        void fromServer(byte[] b, int off, int len);

        /** The proxy closed the connection (the client had not). */
        void serverClosed();

        /**
         * The proxy's port refused the connection: once a real client is there (not a port probe),
         * report {@code f} to the outcome, then tell the client in the protocol's way.
         */
        void refuse(Socket client, TunnelFailure f) throws IOException;

        boolean done();
    }

    private final TunnelStats stats;

    private FrontTunnel(TunnelListener listener, TunnelStats stats) {
        super(listener, stats);
        this.stats = stats;
    }

    /**
     * Binds 127.0.0.1:{@code port}; {@link #serve} starts relaying.
     *
     * @throws PortInUseException when the port is taken
     */
    public static FrontTunnel bind(int port, String name, TunnelStats stats) throws IOException {
        return new FrontTunnel(TunnelListener.bind(port, name, stats), stats);
    }

    /**
     * Starts accepting.
     *
     * @param target      where the proxy listens now (asked per connection: it may move when restarted)
     * @param unreachable the failure to report when the proxy's port refuses a connection
     * @param watches     a new watch per connection
     */
    public void serve(Supplier<InetSocketAddress> target, Function<IOException, TunnelFailure> unreachable,
                      Function<Outcome, Watch> watches) {
        Outcome outcome = new Outcome() {
            @Override
            public void reached() {
                stats.upstreamReached();
            }

            @Override
            public void failed(TunnelFailure f) {
                stats.upstreamFailed(f);
            }

            @Override
            public void refusedByDatabase(String message) {
                stats.error(message);
            }
        };
        listener.accept(socket -> new Connection(socket, target.get(), unreachable, watches.apply(outcome)));
    }

    private final class Connection implements TunnelListener.Connection {
        private final Socket client;
        private final InetSocketAddress target;
        private final Function<IOException, TunnelFailure> unreachable;
        private final Watch watch;
        private final Socket upstream = new Socket();
        private final AtomicBoolean closed = new AtomicBoolean();
        private volatile boolean clientEnded;

        Connection(Socket client, InetSocketAddress target, Function<IOException, TunnelFailure> unreachable,
                   Watch watch) {
            this.client = client;
            this.target = target;
            this.unreachable = unreachable;
            this.watch = watch;
        }

        @Override
        public void run() {
            try {
                client.setTcpNoDelay(true);
                try {
                    upstream.connect(target, CONNECT_TIMEOUT_MILLIS);
                    upstream.setTcpNoDelay(true);
                } catch (IOException e) {
                    watch.refuse(client, unreachable.apply(e));
                    return;
                }
                InputStream clientIn = client.getInputStream();
                OutputStream upOut = upstream.getOutputStream();
                listener.execute(() -> {
                    try {
                        byte[] buf = new byte[BUFFER];
                        int n;
                        while ((n = clientIn.read(buf)) >= 0) {
                            stats.addBytesFromClient(n);
                            if (!watch.done()) {
                                watch.fromClient(buf, 0, n);
                            }
                            upOut.write(buf, 0, n);
                        }
                        clientEnded = true;
                    } catch (IOException e) {
                        clientEnded = true; // the client side broke (or close() ran): not the proxy's doing
                    } finally {
                        close();
                    }
                });
                InputStream upIn = upstream.getInputStream();
                OutputStream clientOut = client.getOutputStream();
                byte[] buf = new byte[BUFFER];
                while (true) {
                    int n;
                    try {
                        n = upIn.read(buf);
                    } catch (IOException e) {
                        n = -1;
                    }
                    if (n < 0) {
                        serverEnded();
                        return;
                    }
                    stats.addBytesToClient(n);
                    if (!watch.done()) {
                        watch.fromServer(buf, 0, n);
                    }
                    clientOut.write(buf, 0, n); // throws when the client is gone: not the proxy's doing
                }
            } catch (IOException e) {
                // the client went away before anything was relayed
            } finally {
                close();
            }
        }

        private void serverEnded() {
            if (!clientEnded && !closed.get() && !watch.done()) {
                watch.serverClosed();
            }
        }

        @Override
        public void close() {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            UpstreamTls.closeQuietly(client);
            UpstreamTls.closeQuietly(upstream);
            listener.ended(this);
        }
    }
}
