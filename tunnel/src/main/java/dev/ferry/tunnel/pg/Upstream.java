package dev.ferry.tunnel.pg;

import dev.ferry.tunnel.db.TlsLink;
import dev.ferry.tunnel.db.TunnelFailure;
import dev.ferry.tunnel.db.TunnelFailure.Reason;
import dev.ferry.tunnel.db.UpstreamTls;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Opens connections to the database: TCP connect, PostgreSQL SSLRequest, then verified TLS
 * ({@link UpstreamTls}, shared with the MySQL tunnel).
 *
 * <p><b>The warm spare.</b> PostgreSQL turns TLS session resumption off, so every upstream
 * connection costs a full handshake with certificate verification (about 4 ms of the
 * client's connect time with JDK 25, more with JDK 17). While the tunnel is in use, it keeps
 * one connection ready: TCP connected and TLS verified, before any startup packet (so
 * nothing about the next client, its user or parameters, is decided yet). {@link #take()}
 * hands it to the next client and opens the next spare in the background. A spare is
 * closed, with a TLS close_notify (which PostgreSQL does not log), when it is
 * {@link #SPARE_MAX_AGE} old: well inside PostgreSQL's {@code authentication_timeout}
 * (60 s by default, also on RDS). It is replaced then only if a client connected in the
 * last {@link #KEEP_WARM}: an idle tunnel holds no upstream connection. No spare is opened
 * before the first client, and a failed background open is not reported: the next client
 * opens its own connection and sees the failure itself.
 */
final class Upstream implements AutoCloseable {
    static final Duration SPARE_MAX_AGE = Duration.ofSeconds(20);
    static final Duration KEEP_WARM = Duration.ofMinutes(2);

    private final UpstreamTls tls;
    private final boolean warmSpare;
    private final LongAdder sparesTaken = new LongAdder();
    private final LongAdder sparesLost = new LongAdder();
    /** Guards the fields below. */
    private final Object lock = new Object();
    private Connection spare;
    private boolean opening;
    private boolean closed;
    private long lastTakeNanos;
    private ScheduledExecutorService background;

    Upstream(PgTunnelConfig config) throws IOException {
        this.tls = new UpstreamTls(config.upstreamHost(), config.upstreamPort(), config.tlsMode(),
                config.extraCaPemFiles(), config.connectTimeout());
        this.warmSpare = config.warmSpare();
    }

    /** The TLS side (tests and benches: handshake counts). */
    UpstreamTls tls() {
        return tls;
    }

    /** Connections handed out that were opened in advance (tests and benches). */
    long sparesTaken() {
        return sparesTaken.sum();
    }

    /** A client found its spare closed by the server and was served on a new connection. */
    void spareLost() {
        sparesLost.increment();
    }

    /** Spares the server had closed when a client took them (tests and benches). */
    long sparesLost() {
        return sparesLost.sum();
    }

    /** The local port of the ready spare's socket, or -1 when none is ready (tests: its backend in pg_stat_activity). */
    int spareLocalPort() {
        synchronized (lock) {
            return spare == null ? -1 : spare.plain().getLocalPort();
        }
    }

    /**
     * A connection for a client: the warm spare when one is ready (then {@link Connection#spare()}
     * is true: the server may have closed it meanwhile, so a failure before the server's first
     * answer calls for one retry with {@link #open()}), else a new one. Then the next spare is
     * opened in the background (not when the new one failed).
     */
    Connection take() throws TunnelFailure {
        if (!warmSpare) {
            return open();
        }
        Connection ready;
        synchronized (lock) {
            lastTakeNanos = System.nanoTime();
            ready = spare;
            spare = null;
        }
        if (ready != null) {
            sparesTaken.increment();
            refill();
            return ready;
        }
        Connection c = open(); // first, so that a failure is the client's and no spare is tried then
        refill();
        return c;
    }

    /**
     * Connects, asks for TLS and completes a verified handshake. The returned socket has
     * the connect timeout as read timeout; callers reset it once the session is set up.
     */
    Connection open() throws TunnelFailure {
        return open(false);
    }

    private Connection open(boolean asSpare) throws TunnelFailure {
        Socket plain = tls.connect();
        try {
            plain.getOutputStream().write(PgWire.sslRequest());
            int answer = plain.getInputStream().read();
            if (answer == 'N') {
                throw tls.noTls();
            }
            if (answer != 'S') {
                throw new TunnelFailure(Reason.CONNECTION, "ferry: the server at " + tls.where()
                        + " did not answer the TLS request like a PostgreSQL server");
            }
        } catch (TunnelFailure e) {
            UpstreamTls.closeQuietly(plain);
            throw e;
        } catch (IOException e) {
            UpstreamTls.closeQuietly(plain);
            throw new TunnelFailure(Reason.CONNECTION,
                    "ferry: connection to " + tls.where() + " failed while setting up TLS: " + e.getMessage());
        }
        return new Connection(plain, tls.startTls(plain), asSpare);
    }

    private void refill() {
        ScheduledExecutorService executor;
        synchronized (lock) {
            if (closed || opening || spare != null) {
                return;
            }
            opening = true;
            if (background == null) {
                ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
                    Thread t = new Thread(r, "ferry-pg-spare " + tls.where());
                    t.setDaemon(true);
                    return t;
                });
                e.setRemoveOnCancelPolicy(true);
                e.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
                background = e;
            }
            executor = background;
        }
        try {
            executor.execute(this::openSpare);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            synchronized (lock) {
                opening = false; // closed meanwhile
            }
        }
    }

    private void openSpare() {
        Connection c = null;
        try {
            c = open(true);
        } catch (TunnelFailure e) {
            // not reported: the next client opens its own connection and sees why
        }
        synchronized (lock) {
            opening = false;
            if (c == null) {
                return;
            }
            if (!closed && spare == null) {
                spare = c;
                Connection mine = c;
                background.schedule(() -> expire(mine), SPARE_MAX_AGE.toMillis(), TimeUnit.MILLISECONDS);
                return;
            }
        }
        discard(c);
    }

    private void expire(Connection c) {
        boolean again;
        synchronized (lock) {
            if (spare != c) {
                return; // taken
            }
            spare = null;
            again = System.nanoTime() - lastTakeNanos < KEEP_WARM.toNanos();
        }
        discard(c);
        if (again) {
            refill();
        }
    }

    private static void discard(Connection c) {
        c.tls().closeOutbound();
        c.tls().close();
    }

    /** Closes the spare and stops opening new ones. */
    @Override
    public void close() {
        Connection c;
        synchronized (lock) {
            closed = true;
            c = spare;
            spare = null;
            if (background != null) {
                background.shutdownNow();
            }
        }
        if (c != null) {
            discard(c);
        }
    }

    /**
     * An open upstream connection: talk through {@code tls}; close {@code plain} to tear it
     * down at once. {@code spare}: opened in advance by {@link #take()}.
     */
    record Connection(Socket plain, TlsLink tls, boolean spare) {
    }
}
