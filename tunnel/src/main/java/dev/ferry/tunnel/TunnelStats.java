package dev.ferry.tunnel;

import dev.ferry.tunnel.db.TunnelFailure;
import dev.ferry.tunnel.db.UpstreamResult;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Live counters of one local tunnel: connections (open and total), bytes each way,
 * requests (for request-oriented tunnels such as the AWS API proxy) and the last error.
 * Thread-safe; listeners are called on the thread that changed the counters and must
 * not block (the UI hops to its own thread).
 */
public final class TunnelStats {

    /** An immutable copy of the counters, cheap to hand to a UI or to JSON. */
    public record Snapshot(long openConnections, long totalConnections, long bytesFromClient,
                           long bytesToClient, long requests, long rejectedRequests,
                           String lastError, Instant lastErrorAt, UpstreamResult upstream) {
    }

    private final AtomicLong open = new AtomicLong();
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong fromClient = new AtomicLong();
    private final AtomicLong toClient = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicReference<String> lastError = new AtomicReference<>();
    private final AtomicReference<Instant> lastErrorAt = new AtomicReference<>();
    private final AtomicReference<UpstreamResult> upstream = new AtomicReference<>();
    private final List<Consumer<Snapshot>> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<UpstreamResult>> upstreamListeners = new CopyOnWriteArrayList<>();

    public void connectionOpened() {
        open.incrementAndGet();
        total.incrementAndGet();
        fire();
    }

    public void connectionClosed() {
        open.decrementAndGet();
        fire();
    }

    /** Byte counters are hot: they do not notify listeners (poll {@link #snapshot()}). */
    public void addBytesFromClient(long n) {
        fromClient.addAndGet(n);
    }

    public void addBytesToClient(long n) {
        toClient.addAndGet(n);
    }

    public void requestServed() {
        requests.incrementAndGet();
        fire();
    }

    public void requestRejected(String why) {
        rejected.incrementAndGet();
        error(why);
    }

    /** Forgets the last error once the cause has gone (e.g. a supervised process is running again). */
    public void clearError() {
        lastError.set(null);
        lastErrorAt.set(null);
        fire();
    }

    /** Records a user-readable error (never a secret). */
    public void error(String message) {
        lastError.set(message);
        lastErrorAt.set(Instant.now());
        fire();
    }

    public Snapshot snapshot() {
        return new Snapshot(open.get(), total.get(), fromClient.get(), toClient.get(),
                requests.get(), rejected.get(), lastError.get(), lastErrorAt.get(), upstream.get());
    }

    /**
     * A client connection reached the upstream (the database, and signed in; the AWS endpoint
     * answered a request). Ends a run of upstream failures:
     * the result turns to OK, and the last error goes when it was that failure's.
     */
    public void upstreamReached() {
        UpstreamResult was = upstream.get();
        if (was != null && was.ok()) {
            return;
        }
        UpstreamResult now = UpstreamResult.reached(Instant.now());
        if (!upstream.compareAndSet(was, now)) {
            return; // another connection changed it meanwhile: its result stands
        }
        if (was != null && was.message().equals(lastError.get())) {
            lastError.set(null);
            lastErrorAt.set(null);
        }
        fireUpstream(now);
    }

    /**
     * A client connection could not be set up because of the upstream side. Records the
     * failure as the last error too; a run of the same failure keeps its first time.
     */
    public void upstreamFailed(TunnelFailure f) {
        lastError.set(f.getMessage());
        lastErrorAt.set(Instant.now());
        UpstreamResult was = upstream.get();
        UpstreamResult now = UpstreamResult.failed(f, Instant.now());
        if (now.sameFailure(was)) {
            fire();
            return;
        }
        upstream.set(now);
        fireUpstream(now);
    }

    /** A client connection could not be set up: an upstream failure ({@link TunnelFailure.Reason#isUpstream()}) or just the last error. */
    public void connectionFailed(TunnelFailure f) {
        if (f.reason().isUpstream()) {
            upstreamFailed(f);
        } else {
            error(f.getMessage());
        }
    }

    /** The last upstream result, empty until a client connected. */
    public Optional<UpstreamResult> upstream() {
        return Optional.ofNullable(upstream.get());
    }

    /** Called when the upstream result changes (OK ↔ failing, or another failure), on the thread of the change. */
    public void addUpstreamListener(Consumer<UpstreamResult> listener) {
        upstreamListeners.add(listener);
    }

    public void removeUpstreamListener(Consumer<UpstreamResult> listener) {
        upstreamListeners.remove(listener);
    }

    private void fireUpstream(UpstreamResult now) {
        for (Consumer<UpstreamResult> l : upstreamListeners) {
            l.accept(now);
        }
        fire();
    }

    public void addListener(Consumer<Snapshot> listener) {
        listeners.add(listener);
    }

    public void removeListener(Consumer<Snapshot> listener) {
        listeners.remove(listener);
    }

    private void fire() {
        if (listeners.isEmpty()) {
            return;
        }
        Snapshot s = snapshot();
        for (Consumer<Snapshot> l : listeners) {
            l.accept(s);
        }
    }
}
