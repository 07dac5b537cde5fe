package dev.ferry.tunnel;

import java.time.Instant;
import java.util.List;
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
                           String lastError, Instant lastErrorAt) {
    }

    private final AtomicLong open = new AtomicLong();
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong fromClient = new AtomicLong();
    private final AtomicLong toClient = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicReference<String> lastError = new AtomicReference<>();
    private final AtomicReference<Instant> lastErrorAt = new AtomicReference<>();
    private final List<Consumer<Snapshot>> listeners = new CopyOnWriteArrayList<>();

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
                requests.get(), rejected.get(), lastError.get(), lastErrorAt.get());
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
