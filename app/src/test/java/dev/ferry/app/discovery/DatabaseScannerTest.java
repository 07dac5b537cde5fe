package dev.ferry.app.discovery;

import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.model.DatabaseResource;
import dev.ferry.app.testsupport.FaultFront;
import dev.ferry.app.testsupport.RedshiftIamDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.ferry.app.discovery.DiscoveryWorld.A;
import static dev.ferry.app.discovery.DiscoveryWorld.ALL;
import static dev.ferry.app.discovery.DiscoveryWorld.B;
import static dev.ferry.app.discovery.DiscoveryWorld.EAST;
import static dev.ferry.app.discovery.DiscoveryWorld.EXTERNAL_ID;
import static dev.ferry.app.discovery.DiscoveryWorld.FAST;
import static dev.ferry.app.discovery.DiscoveryWorld.ROLE_B;
import static dev.ferry.app.discovery.DiscoveryWorld.WEST;
import static dev.ferry.app.discovery.DiscoveryWorld.name;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Discovery against real moto (RDS, Aurora, Redshift, STS) and the Redshift Serverless
 * stand-in, driven by the AWS SDK's own clients: two accounts, two regions, matching by type,
 * region and tags, assume_role_arn with external_id, the marks, throttling, failures kept to
 * their account or region, progress and cancel.
 */
class DatabaseScannerTest {
    @RegisterExtension
    static DiscoveryWorld world = new DiscoveryWorld();

    @TempDir
    Path dir;

    FerryEnvironment env() {
        return world.env(dir);
    }

    DiscoveryResult scan(FerryEnvironment env, ScanOptions options, DiscoveryMatcher... matchers) throws Exception {
        return DiscoveryWorld.scanner(DiscoveryWorld.aws(env), options).start(List.of(matchers), null)
                .result().get(60, TimeUnit.SECONDS);
    }

    DiscoveryResult scan(DiscoveryMatcher... matchers) throws Exception {
        return scan(env(), ScanOptions.DEFAULT.withBackoff(FAST), matchers);
    }

    static List<String> names(DiscoveryResult r) {
        return r.databases().stream().map(DiscoveredDatabase::name).toList();
    }

