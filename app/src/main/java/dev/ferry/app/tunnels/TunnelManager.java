package dev.ferry.app.tunnels;

import dev.ferry.app.FerryException;
import dev.ferry.app.concurrent.Background;
import dev.ferry.tunnel.LocalTunnel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Owns this process's tunnels: opens them in the background, stops them, moves them to another
 * port (the new listener is bound before the old one closes, so a failed move keeps the tunnel
 * where it was), remembers the port per resource (per mode for AWS proxies), and records the
 * open specs in the shared state file so they come back after a restart. Every blocking step
 * (opening, closing a listener) runs on the {@link Background}, never on the caller's thread.
 */
public final class TunnelManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TunnelManager.class);

    private final AtomicBoolean closed = new AtomicBoolean();
    private final TunnelOpener opener;
    private final TunnelStateFile state;
    private final Background background;
    private final long owner = ProcessHandle.current().pid();
    private final Map<String, Tunnel> tunnels = new ConcurrentHashMap<>();
    private final List<Tunnel> order = new CopyOnWriteArrayList<>();
    private final List<Consumer<List<Tunnel>>> listeners = new CopyOnWriteArrayList<>();

    public TunnelManager(TunnelOpener opener, TunnelStateFile state, Background background) {
        this.opener = opener;
        this.state = state;
        this.background = background;
    }

    /** Tunnels in the order they were opened (stopped ones are removed). */
    public List<Tunnel> tunnels() {
        return List.copyOf(order);
    }

    public Tunnel get(String id) {
        return tunnels.get(id);
    }

    /** How many tunnels are starting or serving. */
    public long running() {
        return order.stream().filter(Tunnel::isRunning).count();
    }

    /** Called with the new list whenever a tunnel is added, removed or changes status. */
    public void addListener(Consumer<List<Tunnel>> l) {
        listeners.add(l);
    }

    public void removeListener(Consumer<List<Tunnel>> l) {
        listeners.remove(l);
    }

    /**
     * Opens a tunnel (or returns the one already open for the same spec). The future
     * completes when it is READY, or exceptionally with the reason in plain words; the
     * Tunnel is visible in {@link #tunnels()} as STARTING meanwhile and as FAILED after.
     */
    public CompletableFuture<Tunnel> open(TunnelSpec requested) {
        Tunnel existing = tunnels.get(requested.id());
        if (existing != null && existing.isRunning()) {
            return CompletableFuture.completedFuture(existing);
        }
        Tunnel t = existing != null ? existing : new Tunnel(requested);
        if (existing == null) {
            tunnels.put(t.id(), t);
            order.add(t);
            t.addListener(x -> fire());
        }
        t.starting(requested, null);
        fire();
        return background.submit(() -> start(t, requested));
    }

    /** Opens synchronously (CLI): returns the READY tunnel or throws. */
    public Tunnel openNow(TunnelSpec requested) {
        try {
            return open(requested).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new FerryException(String.valueOf(e.getCause().getMessage()), "", e.getCause());
        }
    }

    private Tunnel start(Tunnel t, TunnelSpec requested) {
        t.startingOn(Thread.currentThread());
        if (tunnels.get(t.id()) != t) { // stopped before the start began
            throw new FerryException("The start of " + requested.title() + " was cancelled.");
        }
        TunnelSpec spec = requested.withPort(requested.port() > 0 ? requested.port() : rememberedOrFreePort(requested));
        try {
            TunnelOpener.Opened opened = opener.open(spec);
            if (tunnels.get(t.id()) != t) { // stopped while it started
                closeQuietly(t, opened.tunnel());
                throw new FerryException("The start of " + spec.title() + " was cancelled.");
            }
            TunnelSpec bound = spec.withPort(opened.tunnel().localAddress().getPort());
            t.ready(opened.tunnel(), bound, opened.info());
            remember(bound);
            LOG.info("Tunnel {} ready on {}", bound.title(), t.addressText());
            return t;
        } catch (Exception e) {
            TunnelFailure f = failure(spec, e);
            t.failed(f);
            LOG.warn("Tunnel {} did not start: {}", spec.title(), f.message(), e);
            throw e instanceof FerryException fe && f.hint().equals(fe.hint()) ? fe
                    : new FerryException(f.message(), f.hint(), e);
        } finally {
            Thread.interrupted(); // a Stop that came as it finished must not hit the next task
        }
    }

    private static TunnelFailure failure(TunnelSpec spec, Exception e) {
        TunnelFailure f = TunnelFailure.of(e);
        if (f.reason() == TunnelFailure.Reason.PORT_IN_USE) {
            return new TunnelFailure(f.reason(), f.message(), "Pick another port for " + spec.resource() + ".");
        }
        if (e instanceof FerryException) {
            return f;
        }
        return new TunnelFailure(f.reason(), "Could not start the tunnel to " + spec.resource() + ": " + f.message(), f.hint());
    }

    /**
     * Moves a tunnel to another port (0: a free one). The new listener is opened first and the
     * old one closed only once it serves; if the new port cannot be used, the tunnel keeps
     * listening where it was and the future fails saying so ({@link Tunnel#moveFailure()}).
     */
    public CompletableFuture<Tunnel> changePort(String id, int port) {
        Tunnel t = tunnels.get(id);
        if (t == null) {
            return CompletableFuture.failedFuture(new FerryException("No such tunnel."));
        }
        return background.submit(() -> move(t, port));
    }

    /**
     * Restarts a tunnel on the port it listens on (after "New keys"): the old listener closes
     * first, so the port is free for the new one.
     */
    public CompletableFuture<Tunnel> restart(String id) {
        Tunnel t = tunnels.get(id);
        if (t == null) {
            return CompletableFuture.failedFuture(new FerryException("No such tunnel."));
        }
        return background.submit(() -> {
            LocalTunnel old = t.running();
            TunnelSpec spec = t.spec().withPort(t.port());
            t.starting(spec, Thread.currentThread());
            if (old != null) {
                closeQuietly(t, old);
            }
            return start(t, spec);
        });
    }

    private Tunnel move(Tunnel t, int port) {
        LocalTunnel old = t.running();
        if (old == null) {
            TunnelSpec spec = t.spec().withPort(port);
            t.starting(spec, null);
            return start(t, spec);
        }
        int from = old.localAddress().getPort();
        int to = port > 0 ? port : Ports.freePort();
        if (to == from) {
            return t;
        }
        TunnelSpec spec = t.spec().withPort(to);
        try {
            TunnelOpener.Opened opened = opener.open(spec);
            TunnelSpec bound = spec.withPort(opened.tunnel().localAddress().getPort());
            // The new port serves; the old one closes before the tunnel says it moved.
            closeQuietly(t, old);
            t.ready(opened.tunnel(), bound, opened.info());
            remember(bound);
            LOG.info("Tunnel {} moved from port {} to {}", bound.title(), from, bound.port());
        } catch (Exception e) {
            TunnelFailure cause = TunnelFailure.of(e);
            TunnelFailure f = new TunnelFailure(cause.reason(), "Could not move " + t.spec().title() + " to port " + to
                    + ": " + cause.message() + " It keeps listening on " + Tunnel.addressText(old.localAddress()) + ".",
                    cause.reason() == TunnelFailure.Reason.PORT_IN_USE ? "Pick another port." : cause.hint());
            t.moveFailed(f);
            LOG.warn("{}", f.message(), e);
            throw new FerryException(f.message(), f.hint(), e);
        }
        return t;
    }

    /**
     * Stops a tunnel and forgets it (it will not be restored); a start in progress is cancelled.
     * Closing the listener may block briefly: call it off the UI thread.
     */
    public void stop(String id) {
        Tunnel t = tunnels.remove(id);
        if (t == null) {
            return;
        }
        order.remove(t);
        t.cancelStart();
        LocalTunnel running = t.running();
        t.stopped();
        if (running != null) {
            closeQuietly(t, running);
        }
        TunnelSpec stopped = t.spec();
        state.update(s -> {
            s.open.removeIf(x -> x.id().equals(id));
            s.owners.remove(id);
            s.recent.removeIf(x -> x.id().equals(id));
            s.recent.add(0, stopped);
            while (s.recent.size() > RECENT) {
                s.recent.remove(s.recent.size() - 1);
            }
        });
        fire();
    }

    /** How many stopped tunnels "Recent connections" keeps. */
    public static final int RECENT = 10;

    /**
     * The tunnels the user stopped, most recent first, with their settings and port, to reopen
     * with {@link #open}; not those open now. Reads the state file: call it off the UI thread.
     */
    public List<TunnelSpec> recent() {
        return state.read().recent.stream().filter(s -> !tunnels.containsKey(s.id())).toList();
    }

    /** Stops every tunnel of this process but keeps them in the state file, to be restored on the next start. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        List<Tunnel> mine = List.copyOf(order);
        state.update(s -> {
            for (Tunnel t : mine) {
                s.owners.remove(t.id());
                if (t.status() == TunnelStatus.FAILED) {
                    s.open.removeIf(x -> x.id().equals(t.id()));
                }
            }
        });
        for (Tunnel t : mine) {
            LocalTunnel running = t.running();
            t.cancelStart();
            if (running != null) {
                closeQuietly(t, running);
            }
            t.stopped();
        }
        order.clear();
        tunnels.clear();
        fire();
    }

    /** Stops every tunnel and forgets them all (Quit with "stop tunnels"). */
    public void stopAll() {
        for (Tunnel t : List.copyOf(order)) {
            stop(t.id());
        }
    }

    /**
     * Specs of the tunnels to restore: those open when their Ferry last quit, and those of a
     * process that is gone; not those another running Ferry serves now.
     */
    public List<TunnelSpec> savedSpecs() {
        TunnelState s = state.read();
        List<TunnelSpec> out = new ArrayList<>();
        for (TunnelSpec spec : s.open) {
            Long pid = s.owners.get(spec.id());
            boolean servedElsewhere = pid != null && pid != owner
                    && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            if (!servedElsewhere) {
                out.add(spec);
            }
        }
        return out;
    }

    /**
     * Reopens the saved tunnels on their ports. Each result says whether it came back; one
     * that cannot (port taken, resource gone, credentials expired) stays listed as FAILED
     * with its reason.
     */
    public List<CompletableFuture<Tunnel>> restore() {
        List<CompletableFuture<Tunnel>> out = new ArrayList<>();
        for (TunnelSpec s : savedSpecs()) {
            out.add(open(s));
        }
        return out;
    }

    /** The port used last time for this resource (and proxy mode), if any. */
    public int rememberedPort(TunnelSpec spec) {
        TunnelState s = state.read();
        Integer p = s.ports.get(spec.portKey());
        if (p == null && spec instanceof AwsProxyTunnelSpec aws) {
            p = s.ports.get(aws.legacyPortKey());
        }
        return p == null ? 0 : p;
    }

    private int rememberedOrFreePort(TunnelSpec spec) {
        int p = rememberedPort(spec);
        return p > 0 && Ports.isFree(p) ? p : Ports.freePort();
    }

    private void remember(TunnelSpec bound) {
        state.update(s -> {
            s.ports.put(bound.portKey(), bound.port());
            int at = -1;
            for (int i = 0; i < s.open.size(); i++) {
                if (s.open.get(i).id().equals(bound.id())) {
                    at = i;
                }
            }
            if (at >= 0) {
                s.open.set(at, bound); // keeps its place: restore order is the order tunnels were first opened
            } else {
                s.open.add(bound);
            }
            s.owners.put(bound.id(), owner);
        });
    }

    private static void closeQuietly(Tunnel t, LocalTunnel running) {
        try {
            running.close();
        } catch (RuntimeException e) {
            LOG.warn("Closing {} failed", t.spec().title(), e);
        }
    }

    private void fire() {
        List<Tunnel> snapshot = tunnels();
        for (Consumer<List<Tunnel>> l : listeners) {
            l.accept(snapshot);
        }
    }
}
