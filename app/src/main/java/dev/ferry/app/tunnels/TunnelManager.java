package dev.ferry.app.tunnels;

import dev.ferry.app.FerryException;
import dev.ferry.app.concurrent.Background;
import dev.ferry.app.settings.JsonFileStore;
import dev.ferry.tunnel.LocalTunnel;
import dev.ferry.tunnel.PortInUseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Owns every tunnel: opens them in the background, stops them, moves them to another port,
 * remembers the port per resource and persists the open specs so they come back after a
 * restart.
 */
public final class TunnelManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TunnelManager.class);

    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private final TunnelOpener opener;
    private final JsonFileStore<TunnelState> store;
    private final Background background;
    private final Map<String, Tunnel> tunnels = new ConcurrentHashMap<>();
    private final List<Tunnel> order = new CopyOnWriteArrayList<>();
    private final List<Consumer<List<Tunnel>>> listeners = new CopyOnWriteArrayList<>();

    public TunnelManager(TunnelOpener opener, JsonFileStore<TunnelState> store, Background background) {
        this.opener = opener;
        this.store = store;
        this.background = background;
    }

    /** Tunnels in the order they were opened (stopped ones are removed). */
    public List<Tunnel> tunnels() {
        return List.copyOf(order);
    }

    public Tunnel get(String id) {
        return tunnels.get(id);
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
        if (existing != null && existing.status() != TunnelStatus.FAILED && existing.status() != TunnelStatus.STOPPED) {
            return CompletableFuture.completedFuture(existing);
        }
        Tunnel t = existing != null ? existing : new Tunnel(requested);
        if (existing == null) {
            tunnels.put(t.id(), t);
            order.add(t);
            t.addListener(x -> fire());
        }
        t.starting(requested);
        fire();
        return background.submit(() -> start(t, requested));
    }

    /** Opens synchronously (CLI): returns the READY tunnel or throws. */
    public Tunnel openNow(TunnelSpec requested) {
        try {
            return open(requested).join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new FerryException(String.valueOf(e.getCause().getMessage()), "", e.getCause());
        }
    }

    private Tunnel start(Tunnel t, TunnelSpec requested) {
        int port = requested.port() > 0 ? requested.port() : rememberedOrFreePort(requested);
        TunnelSpec spec = requested.withPort(port);
        try {
            TunnelOpener.Opened opened = opener.open(spec);
            TunnelSpec bound = spec.withPort(opened.tunnel().localAddress().getPort());
            t.ready(opened.tunnel(), bound, opened.details());
            remember(bound);
            LOG.info("Tunnel {} ready on {}", bound.title(), opened.tunnel().localAddress());
            return t;
        } catch (PortInUseException e) {
            t.failed(e.getMessage());
            throw new FerryException(e.getMessage(), "Pick another port for " + spec.resource() + ".", e);
        } catch (FerryException e) {
            t.failed(e.getMessage());
            throw e;
        } catch (IOException | RuntimeException e) {
            String msg = "Could not start the tunnel to " + spec.resource() + ": " + e.getMessage();
            t.failed(msg);
            throw new FerryException(msg, "", e);
        }
    }

    /** Moves a tunnel to another port: the listener restarts there. */
    public CompletableFuture<Tunnel> changePort(String id, int port) {
        Tunnel t = tunnels.get(id);
        if (t == null) {
            return CompletableFuture.failedFuture(new FerryException("No such tunnel."));
        }
        LocalTunnel running = t.running();
        TunnelSpec spec = t.spec().withPort(port);
        t.starting(spec);
        if (running != null) {
            running.close();
        }
        return background.submit(() -> start(t, spec));
    }

    /** Stops a tunnel and forgets it (it will not be restored). */
    public void stop(String id) {
        Tunnel t = tunnels.remove(id);
        if (t == null) {
            return;
        }
        order.remove(t);
        LocalTunnel running = t.running();
        if (running != null) {
            running.close();
        }
        t.stopped();
        persistOpen();
        fire();
    }

    /** Stops every tunnel but keeps them in the state file, to be restored on the next start. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return; // a second close must not overwrite the remembered list with an empty one
        }
        persistOpen();
        for (Tunnel t : order) {
            LocalTunnel running = t.running();
            if (running != null) {
                try {
                    running.close();
                } catch (RuntimeException e) {
                    LOG.warn("Closing {} failed: {}", t.spec().title(), e.toString());
                }
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

    /** Specs of the tunnels that were open when Ferry last ran. */
    public List<TunnelSpec> savedSpecs() {
        return List.copyOf(store.load().open);
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

    /** The port used last time for this resource, if any. */
    public int rememberedPort(TunnelSpec spec) {
        Integer p = store.load().ports.get(spec.portKey());
        return p == null ? 0 : p;
    }

    private int rememberedOrFreePort(TunnelSpec spec) {
        int p = rememberedPort(spec);
        if (p > 0 && isFree(p)) {
            return p;
        }
        return freePort();
    }

    private synchronized void remember(TunnelSpec bound) {
        TunnelState s = store.load();
        s.ports.put(bound.portKey(), bound.port());
        s.open.removeIf(x -> x.id().equals(bound.id()));
        s.open.add(bound);
        store.save(s);
    }

    private synchronized void persistOpen() {
        TunnelState s = store.load();
        s.open.clear();
        for (Tunnel t : order) {
            if (t.status() == TunnelStatus.READY || t.status() == TunnelStatus.STARTING) {
                s.open.add(t.spec());
            }
        }
        store.save(s);
    }

    private void fire() {
        List<Tunnel> snapshot = tunnels();
        for (Consumer<List<Tunnel>> l : listeners) {
            l.accept(snapshot);
        }
    }

    static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new FerryException("No free local port: " + e.getMessage());
        }
    }
}