    @Test
    void everyKindInTwoRegionsAndTwoAccounts() throws Exception {
        List<String> regions = List.of(EAST, WEST);
        DiscoveryResult r = scan(DiscoveryWorld.base(ALL, regions, Map.of()), DiscoveryWorld.roleB(ALL, regions));

        assertThat(r.failures()).isEmpty();
        assertThat(r.complete()).isTrue();
        assertThat(names(r)).containsExactly(
                name("bdwh", "redshift-serverless", WEST, B),
                name("billing", "rds-aurora", WEST, B),
                name("dwh", "redshift-serverless", EAST, A),
                name("ledger", "rds-aurora", EAST, A),
                name("ledger-reader", "rds-aurora", EAST, A),
                name("legacy", "rds", EAST, A),
                name("orders", "rds", WEST, A),
                name("orders", "rds", EAST, A),
                name("orders", "rds", EAST, B),
                name("paused", "rds", EAST, A),
                name("reports", "rds", EAST, A),
                name("sandbox", "redshift-serverless", EAST, A),
                name("spare", "rds-aurora", EAST, A),
                name("warehouse", "redshift", WEST, A));
        assertThat(r.regions()).extracting(p -> p.accountId() + "/" + p.region() + "/" + p.state())
                .containsExactlyInAnyOrder(A + "/us-east-1/DONE", A + "/eu-west-1/DONE", B + "/us-east-1/DONE",
                        B + "/eu-west-1/DONE");

        DiscoveredDatabase orders = r.database(name("orders", "rds", EAST, A)).orElseThrow();
        DatabaseResource db = orders.database();
        assertThat(db.uri()).isEqualTo("orders.aaaaaaaaaa.us-east-1.rds.amazonaws.com:5432");
        assertThat(db.protocol()).isEqualTo("postgres");
        assertThat(db.aws()).isEqualTo(new DatabaseResource.Aws(EAST, A, "", "", "", "", "orders", "", ""));
        assertThat(db.labels()).containsEntry("env", "prod").containsEntry("team", "payments")
                .containsEntry("engine", "postgres").containsEntry("region", EAST).containsEntry("account_id", A)
                .containsEntry("discovered", "true").containsEntry("endpoint_type", "instance");
        assertThat(db.typeName()).isEqualTo("RDS PostgreSQL");
        assertThat(orders.available()).isTrue();
        assertThat(orders.facts().displayName()).isEqualTo("orders");

        DatabaseResource ledger = r.database(name("ledger", "rds-aurora", EAST, A)).orElseThrow().database();
        DatabaseResource reader = r.database(name("ledger-reader", "rds-aurora", EAST, A)).orElseThrow().database();
        assertThat(ledger.host()).startsWith("ledger.cluster-").doesNotContain("cluster-ro-");
        assertThat(reader.host()).startsWith("ledger.cluster-ro-");
        assertThat(ledger.aws().rdsClusterId()).isEqualTo("ledger");
        assertThat(reader.aws().rdsClusterId()).isEqualTo("ledger");
        assertThat(ledger.labels()).containsEntry("endpoint_type", "primary").containsEntry("engine", "aurora-postgresql");
        assertThat(reader.labels()).containsEntry("endpoint_type", "reader");
        assertThat(ledger.typeName()).isEqualTo("Aurora PostgreSQL");
        assertThat(names(r)).as("an Aurora cluster's instances are found through it").noneMatch(n -> n.startsWith("ledger-1"));

        DatabaseResource warehouse = r.database(name("warehouse", "redshift", WEST, A)).orElseThrow().database();
        assertThat(warehouse.aws().redshiftClusterId()).isEqualTo("warehouse");
        assertThat(warehouse.port()).isEqualTo(5439);
        assertThat(warehouse.isRedshift()).isTrue();
        assertThat(warehouse.aws().region()).isEqualTo(WEST);

        DatabaseResource dwh = r.database(name("dwh", "redshift-serverless", EAST, A)).orElseThrow().database();
        assertThat(dwh.uri()).isEqualTo("dwh." + A + ".us-east-1.redshift-serverless.amazonaws.com:5439");
        assertThat(dwh.aws().redshiftServerlessWorkgroup()).isEqualTo("dwh");
        assertThat(dwh.labels()).containsEntry("namespace", "analytics").containsEntry("env", "prod")
                .containsEntry("engine", "redshift-serverless");

        // The other account, through its role and external id; the databases carry them for the tunnel.
        DatabaseResource ordersB = r.database(name("orders", "rds", EAST, B)).orElseThrow().database();
        assertThat(ordersB.aws()).isEqualTo(new DatabaseResource.Aws(EAST, B, ROLE_B, EXTERNAL_ID, "", "", "orders", "", ""));
        assertThat(ordersB.labels()).containsEntry("account_id", B);
        assertThat(r.database(name("bdwh", "redshift-serverless", WEST, B)).orElseThrow().database().aws().assumeRoleArn())
                .isEqualTo(ROLE_B);
        assertThat(world.sts().assumedRoles()).filteredOn(a -> a.roleArn().equals(ROLE_B)).isNotEmpty()
                .allSatisfy(a -> {
                    assertThat(a.externalId()).isEqualTo(EXTERNAL_ID);
                    assertThat(a.sessionName()).isEqualTo("alice@acme.example");
                    assertThat(a.account()).isEqualTo(B);
                });
    }

