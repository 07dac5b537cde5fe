package dev.ferry.app.tunnels;

import dev.ferry.tunnel.LocalTunnel;
import dev.ferry.tunnel.TunnelStats;
import dev.ferry.tunnel.db.UpstreamResult;

import java.net.InetSocketAddress;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A tunnel as the UI, CLI and tray see it: its spec, status, address, live counters, typed
 * info (what to show and copy) and, when it is not serving, a typed failure. Changes are
 * announced to listeners on the thread that made them; the UI hops to its own thread.
 */
public final class Tunnel {
    private final String id;
    private volatile TunnelSpec spec;
    private volatile TunnelStatus status = TunnelStatus.STARTING;
    private volatile TunnelFailure failure;
    private volatile TunnelFailure moveFailure;
    private volatile LocalTunnel running;
    private volatile TunnelStats stats = new TunnelStats();
    private volatile TunnelInfo info;
    private volatile Thread starter;
    private final List<Consumer<Tunnel>> listeners = new CopyOnWriteArrayList<>();
    private final Consumer<UpstreamResult> upstreamChanged = r -> fire();

    Tunnel(TunnelSpec spec) {
        this.id = spec.id();
        this.spec = spec;
    }

    public String id() {
        return id;
    }

    public TunnelSpec spec() {
        return spec;
    }

    public TunnelStatus status() {
        return status;
    }

    /** Starting or serving. */
    public boolean isRunning() {
        return status.isRunning();
    }

    /**
     * Why the tunnel does not serve: the start failed (FAILED), or, while READY, a supervised
     * process keeps failing to restart, or its credentials cannot be renewed (the session expired).
     */
    public Optional<TunnelFailure> failure() {
        if (status == TunnelStatus.FAILED) {
            return Optional.ofNullable(failure);
        }
        if (status == TunnelStatus.READY && running instanceof Supervised s) {
            return s.restartFailure();
        }
        return Optional.empty();
    }

    /**
     * The ended session a listening tunnel waits for (its credentials could not be renewed): the
     * desktop shows the sign-in prompt; after it the tunnel serves again on the same port.
     */
    public Optional<dev.ferry.app.access.SignInRequiredException> sessionEnded() {
        return status == TunnelStatus.READY && running instanceof Supervised s ? s.sessionEnded() : Optional.empty();
    }

    /** Whether signing in would let the tunnel serve again. */
    public boolean needsSignIn() {
        return failure().map(TunnelFailure::needsSignIn).orElse(false);
    }

    /** Why the last move to another port failed (the tunnel kept its port), until the next move or start. */
    public Optional<TunnelFailure> moveFailure() {
        return Optional.ofNullable(moveFailure);
    }

    /** The last error in plain words, or empty. */
    public String lastError() {
        return failure().map(TunnelFailure::message).orElse("");
    }

    /** The bound loopback address while READY, else null. */
    public InetSocketAddress localAddress() {
        LocalTunnel t = running;
        return t == null ? null : t.localAddress();
    }

    /** {@code 127.0.0.1:PORT} while listening, else empty: the one host:port text. */
    public String addressText() {
        return addressText(localAddress());
    }

    public static String addressText(InetSocketAddress a) {
        return a == null ? "" : a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    /** The port it listens on, else the one it asked for (0: not known yet). */
    public int port() {
        InetSocketAddress a = localAddress();
        return a != null ? a.getPort() : spec.port();
    }

    public TunnelStats stats() {
        return stats;
    }

    /**
     * The last upstream result of a serving database tunnel (from the tunnel layer's typed
     * events): empty before the first client connection, and for tunnels that do not report one.
     */
    public Optional<UpstreamResult> upstream() {
        return running == null ? Optional.empty() : stats.upstream();
    }

    /** Whether it listens but its last client connection could not reach the database. */
    public boolean upstreamFailing() {
        return upstream().map(r -> !r.ok()).orElse(false);
    }

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    /**
     * The upstream result in plain words: "upstream OK", "upstream unreachable since 10:42:13:
     * connection refused"; empty when there is none yet.
     */
    public String upstreamText(ZoneId zone) {
        return upstream().map(r -> r.ok() ? "upstream OK" : "upstream " + switch (r.reason()) {
            case UNREACHABLE -> "unreachable";
            case TLS -> "TLS failed";
            case CREDENTIALS -> "sign-in failed (no credentials)";
            case UNSUPPORTED_AUTH -> "sign-in method not supported";
            default -> "failing";
        } + " since " + CLOCK.format(r.since().atZone(zone)) + (r.cause().isEmpty() ? "" : ": " + r.cause())).orElse("");
    }

    /** What to show and copy, once it was ready (kept while it restarts). */
    public Optional<TunnelInfo> info() {
        return Optional.ofNullable(info);
    }

    public void addListener(Consumer<Tunnel> l) {
        listeners.add(l);
    }

    public void removeListener(Consumer<Tunnel> l) {
        listeners.remove(l);
    }

    LocalTunnel running() {
        return running;
    }

    void starting(TunnelSpec newSpec, Thread by) {
        this.spec = newSpec;
        this.status = TunnelStatus.STARTING;
        this.failure = null;
        this.moveFailure = null;
        this.starter = by;
        fire();
    }

    /** The thread that runs the start now (so Stop can interrupt it). */
    void startingOn(Thread by) {
        this.starter = by;
    }

    /** Interrupts a start in progress (Stop while starting). */
    void cancelStart() {
        Thread t = starter;
        if (t != null) {
            t.interrupt();
        }
    }

    void ready(LocalTunnel t, TunnelSpec boundSpec, TunnelInfo newInfo) {
        this.stats.removeUpstreamListener(upstreamChanged);
        this.running = t;
        this.stats = t.stats();
        this.stats.addUpstreamListener(upstreamChanged);
        this.spec = boundSpec;
        this.info = newInfo;
        this.status = TunnelStatus.READY;
        this.failure = null;
        this.moveFailure = null;
        this.starter = null;
        fire();
    }

    void moveFailed(TunnelFailure f) {
        this.moveFailure = f;
        fire();
    }

    void failed(TunnelFailure f) {
        this.running = null;
        this.failure = f;
        this.status = TunnelStatus.FAILED;
        this.starter = null;
        fire();
    }

    void stopped() {
        this.running = null;
        this.status = TunnelStatus.STOPPED;
        this.starter = null;
        fire();
    }

    private void fire() {
        for (Consumer<Tunnel> l : listeners) {
            l.accept(this);
        }
    }

    @Override
    public String toString() {
        return "Tunnel[" + spec.title() + ", " + status + (localAddress() == null ? "" : ", " + localAddress()) + "]";
    }
}
