package dev.ferry.app.discovery;

import dev.ferry.app.workspace.StandaloneWorkspace;
import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.aws.AwsSetup;
import dev.ferry.app.testsupport.FaultFront;
import dev.ferry.tunnel.testsupport.MotoServer;
import dev.ferry.app.testsupport.TestWorkspaces;
import dev.ferry.app.workspace.Workspace;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Benchmark (not a test): discovery of {@code accounts × regions × perRegion} RDS instances
 * from moto (default 20 × 2 × 50 = 2,000), each account reached through its own
 * assume_role_arn, as a user of a large organisation would configure it. Measured in the same
 * run: the scan one call at a time (parallelism 1, the reference), the parallel scan
 * (cold: new credentials, every AssumeRole and listing made again), and the cached list at
 * the next start (a new {@link DiscoveryService} reading the cache file). Medians of
 * interleaved rounds. A second set runs with a simulated network round trip per call (a
 * loopback front of moto adding {@code latencyMs}), as AWS's APIs are tens of milliseconds
 * away while moto is on loopback. Run with bench/discovery.sh.
 */
public final class DiscoveryBench {
    static final List<String> REGIONS = List.of("us-east-1", "eu-west-1");

    public static void main(String[] args) throws Exception {
        int accounts = intArg(args, 0, 20);
        int perRegion = intArg(args, 1, 50);
        int rounds = intArg(args, 2, 3);
        int latencyMs = intArg(args, 3, 50);
        int parallelism = intArg(args, 4, ScanOptions.DEFAULT.parallelism());
        Path tmp = Files.createTempDirectory("ferry-discovery-bench");
        try (MotoServer moto = new MotoServer().start()) {
            List<DiscoveryMatcher> matchers = new ArrayList<>();
            long t0 = System.nanoTime();
            create(moto, accounts, perRegion, matchers);
            System.out.printf("created %d RDS instances in %d accounts x %d regions in moto (%.0f s)%n",
                    accounts * perRegion * REGIONS.size(), accounts, REGIONS.size(), (System.nanoTime() - t0) / 1e9);
            FerryEnvironment env = TestWorkspaces.motoEnv(tmp, moto.endpoint());
            run("moto on loopback", env, matchers, rounds, parallelism, tmp.resolve("cache-direct.json"));
            if (latencyMs > 0) {
                try (FaultFront front = new FaultFront(moto.endpoint())) {
                    front.delay(Duration.ofMillis(latencyMs));
                    run("moto + " + latencyMs + " ms per call (simulated network round trip)",
                            env.with("AWS_ENDPOINT_URL", front.endpoint()), matchers, rounds, parallelism,
                            tmp.resolve("cache-latency.json"));
                }
            }
        } finally {
            try (var files = Files.walk(tmp)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    static void create(MotoServer moto, int accounts, int perRegion, List<DiscoveryMatcher> matchers) throws Exception {
        MotoDatabases base = MotoDatabases.base(moto.endpoint());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int a = 0; a < accounts; a++) {
                String account = String.format("1000000%05d", a + 1);
                String role = "arn:aws:iam::" + account + ":role/ferry-discovery";
                matchers.add(new DiscoveryMatcher(EnumSet.of(DiscoveryType.RDS), REGIONS, Map.of(), role, "bench", ""));
                MotoDatabases in = base.assume(role);
                for (String region : REGIONS) {
                    for (int i = 0; i < perRegion; i++) {
                        String id = "db-" + account.substring(7) + "-" + i;
                        work.add(pool.submit(() -> {
                            in.instance(region, id, "postgres", true, Map.of("env", "prod", "team", "t" + (id.hashCode() & 7)));
                            return null;
                        }));
                    }
                }
            }
            for (Future<?> f : work) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    static void run(String title, FerryEnvironment env, List<DiscoveryMatcher> matchers, int rounds, int parallelism,
                    Path cacheFile) throws Exception {
        AwsSetup aws = new AwsSetup(env, new StandaloneWorkspace.AwsSettings("", "us-east-1", ""));
        int expected = -1;
        scan(aws, matchers, parallelism, null); // warm-up: class loading, JIT
        List<Long> sequential = new ArrayList<>();
        List<Long> parallel = new ArrayList<>();
        List<Long> cached = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            long t = System.nanoTime();
            DiscoveryResult one = scan(aws, matchers, 1, null);
            sequential.add(System.nanoTime() - t);
            t = System.nanoTime();
            DiscoveryResult many = scan(aws, matchers, parallelism, cacheFile);
            parallel.add(System.nanoTime() - t);
            if (one.databases().size() != many.databases().size() || !one.failures().isEmpty() || !many.failures().isEmpty()) {
                throw new IllegalStateException("scans differ: " + one.databases().size() + " vs " + many.databases().size()
                        + ", failures " + one.failures() + many.failures());
            }
            expected = many.databases().size();
            t = System.nanoTime();
            try (DiscoveryService next = new DiscoveryService(
                    DiscoveryWorld.scanner(aws, ScanOptions.DEFAULT), new DiscoveryCache(cacheFile, ServingRules.CURRENT),
                    matchers, "bench", Clock.systemUTC())) {
                int n = next.latest().orElseThrow().databases().size();
                cached.add(System.nanoTime() - t);
                if (n != expected) {
                    throw new IllegalStateException("cache holds " + n + ", scan found " + expected);
                }
            }
        }
        double seq = median(sequential);
        double par = median(parallel);
        double cache = median(cached);
        System.out.printf("%n%s: %d databases, %d accounts x %d regions, medians of %d rounds%n", title, expected,
                matchers.size(), REGIONS.size(), rounds);
        System.out.printf("  sequential scan (one call at a time): %8.1f ms   (reference)%n", seq);
        System.out.printf("  parallel scan, cold (%2d at once):     %8.1f ms   sequential/parallel = %.1fx%n",
                parallelism, par, seq / par);
        System.out.printf("  cached list at the next start:        %8.1f ms   sequential/cached   = %.0fx%n",
                cache, seq / cache);
    }

    static DiscoveryResult scan(AwsSetup aws, List<DiscoveryMatcher> matchers, int parallelism, Path cacheFile)
            throws Exception {
        try (StsScanAccounts accounts = new StsScanAccounts(aws, "bench")) {
            DatabaseScanner scanner = new DatabaseScanner(aws, accounts, ScanOptions.DEFAULT.withParallelism(parallelism),
                    Clock.systemUTC());
            DiscoveryResult r = scanner.start(matchers, null).await();
            if (cacheFile != null) {
                new DiscoveryCache(cacheFile, ServingRules.CURRENT).save(r, DiscoveryCache.fingerprint(matchers, "bench"));
            }
            return r;
        }
    }

    static double median(List<Long> nanos) {
        List<Long> s = new ArrayList<>(nanos);
        s.sort(null);
        int n = s.size();
        double m = n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2.0;
        return m / 1e6;
    }

    static int intArg(String[] args, int i, int fallback) {
        return args.length > i ? Integer.parseInt(args[i]) : fallback;
    }
}