    @Test
    void databasesTheTunnelCannotServeAreListedWithTheReason() throws Exception {
        DiscoveryResult r = scan(DiscoveryWorld.base(ALL, List.of(EAST, WEST), Map.of()),
                DiscoveryWorld.roleB(ALL, List.of(WEST)));
        assertThat(r.database(name("reports", "rds", EAST, A)).orElseThrow().unavailableReason()).hasValueSatisfying(
                why -> assertThat(why).startsWith("IAM database authentication is off on this instance.")
                        .contains("aws rds modify-db-instance --db-instance-identifier reports --enable-iam-database-authentication")
                        .contains("aws.secret_store.secret_id"));
        // MySQL engines are served (MySQL tunnels): listed with protocol mysql and no mark.
        assertThat(r.database(name("legacy", "rds", EAST, A)).orElseThrow().unavailableReason()).isEmpty();
        assertThat(r.database(name("legacy", "rds", EAST, A)).orElseThrow().database().protocol()).isEqualTo("mysql");
        assertThat(r.database(name("legacy", "rds", EAST, A)).orElseThrow().database().typeName()).isEqualTo("RDS MySQL");
        assertThat(r.database(name("billing", "rds-aurora", WEST, B)).orElseThrow().unavailableReason()).isEmpty();
        assertThat(r.database(name("billing", "rds-aurora", WEST, B)).orElseThrow().database().typeName())
                .isEqualTo("Aurora MySQL");
        assertThat(r.database(name("paused", "rds", EAST, A)).orElseThrow().unavailableReason())
                .hasValue("The instance is stopped; start it (`aws rds start-db-instance --db-instance-identifier paused`) "
                        + "to connect.");
        assertThat(r.database(name("spare", "rds-aurora", EAST, A)).orElseThrow().unavailableReason())
                .hasValue("The cluster has no DB instances; add one to connect to it.");
        assertThat(r.database(name("sandbox", "redshift-serverless", EAST, A)).orElseThrow().unavailableReason())
                .hasValue("The workgroup is still being created; try again when it is available.");
        assertThat(r.databases().stream().filter(DiscoveredDatabase::available).map(DiscoveredDatabase::name))
                .containsExactlyInAnyOrder(name("bdwh", "redshift-serverless", WEST, B), name("dwh", "redshift-serverless", EAST, A),
                        name("billing", "rds-aurora", WEST, B), name("legacy", "rds", EAST, A),
                        name("ledger", "rds-aurora", EAST, A), name("ledger-reader", "rds-aurora", EAST, A),
                        name("orders", "rds", EAST, A), name("orders", "rds", WEST, A), name("warehouse", "redshift", WEST, A));

        // The MySQL rule is one switch: without MySQL tunnels, MySQL engines are marked.
        DiscoveryResult noMysql = scan(env(), ScanOptions.DEFAULT.withBackoff(FAST).withRules(new ServingRules(false)),
                DiscoveryWorld.base(EnumSet.of(DiscoveryType.RDS), List.of(EAST), Map.of()));
        assertThat(noMysql.database(name("legacy", "rds", EAST, A)).orElseThrow().unavailableReason())
                .hasValue(ServingRules.MYSQL_NOT_SUPPORTED);
        assertThat(noMysql.database(name("orders", "rds", EAST, A)).orElseThrow().available()).isTrue();
    }

    @Test
    void matchersSelectByTypeRegionAndTags() throws Exception {
        assertThat(names(scan(DiscoveryWorld.base(EnumSet.of(DiscoveryType.AURORA), List.of(EAST), Map.of()))))
                .containsExactly(name("ledger", "rds-aurora", EAST, A), name("ledger-reader", "rds-aurora", EAST, A),
                        name("spare", "rds-aurora", EAST, A));
        assertThat(names(scan(DiscoveryWorld.base(EnumSet.of(DiscoveryType.REDSHIFT), List.of(WEST), Map.of()))))
                .containsExactly(name("warehouse", "redshift", WEST, A));
        assertThat(names(scan(DiscoveryWorld.base(EnumSet.of(DiscoveryType.RDS), List.of(EAST),
                Map.of("env", List.of("prod")))))).containsExactly(name("ledger", "rds-aurora", EAST, A),
                name("ledger-reader", "rds-aurora", EAST, A), name("legacy", "rds", EAST, A),
                name("orders", "rds", EAST, A), name("paused", "rds", EAST, A));
        assertThat(names(scan(DiscoveryWorld.base(EnumSet.of(DiscoveryType.RDS), List.of(EAST, WEST),
                Map.of("team", List.of("*")))))).containsExactly(name("orders", "rds", EAST, A));
        assertThat(names(scan(DiscoveryWorld.base(EnumSet.of(DiscoveryType.RDS, DiscoveryType.REDSHIFT_SERVERLESS),
                List.of(EAST), Map.of("env", List.of("dev", "staging"))))))
                .containsExactly(name("reports", "rds", EAST, A), name("sandbox", "redshift-serverless", EAST, A),
                        name("spare", "rds-aurora", EAST, A));
        assertThat(names(scan(DiscoveryWorld.base(EnumSet.of(DiscoveryType.RDS), List.of(WEST),
                Map.of("engine", List.of("postgres")))))).containsExactly(name("orders", "rds", WEST, A));
    }

