package dev.ferry.app.tunnels;

import dev.ferry.tunnel.LocalTunnel;
import dev.ferry.tunnel.TunnelStats;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A tunnel as the UI, CLI and tray see it: its spec, status, address, live counters, last
 * error, and details to show (e.g. the local credentials of an AWS proxy). Changes are
 * announced to listeners on the thread that made them; the UI hops to its own thread.
 */
public final class Tunnel {
    private final String id;
    private volatile TunnelSpec spec;
    private volatile TunnelStatus status = TunnelStatus.STARTING;
    private volatile String lastError = "";
    private volatile LocalTunnel running;
    private volatile TunnelStats stats = new TunnelStats();
    private volatile Map<String, String> details = Map.of();
    private final List<Consumer<Tunnel>> listeners = new CopyOnWriteArrayList<>();

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

    /** The last error in plain words, or empty. */
    public String lastError() {
        return lastError;
    }

    /** The bound loopback address while READY, else null. */
    public InetSocketAddress localAddress() {
        LocalTunnel t = running;
        return t == null ? null : t.localAddress();
    }

    public TunnelStats stats() {
        return stats;
    }

    /**
     * Things to show and copy (ordered): for an AWS proxy its local access key, secret, CA
     * bundle path and proxy URL; for a database the credential source. May hold secrets:
     * never log them.
     */
    public Map<String, String> details() {
        return details;
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

    void starting(TunnelSpec newSpec) {
        this.spec = newSpec;
        this.status = TunnelStatus.STARTING;
        this.lastError = "";
        fire();
    }

    void ready(LocalTunnel t, TunnelSpec boundSpec, Map<String, String> newDetails) {
        this.running = t;
        this.stats = t.stats();
        this.spec = boundSpec;
        this.details = newDetails;
        this.status = TunnelStatus.READY;
        fire();
    }

    void failed(String error) {
        this.running = null;
        this.lastError = error;
        this.status = TunnelStatus.FAILED;
        fire();
    }

    void stopped() {
        this.running = null;
        this.status = TunnelStatus.STOPPED;
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
