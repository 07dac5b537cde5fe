package dev.ferry.app.discovery;

import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.settings.FerryPaths;
import dev.ferry.app.testsupport.FaultFront;
import dev.ferry.app.testsupport.RedshiftIamDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.ferry.app.discovery.DiscoveryWorld.A;
import static dev.ferry.app.discovery.DiscoveryWorld.ALL;
import static dev.ferry.app.discovery.DiscoveryWorld.EAST;
import static dev.ferry.app.discovery.DiscoveryWorld.FAST;
import static dev.ferry.app.discovery.DiscoveryWorld.WEST;
import static dev.ferry.app.discovery.DiscoveryWorld.name;
import static org.assertj.core.api.Assertions.assertThat;

/** The cache on disk, refresh on demand, the background refresh, and cancel keeping the previous list. */
class DiscoveryServiceTest {
    @RegisterExtension
    static DiscoveryWorld world = new DiscoveryWorld();

    @TempDir
    Path dir;

    static final List<DiscoveryMatcher> MATCHERS = List.of(
            DiscoveryWorld.base(ALL, List.of(EAST, WEST), Map.of()),
            DiscoveryWorld.roleB(ALL, List.of(EAST, WEST)));

    FerryEnvironment env() {
        return world.env(dir);
    }

    Path cacheFile() {
        return DiscoveryCache.fileFor(FerryPaths.of(env()), "acme", dir.resolve("acme.yaml"));
    }

    DiscoveryService service(FerryEnvironment env, List<DiscoveryMatcher> matchers, ServingRules rules) {
        return new DiscoveryService(DiscoveryWorld.scanner(DiscoveryWorld.aws(env),
                ScanOptions.DEFAULT.withBackoff(FAST).withRules(rules)), new DiscoveryCache(cacheFile(), rules),
                matchers, "profile default", Clock.systemUTC());
    }

    @Test
    void theLastScanIsCachedWithItsTimeAndListedAtOnceAtTheNextStart() throws Exception {
        DiscoveryResult first;
        // Scanned (and cached) under rules without MySQL tunnels, read back under this build's rules below.
        try (DiscoveryService s = service(env(), MATCHERS, new ServingRules(false))) {
            assertThat(s.latest()).isEmpty();
            first = s.refresh().await();
            assertThat(s.latest()).containsSame(first);
        }
        assertThat(cacheFile()).exists().hasParent(FerryPaths.of(env()).stateDir().resolve("discovery"));
        assertThat(Files.getPosixFilePermissions(cacheFile())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(first.databases()).hasSize(14);

        // Next start: AWS cannot even be reached, and the list is there.
        FerryEnvironment offline = env().with("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
                .with("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9").with("AWS_ENDPOINT_URL_REDSHIFT_SERVERLESS", "http://127.0.0.1:9");
        try (DiscoveryService s = service(offline, MATCHERS, new ServingRules(false))) {
            DiscoveryResult cached = s.latest().orElseThrow();
            assertThat(cached.scannedAt()).isEqualTo(first.scannedAt());
            assertThat(cached.took()).isEqualTo(Duration.ofMillis(first.took().toMillis()));
            assertThat(cached.databases()).isEqualTo(first.databases());
            assertThat(cached.regions()).isEqualTo(first.regions());
            assertThat(cached.database(name("legacy", "rds", EAST, A)).orElseThrow().unavailableReason())
                    .hasValue(ServingRules.MYSQL_NOT_SUPPORTED);
        }
        // The marks follow today's rules, not the ones of the scan.
        try (DiscoveryService s = service(offline, MATCHERS, ServingRules.CURRENT)) {
            assertThat(s.latest().orElseThrow().database(name("legacy", "rds", EAST, A)).orElseThrow().available()).isTrue();
        }
        // Other matchers: that cache is not theirs.
        try (DiscoveryService s = service(offline, List.of(DiscoveryWorld.base(EnumSet.of(DiscoveryType.RDS),
                List.of(EAST), Map.of())), ServingRules.CURRENT)) {
            assertThat(s.latest()).isEmpty();
        }
    }

    @Test
    void refreshJoinsTheRunningScanAndCancelKeepsThePreviousList() throws Exception {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        try (FaultFront front = new FaultFront(world.moto().endpoint());
             DiscoveryService s = service(env().with("AWS_ENDPOINT_URL_RDS", front.endpoint()), MATCHERS, ServingRules.CURRENT)) {
            s.addListener(new DiscoveryListener() {
                @Override
                public void finished(DiscoveryResult result) {
                    events.add("finished");
                }

                @Override
                public void cancelled() {
                    events.add("cancelled");
                }
            });
            DiscoveryResult before = s.refresh().await();
            byte[] cached = Files.readAllBytes(cacheFile());

            FaultFront.Hold hold = front.hold("DescribeDBClusters");
            ScanRun run = s.refresh();
            assertThat(s.refresh()).as("a second refresh joins the running scan").isSameAs(run);
            assertThat(hold.awaitArrival(Duration.ofSeconds(30))).isTrue();
            assertThat(s.running()).containsSame(run);
            CountDownLatch cancelled = new CountDownLatch(1);
            s.addListener(new DiscoveryListener() {
                @Override
                public void cancelled() {
                    cancelled.countDown();
                }
            });
            run.cancel();
            assertThat(cancelled.await(10, TimeUnit.SECONDS)).isTrue();
            hold.release();
            assertThat(s.latest()).containsSame(before);
            assertThat(Files.readAllBytes(cacheFile())).isEqualTo(cached);
            assertThat(events).containsExactly("finished", "cancelled");
            assertThat(s.refresh()).as("a new scan after the cancelled one").isNotSameAs(run);
        }
    }

    @Test
    void aBackgroundRefreshRunsAtTheInterval() throws Exception {
        List<Instant> scans = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch two = new CountDownLatch(2);
        try (DiscoveryService s = service(env(), List.of(DiscoveryWorld.base(EnumSet.of(DiscoveryType.RDS),
                List.of(EAST), Map.of())), ServingRules.CURRENT)) {
            s.addListener(new DiscoveryListener() {
                @Override
                public void finished(DiscoveryResult result) {
                    scans.add(result.scannedAt());
                    two.countDown();
                }
            });
            s.refreshEvery(Duration.ofMillis(300));
            assertThat(two.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(scans.get(1)).isAfter(scans.get(0));
            assertThat(Files.exists(cacheFile())).isTrue();

            // A fresh list waits for its interval before the first background scan.
            s.refreshEvery(Duration.ofHours(1));
            assertThat(s.nextRefresh()).hasValueSatisfying(d -> assertThat(d)
                    .isBetween(Duration.ofMinutes(58), Duration.ofHours(1)));
            s.refreshEvery(Duration.ZERO);
            assertThat(s.nextRefresh()).isEmpty();
        }
    }

    @Test
    void anUnreadableCacheIsMovedAsideAndIgnored() throws Exception {
        Files.createDirectories(cacheFile().getParent());
        Files.writeString(cacheFile(), "{ not json");
        DiscoveryCache cache = new DiscoveryCache(cacheFile(), ServingRules.CURRENT);
        assertThat(cache.load(DiscoveryCache.fingerprint(MATCHERS, "profile default"))).isEmpty();
        assertThat(cache.loadWarning()).contains("could not be read").contains("moved to");
        try (var files = Files.list(cacheFile().getParent())) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .anyMatch(n -> n.startsWith(cacheFile().getFileName() + ".corrupt-"));
        }
        assertThat(cacheFile()).doesNotExist();
    }
}