    @Test
    void matchersOnTheSameAccountAndRegionShareOneCallPerKind() throws Exception {
        try (FaultFront front = new FaultFront(world.moto().endpoint())) {
            FerryEnvironment env = env().with("AWS_ENDPOINT_URL_RDS", front.endpoint());
            DiscoveryResult r = scan(env, ScanOptions.DEFAULT.withBackoff(FAST),
                    DiscoveryWorld.base(EnumSet.of(DiscoveryType.RDS), List.of(EAST), Map.of("env", List.of("prod"))),
                    DiscoveryWorld.base(EnumSet.of(DiscoveryType.AURORA), List.of(EAST), Map.of("env", List.of("dev"))));
            assertThat(front.calls("DescribeDBInstances")).isEqualTo(1);
            assertThat(front.calls("DescribeDBClusters")).isEqualTo(1);
            assertThat(names(r)).contains(name("orders", "rds", EAST, A), name("spare", "rds-aurora", EAST, A))
                    .doesNotContain(name("reports", "rds", EAST, A));
        }
    }

    @Test
    void throttlingIsRetriedWithBackoffAndAThrottledRegionFailsAlone() throws Exception {
        try (FaultFront front = new FaultFront(world.moto().endpoint())) {
            // 4 throttled answers: the SDK's 3 attempts, then the scan's own backoff, then success.
            front.throttle("DescribeDBInstances", EAST, 4);
            // eu-west-1's clusters stay throttled whatever the retries.
            front.throttle("DescribeDBClusters", WEST, Integer.MAX_VALUE);
            FerryEnvironment env = env().with("AWS_ENDPOINT_URL_RDS", front.endpoint());
            DiscoveryResult r = scan(env, ScanOptions.DEFAULT.withBackoff(FAST),
                    DiscoveryWorld.base(EnumSet.of(DiscoveryType.RDS), List.of(EAST, WEST), Map.of()));

            assertThat(front.throttled("DescribeDBInstances")).isEqualTo(4);
            assertThat(front.calls("DescribeDBInstances")).as("5 in us-east-1, 1 in eu-west-1").isEqualTo(6);
            assertThat(front.throttled("DescribeDBClusters")).isEqualTo(FAST.totalTries());
            assertThat(names(r)).contains(name("orders", "rds", EAST, A), name("ledger", "rds-aurora", EAST, A),
                    name("orders", "rds", WEST, A));
            assertThat(r.failures()).singleElement().satisfies(f -> {
                assertThat(f.kind()).isEqualTo(ScanFailure.Kind.THROTTLED);
                assertThat(f.accountId()).isEqualTo(A);
                assertThat(f.region()).isEqualTo(WEST);
                assertThat(f.what()).isEqualTo("Aurora clusters");
                assertThat(f.message()).isEqualTo("AWS kept throttling rds:DescribeDBClusters in account " + A
                        + " (eu-west-1) after 9 tries, so its Aurora clusters are not listed.");
                assertThat(f.hint()).contains("Try again in a few minutes");
            });
            assertThat(r.regions()).extracting(p -> p.region() + "/" + p.state() + "/" + p.failures().size())
                    .containsExactlyInAnyOrder("us-east-1/DONE/0", "eu-west-1/DONE/1");
        }
    }

