package dev.ferry.app.teleport;

import dev.ferry.tunnel.LocalTunnel;
import dev.ferry.tunnel.PortInUseException;
import dev.ferry.tunnel.TunnelStats;
import dev.ferry.tunnel.db.FrontTunnel;
import dev.ferry.tunnel.db.TunnelFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * A long-running tsh local proxy ({@code tsh proxy db --tunnel}, {@code tsh proxy aws}) kept
 * alive as a {@link LocalTunnel} on a fixed loopback port. It is ready when tsh's output says
 * so (the {@link ReadyParser} recognises tsh's "Started ..." text and reads what it printed)
 * and the port accepts TCP connections. If tsh dies while the tunnel is open it is started
 * again after 1 s, 2 s, 4 s ... (at most 30 s) until it is ready again; every death is
 * recorded as the tunnel's last error (tsh's own words) and counted in {@link #restarts()}.
 * {@link #close()} stops tsh and its children within a bounded time.
 *
 * <p>A database tunnel runs behind a {@link FrontTunnel} ({@link #startBehindFront}): Ferry keeps
 * the user's port itself and tsh listens on a private loopback port, so Ferry sees each
 * connection's upstream result (tsh with {@code --tunnel} answers for the database) and a tsh
 * that died or cannot start shows as a failing upstream, like Ferry's own tunnels.
 *
 * <p>Written by hand: supervising an external process with readiness by output and port is
 * small and specific; no library in the stack does it.
 */
public final class SupervisedTshTunnel implements LocalTunnel, dev.ferry.app.tunnels.Supervised {
    private static final Logger LOG = LoggerFactory.getLogger(SupervisedTshTunnel.class);
    public static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    public static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    public static final Duration STOP_GRACE = Duration.ofSeconds(2);
    private static final int KEEP_LINES = 100;

    /**
     * Reads tsh's output so far (oldest line first) and says whether the proxy is up: the
     * details it printed (possibly empty), or empty while not (yet) started.
     */
    @FunctionalInterface
    public interface ReadyParser extends Function<List<String>, Optional<Map<String, String>>> {
    }

    /** Runs before every start of tsh (e.g. {@code tsh apps login}); throws to fail that start. */
    @FunctionalInterface
    public interface BeforeStart {
        void run();
    }

    private final TshClient tsh;
    private final IntFunction<List<String>> args;
    private final Map<String, String> env;
    private final int port;
    /** Where tsh listens: the user's port, or, behind a front, a private one (a fresh one if it was taken meanwhile). */
    private volatile int tshPort;
    private volatile FrontTunnel front;
    /** Why tsh is not serving now (behind a front), in a few words; null while it runs. */
    private volatile String down;
    private final String what;
    private final ReadyParser ready;
    private final BeforeStart beforeStart;
    private final Duration readyTimeout;
    private final TunnelStats stats = new TunnelStats();
    private final Deque<String> log = new ArrayDeque<>();
    private final AtomicLong restarts = new AtomicLong();
    private final ScheduledExecutorService scheduler;
    private volatile TshProcess process;
    private volatile Map<String, String> details = Map.of();
    private volatile boolean closed;
    private volatile dev.ferry.app.tunnels.TunnelFailure restartFailure;
    private ScheduledFuture<?> pendingRestart;
    private Duration backoff = FIRST_BACKOFF;

    private SupervisedTshTunnel(TshClient tsh, IntFunction<List<String>> args, Map<String, String> env, int port,
                                String what, ReadyParser ready, BeforeStart beforeStart, Duration readyTimeout) {
        this.tsh = tsh;
        this.args = args;
        this.env = Map.copyOf(env);
        this.port = port;
        this.tshPort = port;
        this.what = what;
        this.ready = ready;
        this.beforeStart = beforeStart;
        this.readyTimeout = readyTimeout;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tsh-supervisor-" + port);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts tsh and waits until it is ready.
     *
     * @param what    what the tunnel is, for messages ("tsh proxy db for orders")
     * @param env     extra environment for tsh (on top of the client's)
     * @throws PortInUseException       the port is taken
     * @throws TshNotLoggedInException  tsh says there is no valid session
     * @throws TshException             tsh failed or did not get ready in time; tsh's words
     */
    public static SupervisedTshTunnel start(TshClient tsh, List<String> args, Map<String, String> env, int port,
                                            String what, ReadyParser ready, BeforeStart beforeStart,
                                            Duration readyTimeout) throws PortInUseException {
        if (!dev.ferry.app.tunnels.Ports.isFree(port)) {
            throw new PortInUseException(port, null);
        }
        List<String> fixed = List.copyOf(args);
        return new SupervisedTshTunnel(tsh, p -> fixed, env, port, what, ready, beforeStart, readyTimeout).firstLaunch();
    }

    /** Launches tsh the first time; on failure everything is stopped and the error thrown. */
    private SupervisedTshTunnel firstLaunch() {
        try {
            launch();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        return this;
    }

    /**
     * Binds {@code port} for a {@link FrontTunnel}, starts tsh on a private free loopback port
     * ({@code args} gets that port), waits until it is ready, then relays the front's connections
     * to it, each watched by a watch from {@code watches}.
     *
     * @throws PortInUseException       the port is taken
     * @throws TshNotLoggedInException  tsh says there is no valid session
     * @throws TshException             tsh failed or did not get ready in time; tsh's words
     */
    public static SupervisedTshTunnel startBehindFront(TshClient tsh, IntFunction<List<String>> args,
                                                       Map<String, String> env, int port, String what,
                                                       ReadyParser ready, BeforeStart beforeStart, Duration readyTimeout,
                                                       Function<FrontTunnel.Outcome, FrontTunnel.Watch> watches)
            throws IOException {
        SupervisedTshTunnel t = new SupervisedTshTunnel(tsh, args, env, port, what, ready, beforeStart, readyTimeout);
        FrontTunnel front = FrontTunnel.bind(port, "tsh-db", t.stats);
        t.front = front;
        try {
            t.tshPort = dev.ferry.app.tunnels.Ports.freePort();
        } catch (RuntimeException e) {
            front.close();
            throw e;
        }
        t.firstLaunch();
        front.serve(() -> new InetSocketAddress(InetAddress.getLoopbackAddress(), t.tshPort), t::unreachable, watches);
        return t;
    }

    /** What a client of the front is told when tsh's port refuses it. */
    private TunnelFailure unreachable(IOException e) {
        String why = down != null ? down : "tsh is not accepting connections (" + e.getMessage() + ")";
        LOG.info("{}: a client could not be relayed to tsh on 127.0.0.1:{}: {}", what, tshPort, e.getMessage());
        return new TunnelFailure(TunnelFailure.Reason.UNREACHABLE, "ferry: " + what + " is not running: " + why
                + "; Ferry starts it again by itself, connect again in a moment", why);
    }

    /** Behind a front: tsh does not serve, which is the upstream's failure until a connection gets through. */
    private void upstreamDown(String why, String message) {
        down = why;
        if (front != null) {
            stats.upstreamFailed(new TunnelFailure(TunnelFailure.Reason.UNREACHABLE, message, why));
        } else {
            stats.error(message);
        }
    }

    /** The loopback port tsh itself listens on (behind a front: a private one, not {@link #localAddress()}). */
    public int tshPort() {
        return tshPort;
    }

    /** The details tsh printed when it last became ready (may hold local secrets: never log). */
    public Map<String, String> details() {
        return details;
    }

    /** How many times tsh was started again after it died. */
    public long restarts() {
        return restarts.get();
    }

    /** The process id of the running tsh, or -1 while none runs. */
    public long pid() {
        TshProcess p = process;
        return p != null && p.isAlive() ? p.pid() : -1;
    }

    /** The last lines tsh printed, across restarts (lines with secrets are masked). */
    public List<String> log() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        FrontTunnel f = front;
        return f != null ? f.localAddress() : new InetSocketAddress("127.0.0.1", port);
    }

    @Override
    public TunnelStats stats() {
        return stats;
    }

    /** Why tsh could not be started again since it last died (typed: a lost session asks for a sign-in). */
    @Override
    public Optional<dev.ferry.app.tunnels.TunnelFailure> restartFailure() {
        return Optional.ofNullable(restartFailure);
    }

    /** Starts tsh once and waits until ready; on failure the process is stopped and the error thrown. */
    private void launch() {
        beforeStart.run();
        if (front != null && !dev.ferry.app.tunnels.Ports.isFree(tshPort)) {
            tshPort = dev.ferry.app.tunnels.Ports.freePort(); // taken while tsh was down
        }
        List<String> lines = new ArrayList<>();
        CompletableFuture<Map<String, String>> up = new CompletableFuture<>();
        TshProcess p = tsh.start(args.apply(tshPort), env, line -> {
            remember(line);
            synchronized (lines) {
                lines.add(line);
                if (!up.isDone()) {
                    ready.apply(List.copyOf(lines)).ifPresent(up::complete);
                }
            }
        });
        process = p;
        p.onExit().thenRun(() -> up.completeExceptionally(failure(p)));
        try {
            Map<String, String> printed = up.get(readyTimeout.toMillis(), TimeUnit.MILLISECONDS);
            awaitPort(p, Instant.now().plus(readyTimeout));
            details = printed;
        } catch (ExecutionException e) {
            p.stop(STOP_GRACE);
            throw e.getCause() instanceof dev.ferry.app.FerryException fe ? fe : new TshException(e.getCause().getMessage(), "", -1);
        } catch (TimeoutException e) {
            p.stop(STOP_GRACE);
            throw new TshException(what + " did not report a started tunnel within " + readyTimeout.toSeconds()
                    + " s" + lastWords(p), "Check your connection to the Teleport proxy, then try again.", -1);
        } catch (InterruptedException e) {
            p.stop(STOP_GRACE);
            Thread.currentThread().interrupt();
            throw new TshException("Stopped waiting for " + what + ".", "", -1);
        }
        if (closed) {
            p.stop(STOP_GRACE);
            return;
        }
        p.onExit().thenAccept(code -> died(p, code));
    }

    private void awaitPort(TshProcess p, Instant deadline) throws InterruptedException {
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), tshPort), 500);
                return;
            } catch (IOException e) {
                if (!p.isAlive()) {
                    try {
                        p.onExit().get(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (ExecutionException | TimeoutException ignored) {
                        // the exit status is then unknown; the output read so far still tells
                    }
                    throw failure(p);
                }
                if (Instant.now().isAfter(deadline)) {
                    p.stop(STOP_GRACE);
                    throw new TshException(what + " said it started, but nothing accepts connections on 127.0.0.1:"
                            + tshPort + ".", "Try another port.", -1);
                }
                Thread.sleep(50);
            }
        }
    }

    /** tsh exited while the tunnel was open: record why and start it again later. */
    private void died(TshProcess p, int code) {
        if (closed || p != process) {
            return;
        }
        String why = tshSays(p).orElse("it exited with status " + code);
        LOG.warn("{} stopped ({}); starting it again", what, why);
        upstreamDown("tsh stopped: " + why, what + " stopped: " + why);
        scheduleRestart();
    }

    private synchronized void scheduleRestart() {
        if (closed) {
            return;
        }
        Duration delay = backoff;
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        pendingRestart = scheduler.schedule(this::restart, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void restart() {
        if (closed) {
            return;
        }
        try {
            launch();
            restarts.incrementAndGet();
            synchronized (this) {
                backoff = FIRST_BACKOFF;
            }
            down = null;
            if (restartFailure != null) {
                restartFailure = null;
                stats.clearError(); // running again: the restart error no longer applies
            }
            LOG.info("{} is running again on 127.0.0.1:{}", what, port);
        } catch (RuntimeException e) {
            String msg = e instanceof dev.ferry.app.FerryException fe && !fe.hint().isEmpty()
                    ? fe.getMessage() + " " + fe.hint() : e.getMessage();
            restartFailure = dev.ferry.app.tunnels.TunnelFailure.of(e);
            upstreamDown("tsh could not start again: " + e.getMessage(), "Could not restart " + what + ": " + msg);
            LOG.warn("Could not restart {}: {}", what, e.getMessage());
            scheduleRestart();
        }
    }

    private dev.ferry.app.FerryException failure(TshProcess p) {
        int code = p.onExit().getNow(-1);
        TshOutput out = new TshOutput(code, "", String.join("\n", p.recentOutput()));
        if (out.notLoggedIn()) {
            return new TshNotLoggedInException(tsh.proxy(), out.expired());
        }
        return new TshException(what + " failed: " + out.errorMessage(), "", code);
    }

    private Optional<String> tshSays(TshProcess p) {
        List<String> lines = p.recentOutput();
        if (lines.stream().allMatch(String::isBlank)) {
            return Optional.empty();
        }
        return Optional.of(new TshOutput(0, "", String.join("\n", lines)).errorMessage());
    }

    private String lastWords(TshProcess p) {
        return tshSays(p).map(s -> " (it said: " + s + ")").orElse("");
    }

    private void remember(String line) {
        String safe = line.contains("SECRET") ? line.replaceAll("(SECRET[A-Z_]*\"?\\s*[=:]\\s*\"?)[^\"\\s]+", "$1****")
                : line;
        synchronized (log) {
            log.addLast(safe);
            while (log.size() > KEEP_LINES) {
                log.removeFirst();
            }
        }
    }

    /** Stops tsh (SIGTERM, then kill after {@link #STOP_GRACE}) and gives up restarting. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (pendingRestart != null) {
                pendingRestart.cancel(false);
            }
        }
        FrontTunnel f = front;
        if (f != null) {
            f.close();
        }
        scheduler.shutdownNow();
        TshProcess p = process;
        if (p != null) {
            p.stop(STOP_GRACE);
        }
        try {
            scheduler.awaitTermination(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // A restart may have started tsh while we were stopping the old one.
        TshProcess last = process;
        if (last != null && last != p) {
            last.stop(STOP_GRACE);
        }
    }
}
