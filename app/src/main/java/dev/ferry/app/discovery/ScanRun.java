package dev.ferry.app.discovery;

import dev.ferry.app.FerryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.redshift.RedshiftClient;
import software.amazon.awssdk.services.redshiftserverless.RedshiftServerlessClient;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One running scan: its result, its progress, and cancel. First the accounts of every
 * matcher are found, then each account's credentials are resolved once (a role that cannot
 * be assumed fails that account only), then every region × kind is listed, all on one pool
 * of {@link ScanOptions#parallelism()} threads.
 */
public final class ScanRun {
    private static final Logger LOG = LoggerFactory.getLogger(ScanRun.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final DatabaseScanner scanner;
    private final List<DiscoveryMatcher> matchers;
    private final Consumer<ScanProgress> listener;
    private final Consumer<DiscoveryResult> beforeResult;
    private final ExecutorService pool;
    private final SdkHttpClient http;
    private final CompletableFuture<DiscoveryResult> result = new CompletableFuture<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean cancelled;

    // Guarded by this.
    private final Map<String, RegionState> regions = new LinkedHashMap<>();
    private final List<ScanFailure> accountFailures = new ArrayList<>();
    private final List<DiscoveredDatabase> found = new ArrayList<>();
    private boolean accountsKnown;

    private static final class RegionState {
        final ScanAccount account;
        final String region;
        int fetches;
        int pending;
        int failed;
        int found;
        RegionProgress.State state = RegionProgress.State.WAITING;
        final List<ScanFailure> failures = new ArrayList<>();

        RegionState(ScanAccount account, String region) {
            this.account = account;
            this.region = region;
        }

        RegionProgress snapshot() {
            return new RegionProgress(account.accountId(), account.via(), region, state, found, failures);
        }
    }

    /** A matcher and one account it covers. */
    private record Target(DiscoveryMatcher matcher, ScanAccount account) {
    }

    /** One listing: a kind in a region of an account, for the matchers that want it. */
    private record Unit(ScanAccount account, String region, DiscoveryType.Fetch fetch, List<DiscoveryMatcher> matchers) {
        String regionKey() {
            return account.key() + "@" + region;
        }
    }

    ScanRun(DatabaseScanner scanner, List<DiscoveryMatcher> matchers, Consumer<ScanProgress> listener,
            Consumer<DiscoveryResult> beforeResult) {
        this.scanner = scanner;
        this.matchers = matchers;
        this.listener = listener;
        this.beforeResult = beforeResult;
        this.pool = Executors.newFixedThreadPool(scanner.options().parallelism(), r -> {
            Thread t = new Thread(r, "ferry-discovery-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.http = scanner.httpClient();
    }

    /** Completes with the result, or exceptionally with a {@link CancellationException} when cancelled. */
    public CompletableFuture<DiscoveryResult> result() {
        return result.copy();
    }

    /** Waits for the result; a cancelled scan throws {@link CancellationException}. */
    public DiscoveryResult await() throws InterruptedException {
        try {
            return result.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new FerryException("Discovery failed: " + e.getCause());
        }
    }

    /** Stops the scan at once: no more calls start, running ones are interrupted, nothing is kept. */
    public void cancel() {
        if (result.isDone()) {
            return;
        }
        cancelled = true;
        result.completeExceptionally(new CancellationException("Discovery was cancelled."));
        close(true);
    }

    public boolean isCancelled() {
        return cancelled;
    }

    public boolean isDone() {
        return result.isDone();
    }

    public synchronized ScanProgress progress() {
        List<RegionProgress> r = new ArrayList<>(regions.size());
        regions.values().forEach(s -> r.add(s.snapshot()));
        return new ScanProgress(r, accountFailures, accountsKnown, found.size());
    }

    void start() {
        Instant started = scanner.clock().instant();
        long t0 = System.nanoTime();
        List<CompletableFuture<List<Target>>> resolving = new ArrayList<>();
        for (DiscoveryMatcher m : matchers) {
            resolving.add(CompletableFuture.supplyAsync(() -> {
                checkCancelled();
                return scanner.accounts().accountsFor(m).stream().map(a -> new Target(m, a)).toList();
            }, pool).handle((targets, err) -> {
                if (err == null) {
                    return targets;
                }
                if (!cancelled) {
                    Throwable cause = unwrap(err);
                    LOG.warn("Discovery: the accounts of a matcher could not be found", cause);
                    accountFailure(ScanErrors.accounts(cause, m));
                }
                return List.of();
            }));
        }
        CompletableFuture.allOf(resolving.toArray(CompletableFuture[]::new))
                .thenCompose(v -> {
                    List<Target> targets = new ArrayList<>();
                    resolving.forEach(f -> targets.addAll(f.join()));
                    return scanAccounts(targets);
                })
                .whenComplete((v, err) -> finish(started, t0, err));
    }

    private CompletableFuture<Void> scanAccounts(List<Target> targets) {
        Map<String, ScanAccount> accounts = new LinkedHashMap<>();
        Map<String, Map<String, Map<DiscoveryType.Fetch, List<DiscoveryMatcher>>>> plan = new LinkedHashMap<>();
        for (Target t : targets) {
            accounts.putIfAbsent(t.account().key(), t.account());
            var byRegion = plan.computeIfAbsent(t.account().key(), k -> new LinkedHashMap<>());
            for (String region : t.matcher().regions()) {
                var byFetch = byRegion.computeIfAbsent(region, k -> new LinkedHashMap<>());
                for (DiscoveryType.Fetch f : DiscoveryType.Fetch.values()) {
                    if (t.matcher().wants(f)) {
                        byFetch.computeIfAbsent(f, k -> new ArrayList<>()).add(t.matcher());
                    }
                }
            }
        }
        Map<String, List<Unit>> units = new LinkedHashMap<>();
        synchronized (this) {
            plan.forEach((key, byRegion) -> byRegion.forEach((region, byFetch) -> {
                ScanAccount account = accounts.get(key);
                RegionState s = regions.computeIfAbsent(key + "@" + region, k -> new RegionState(account, region));
                byFetch.forEach((fetch, ms) -> {
                    s.fetches++;
                    s.pending++;
                    units.computeIfAbsent(key, k -> new ArrayList<>()).add(new Unit(account, region, fetch, ms));
                });
            }));
            accountsKnown = true;
            publish();
        }
        List<CompletableFuture<Void>> all = new ArrayList<>();
        units.forEach((key, list) -> all.add(scanAccount(accounts.get(key), list)));
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    private CompletableFuture<Void> scanAccount(ScanAccount account, List<Unit> units) {
        return CompletableFuture.runAsync(() -> {
            checkCancelled();
            account.credentials().resolveCredentials();
        }, pool).handle((v, err) -> err).thenCompose(err -> {
            if (err != null) {
                if (!cancelled) {
                    Throwable cause = unwrap(err);
                    LOG.warn("Discovery: no credentials for account {} ({})", account.accountId(), account.via(), cause);
                    failAccount(account, units, ScanErrors.credentials(cause, account));
                }
                return CompletableFuture.completedFuture(null);
            }
            List<CompletableFuture<Void>> listings = new ArrayList<>();
            for (Unit u : units) {
                listings.add(CompletableFuture.runAsync(() -> list(u), pool));
            }
            return CompletableFuture.allOf(listings.toArray(CompletableFuture[]::new));
        });
    }

    private void list(Unit u) {
        if (cancelled) {
            return;
        }
        scanning(u);
        Listing l = new Listing(u.account(), u.region(), scanner.options(), () -> cancelled);
        List<ScanFailure> failures = new ArrayList<>();
        List<DiscoveredDatabase> dbs = List.of();
        boolean failed = false;
        int tries = scanner.options().backoff().totalTries();
        try {
            dbs = switch (u.fetch()) {
                case RDS_INSTANCES -> {
                    try (RdsClient c = scanner.rds(u.account(), u.region(), http)) {
                        yield RdsListing.instances(c, l);
                    }
                }
                case AURORA_CLUSTERS -> {
                    try (RdsClient c = scanner.rds(u.account(), u.region(), http)) {
                        yield RdsListing.clusters(c, l);
                    }
                }
                case REDSHIFT_CLUSTERS -> {
                    try (RedshiftClient c = scanner.redshift(u.account(), u.region(), http)) {
                        yield RedshiftListing.clusters(c, l);
                    }
                }
                case SERVERLESS_WORKGROUPS -> {
                    try (RedshiftServerlessClient c = scanner.serverless(u.account(), u.region(), http)) {
                        yield ServerlessListing.workgroups(c, l, e -> failures.add(ScanErrors.listing(e, u.account(),
                                u.region(), "Redshift Serverless tags", ServerlessListing.TAGS_PERMISSION, tries)));
                    }
                }
            };
        } catch (CancellationException e) {
            return;
        } catch (RuntimeException e) {
            if (cancelled) {
                return;
            }
            LOG.warn("Discovery: listing {} in {} ({}) failed", u.fetch().what(), u.account().accountId(), u.region(), e);
            failures.add(ScanErrors.listing(e, u.account(), u.region(), u.fetch().what(), u.fetch().permission(), tries));
            failed = true;
        }
        List<DiscoveredDatabase> kept = dbs.stream()
                .filter(d -> u.matchers().stream().anyMatch(m -> m.matches(d.database().labels())))
                .toList();
        listed(u, kept, failures, failed);
    }

    private synchronized void scanning(Unit u) {
        RegionState s = regions.get(u.regionKey());
        if (s.state == RegionProgress.State.WAITING) {
            s.state = RegionProgress.State.SCANNING;
            publish();
        }
    }

    private synchronized void listed(Unit u, List<DiscoveredDatabase> dbs, List<ScanFailure> failures, boolean failed) {
        if (cancelled) {
            return;
        }
        RegionState s = regions.get(u.regionKey());
        s.pending--;
        s.found += dbs.size();
        s.failures.addAll(failures);
        if (failed) {
            s.failed++;
        }
        if (s.pending == 0) {
            s.state = s.failed == s.fetches ? RegionProgress.State.FAILED : RegionProgress.State.DONE;
        }
        found.addAll(dbs);
        publish();
    }

    private synchronized void failAccount(ScanAccount account, List<Unit> units, ScanFailure failure) {
        accountFailures.add(failure);
        Set<String> keys = new LinkedHashSet<>();
        units.forEach(u -> keys.add(u.regionKey()));
        for (String key : keys) {
            RegionState s = regions.get(key);
            s.pending = 0;
            s.failed = s.fetches;
            s.state = RegionProgress.State.FAILED;
            s.failures.add(failure);
        }
        publish();
    }

    private synchronized void accountFailure(ScanFailure failure) {
        accountFailures.add(failure);
        publish();
    }

    /** Called with the lock held, so listeners see changes in order. */
    private void publish() {
        if (cancelled) {
            return;
        }
        try {
            listener.accept(progress());
        } catch (RuntimeException e) {
            LOG.warn("Discovery progress listener failed", e);
        }
    }

    private void finish(Instant started, long t0, Throwable err) {
        close(false);
        if (cancelled) {
            return;
        }
        if (err != null) {
            Throwable cause = unwrap(err);
            LOG.error("Discovery failed", cause);
            result.completeExceptionally(new FerryException("Discovery failed: " + cause, "", cause));
            return;
        }
        DiscoveryResult r;
        synchronized (this) {
            List<DiscoveredDatabase> sorted = new ArrayList<>(found);
            sorted.sort(Comparator.comparing(DiscoveredDatabase::name)
                    .thenComparing(d -> d.database().aws().assumeRoleArn()));
            List<DiscoveredDatabase> unique = DiscoveredDatabases.uniqueNames(sorted, scanner.options().rules());
            unique = new ArrayList<>(unique);
            unique.sort(Comparator.comparing(DiscoveredDatabase::name));
            Set<ScanFailure> failures = new LinkedHashSet<>(accountFailures);
            regions.values().forEach(s -> failures.addAll(s.failures));
            List<RegionProgress> snapshot = new ArrayList<>();
            regions.values().forEach(s -> snapshot.add(s.snapshot()));
            r = new DiscoveryResult(started, Duration.ofNanos(System.nanoTime() - t0), unique,
                    List.copyOf(failures), snapshot);
        }
        LOG.info("Discovery found {} databases in {} account regions in {} ms ({} failures)", r.databases().size(),
                r.regions().size(), r.took().toMillis(), r.failures().size());
        try {
            beforeResult.accept(r);
        } catch (RuntimeException e) {
            LOG.warn("Discovery: handling the result failed", e);
        }
        result.complete(r);
    }

    private void checkCancelled() {
        if (cancelled) {
            throw new CancellationException("cancelled");
        }
    }

    /** Frees the pool and the HTTP client; {@code now} also interrupts running calls. */
    private void close(boolean now) {
        if (closed.compareAndSet(false, true)) {
            if (now) {
                pool.shutdownNow();
            } else {
                pool.shutdown();
            }
            http.close();
        }
    }

    private static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