    @Test
    void aRoleThatCannotBeAssumedFailsItsAccountOnly() throws Exception {
        String roleC = "arn:aws:iam::333333333333:role/ferry-discovery";
        try (FaultFront front = new FaultFront(world.moto().endpoint())) {
            front.fail("AssumeRole", "333333333333", 403, "AccessDenied", "User: arn:aws:iam::" + A
                    + ":user/alice is not authorized to perform: sts:AssumeRole on resource: " + roleC);
            FerryEnvironment env = env().with("AWS_ENDPOINT_URL_STS", front.endpoint());
            DiscoveryResult r = scan(env, ScanOptions.DEFAULT.withBackoff(FAST),
                    DiscoveryWorld.roleB(EnumSet.of(DiscoveryType.RDS), List.of(EAST)),
                    new DiscoveryMatcher(EnumSet.of(DiscoveryType.RDS), List.of(EAST, WEST), Map.of(), roleC, "", ""));
            assertThat(names(r)).containsExactly(name("orders", "rds", EAST, B));
            assertThat(r.failures()).singleElement().satisfies(f -> {
                assertThat(f.kind()).isEqualTo(ScanFailure.Kind.CREDENTIALS);
                assertThat(f.accountId()).isEqualTo("333333333333");
                assertThat(f.region()).isEmpty();
                assertThat(f.message()).startsWith("AWS refused to let your AWS identity assume " + roleC)
                        .contains("not authorized to perform: sts:AssumeRole").endsWith("account 333333333333 is not listed.");
                assertThat(f.hint()).contains("trust policy").contains("external_id");
            });
            assertThat(r.regions()).extracting(p -> p.accountId() + "/" + p.region() + "/" + p.state())
                    .containsExactlyInAnyOrder(B + "/us-east-1/DONE", "333333333333/us-east-1/FAILED",
                            "333333333333/eu-west-1/FAILED");
        }
    }

    @Test
    void matchersWhoseAccountsCannotBeFoundFailInPlainWordsAndTheOthersAreListed() throws Exception {
        try (FaultFront front = new FaultFront(world.moto().endpoint())) {
            front.fail("GetCallerIdentity", "", 400, "ExpiredToken", "The security token included in the request is expired");
            FerryEnvironment env = env().with("AWS_ENDPOINT_URL_STS", front.endpoint());
            DiscoveryResult r = scan(env, ScanOptions.DEFAULT.withBackoff(FAST),
                    DiscoveryWorld.base(EnumSet.of(DiscoveryType.RDS), List.of(EAST), Map.of()),
                    new DiscoveryMatcher(EnumSet.of(DiscoveryType.RDS), List.of(EAST), Map.of(), "", "", "ReadOnly"),
                    DiscoveryWorld.roleB(EnumSet.of(DiscoveryType.RDS), List.of(EAST)));
            assertThat(names(r)).containsExactly(name("orders", "rds", EAST, B));
            assertThat(r.failures()).extracting(ScanFailure::describe).containsExactlyInAnyOrder(
                    "The AWS account to scan could not be determined: ExpiredToken: The security token included in "
                            + "the request is expired\nSign in again (e.g. `aws sso login`), then refresh.",
                    "The matcher's role_name 'ReadOnly' needs IAM Identity Center to find the accounts to scan.\n"
                            + "Use assume_role_arn for one account, or add IAM Identity Center to the workspace.");
            assertThat(r.failures()).allSatisfy(f -> assertThat(f.accountId()).isEmpty());
        }
    }

