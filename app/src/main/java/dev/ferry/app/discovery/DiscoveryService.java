package dev.ferry.app.discovery;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Discovery for one workspace: the cached list at once ({@link #latest()}), a refresh on
 * demand ({@link #refresh()}, which joins a scan already running), and a background refresh
 * every interval ({@link #refreshEvery(Duration)}, from settings). Every finished scan is saved
 * to the cache with its time.
 */
public final class DiscoveryService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DiscoveryService.class);

    private final DatabaseScanner scanner;
    private final DiscoveryCache cache;
    private final List<DiscoveryMatcher> matchers;
    private final String fingerprint;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final List<DiscoveryListener> listeners = new CopyOnWriteArrayList<>();

    // Guarded by this.
    private DiscoveryResult latest;
    private boolean cacheRead;
    private ScanRun running;
    private ScheduledFuture<?> schedule;
    private boolean closed;

    /**
     * @param scope what else the results depend on besides the matchers (e.g. "profile acme"), so a
     *              cache made with other credentials is not shown
     */
    public DiscoveryService(DatabaseScanner scanner, DiscoveryCache cache, List<DiscoveryMatcher> matchers,
                            String scope, Clock clock) {
        this.scanner = scanner;
        this.cache = cache;
        this.matchers = List.copyOf(matchers);
        this.fingerprint = DiscoveryCache.fingerprint(this.matchers, scope);
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ferry-discovery-timer");
            t.setDaemon(true);
            return t;
        });
    }

    public List<DiscoveryMatcher> matchers() {
        return matchers;
    }

    public void addListener(DiscoveryListener listener) {
        listeners.add(listener);
    }

    public void removeListener(DiscoveryListener listener) {
        listeners.remove(listener);
    }

    /** The newest result: of the last scan, else the one cached on disk (read once). */
    public synchronized Optional<DiscoveryResult> latest() {
        if (latest == null && !cacheRead) {
            cacheRead = true;
            latest = cache.load(fingerprint).orElse(null);
        }
        return Optional.ofNullable(latest);
    }

    /** The scan running now, if any. */
    public synchronized Optional<ScanRun> running() {
        return Optional.ofNullable(running);
    }

    /**
     * Starts a scan, or returns the one already running. Once its result is there it is already
     * saved to the cache and is {@link #latest()}.
     */
    public synchronized ScanRun refresh() {
        if (closed) {
            throw new IllegalStateException("discovery is closed");
        }
        if (running != null && !running.isDone()) {
            return running;
        }
        ScanRun run = scanner.start(matchers, p -> listeners.forEach(l -> l.progress(p)), this::keep);
        running = run;
        listeners.forEach(l -> l.started(run));
        run.result().whenComplete((r, err) -> done(run, r, err));
        return run;
    }

    /** Saves a result and makes it the latest, before the scan's result is visible to anyone. */
    private void keep(DiscoveryResult r) {
        try {
            cache.save(r, fingerprint);
        } catch (RuntimeException e) {
            LOG.warn("Discovery: the result could not be cached", e);
        }
        synchronized (this) {
            latest = r;
            cacheRead = true;
        }
    }

    private void done(ScanRun run, DiscoveryResult r, Throwable err) {
        synchronized (this) {
            if (running == run) {
                running = null;
            }
        }
        Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        if (cause == null) {
            listeners.forEach(l -> l.finished(r));
        } else if (cause instanceof CancellationException) {
            listeners.forEach(DiscoveryListener::cancelled);
        } else {
            listeners.forEach(l -> l.failed(cause));
        }
    }

    /**
     * Refreshes in the background every {@code interval}; the first run comes when the newest
     * result is {@code interval} old (at once when there is none). Null or zero turns it off.
     * Calling it again replaces the previous schedule.
     */
    public synchronized void refreshEvery(Duration interval) {
        if (schedule != null) {
            schedule.cancel(false);
            schedule = null;
        }
        if (closed || interval == null || interval.isZero() || interval.isNegative()) {
            return;
        }
        long first = latest().map(r -> interval.minus(Duration.between(r.scannedAt(), clock.instant())))
                .filter(d -> !d.isNegative()).map(Duration::toMillis).orElse(0L);
        schedule = timer.scheduleWithFixedDelay(() -> {
            try {
                refresh();
            } catch (RuntimeException e) {
                LOG.warn("Discovery: a background refresh could not start", e);
            }
        }, first, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** How long until the next background refresh; empty when none is scheduled. */
    public synchronized Optional<Duration> nextRefresh() {
        if (schedule == null || closed) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofMillis(Math.max(0, schedule.getDelay(TimeUnit.MILLISECONDS))));
    }

    /** Stops the timer and any running scan. */
    @Override
    public void close() {
        ScanRun run;
        synchronized (this) {
            closed = true;
            if (schedule != null) {
                schedule.cancel(false);
            }
            run = running;
        }
        timer.shutdownNow();
        if (run != null) {
            run.cancel();
        }
    }
}