    @Test
    void workgroupTagsThatCannotBeReadAreReportedAndTheWorkgroupsStillListed() throws Exception {
        try (RedshiftIamDouble denying = new RedshiftIamDouble(Map.of())) {
            denying.addWorkgroup(B, WEST, "bdwh", "finance", "AVAILABLE", Map.of("env", "prod"));
            denying.accountsByKey(key -> DiscoveryWorld.accountOfKey(world.sts(), key)).deny("ListTagsForResource", B);
            FerryEnvironment env = env().with("AWS_ENDPOINT_URL_REDSHIFT_SERVERLESS", denying.endpoint());
            DiscoveryResult r = scan(env, ScanOptions.DEFAULT.withBackoff(FAST),
                    DiscoveryWorld.roleB(EnumSet.of(DiscoveryType.REDSHIFT_SERVERLESS), List.of(WEST)));
            DiscoveredDatabase bdwh = r.database(name("bdwh", "redshift-serverless", WEST, B)).orElseThrow();
            assertThat(bdwh.database().labels()).doesNotContainKey("env").containsEntry("namespace", "finance");
            assertThat(r.failures()).singleElement().satisfies(f -> {
                assertThat(f.kind()).isEqualTo(ScanFailure.Kind.ACCESS_DENIED);
                assertThat(f.message()).isEqualTo("Role " + ROLE_B + " may not call redshift-serverless:ListTagsForResource"
                        + " in account " + B + " (eu-west-1), so its Redshift Serverless tags are not listed.");
                assertThat(f.hint()).isEqualTo("Ask your AWS administrator to allow redshift-serverless:ListTagsForResource"
                        + " for " + ROLE_B + ".");
            });
        }
    }

    @Test
    void progressIsReportedPerAccountAndRegion() throws Exception {
        List<ScanProgress> seen = Collections.synchronizedList(new ArrayList<>());
        ScanRun run = DiscoveryWorld.scanner(DiscoveryWorld.aws(env()), ScanOptions.DEFAULT.withBackoff(FAST))
                .start(List.of(DiscoveryWorld.base(ALL, List.of(EAST, WEST), Map.of()),
                        DiscoveryWorld.roleB(ALL, List.of(EAST, WEST))), seen::add);
        DiscoveryResult r = run.result().get(60, TimeUnit.SECONDS);
        List<ScanProgress> all = List.copyOf(seen);
        assertThat(all).isNotEmpty();
        ScanProgress last = all.get(all.size() - 1);
        assertThat(last.accountsKnown()).isTrue();
        assertThat(last.total()).isEqualTo(4);
        assertThat(last.finished()).isEqualTo(4);
        assertThat(last.databasesFound()).isEqualTo(r.databases().size());
        assertThat(all).extracting(ScanProgress::finished).isSorted();
        assertThat(all).anySatisfy(p -> assertThat(p.regions())
                .anyMatch(x -> x.state() == RegionProgress.State.SCANNING));
        assertThat(last.regions()).allMatch(x -> x.state() == RegionProgress.State.DONE);
        assertThat(last.regions()).filteredOn(x -> x.accountId().equals(B) && x.region().equals(WEST))
                .singleElement().satisfies(x -> {
                    assertThat(x.found()).isEqualTo(2);
                    assertThat(x.via()).isEqualTo("role " + ROLE_B);
                });
        assertThat(run.progress()).isEqualTo(last);
    }

    @Test
    void cancelStopsTheScanAtOnce() throws Exception {
        try (FaultFront front = new FaultFront(world.moto().endpoint())) {
            FaultFront.Hold hold = front.hold("DescribeDBClusters");
            FerryEnvironment env = env().with("AWS_ENDPOINT_URL_RDS", front.endpoint());
            List<ScanProgress> seen = Collections.synchronizedList(new ArrayList<>());
            ScanRun run = DiscoveryWorld.scanner(DiscoveryWorld.aws(env), ScanOptions.DEFAULT.withBackoff(FAST))
                    .start(List.of(DiscoveryWorld.base(EnumSet.of(DiscoveryType.RDS), List.of(EAST), Map.of())), seen::add);
            assertThat(hold.awaitArrival(Duration.ofSeconds(30))).isTrue();
            assertThat(run.isDone()).isFalse();
            run.cancel();
            assertThatThrownBy(() -> run.result().get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(CancellationException.class);
            assertThatThrownBy(run::await).isInstanceOf(CancellationException.class);
            int before = seen.size();
            hold.release();
            assertThat(run.isCancelled()).isTrue();
            assertThat(seen).as("no progress after cancel").hasSize(before);
        }
    }
}
