package dev.ferry.app.discovery;

import dev.ferry.app.model.DatabaseResource;
import dev.ferry.app.model.RoleSpec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Hand-written entries win over discovered ones at the same endpoint, and fill in from them. */
class DatabaseMergeTest {
    static final String HOST = "orders.c9abcdefghij.us-east-1.rds.amazonaws.com";
    static final DatabaseMerge MERGE = new DatabaseMerge(ServingRules.CURRENT);
    static final ScanAccount ROLE = new ScanAccount("222222222222", "role x",
            software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider.create(),
            "arn:aws:iam::222222222222:role/ferry-discovery", "ext-1");

    static DiscoveredDatabase rds(String id, String host, boolean iam, String engine, Map<String, String> tags) {
        DiscoveryFacts f = new DiscoveryFacts(DiscoveryFacts.Kind.RDS_INSTANCE, id, id, engine, "15.4", "available", iam, -1);
        DatabaseResource db = DiscoveredDatabases.database(f, tags, RdsListing.protocol(engine), host, 5432, "us-east-1",
                "222222222222", ROLE, "", "", id, "", Map.of());
        return DiscoveredDatabase.of(db, f, ServingRules.CURRENT);
    }

    static DatabaseResource handWritten(String name, String uri, Map<String, String> labels, DatabaseResource.Aws aws,
                                        DatabaseResource.Tls tls) {
        return new DatabaseResource(name, "", "postgres", uri, labels, aws, tls, List.of("app"), List.of("orders"));
    }

    @Test
    void aHandWrittenEntryAtTheSameEndpointWinsAndFillsInFromDiscovery() {
        DiscoveredDatabase found = rds("orders", HOST, false, "postgres", Map.of("env", "prod", "team", "payments"));
        assertThat(found.unavailableReason()).isPresent();
        DatabaseResource mine = handWritten("orders-prod", HOST.toUpperCase() + ":5432", Map.of("team", "data", "tier", "1"),
                new DatabaseResource.Aws("", "", "", "", "", "", "", "", "prod/orders/app"),
                new DatabaseResource.Tls("verify-ca", "/etc/ssl/rds.pem"));

        DatabaseMerge.Result r = MERGE.merge(List.of(mine), List.of(found), List.of());
        assertThat(r.databases()).singleElement().satisfies(d -> {
            assertThat(d.source()).isEqualTo(ListedDatabase.Source.FILE_OVER_DISCOVERED);
            assertThat(d.discovered()).containsSame(found);
            assertThat(d.name()).isEqualTo("orders-prod");
            DatabaseResource db = d.database();
            assertThat(db.uri()).isEqualTo(HOST.toUpperCase() + ":5432");
            assertThat(db.tls()).isEqualTo(new DatabaseResource.Tls("verify-ca", "/etc/ssl/rds.pem"));
            assertThat(db.aws()).isEqualTo(new DatabaseResource.Aws("us-east-1", "222222222222",
                    "arn:aws:iam::222222222222:role/ferry-discovery", "ext-1", "", "", "orders", "", "prod/orders/app"));
            assertThat(db.labels()).containsEntry("team", "data").containsEntry("tier", "1").containsEntry("env", "prod")
                    .containsEntry("engine", "postgres").containsEntry("discovered", "true");
            assertThat(db.description()).isEqualTo("RDS instance in us-east-1");
            assertThat(db.allowedUsers()).containsExactly("app");
            assertThat(d.available()).as("the secret serves an instance without IAM authentication").isTrue();
        });
        assertThat(r.warnings()).isEmpty();
    }

    @Test
    void withoutASecretTheMarkStaysAndOtherEntriesAreKept() {
        DiscoveredDatabase iamOff = rds("orders", HOST, false, "postgres", Map.of());
        DiscoveredDatabase mysql = rds("legacy", "legacy.c9abcdefghij.us-east-1.rds.amazonaws.com", true, "mysql", Map.of());
        DiscoveredDatabase other = rds("billing", "billing.c9abcdefghij.us-east-1.rds.amazonaws.com", true, "postgres", Map.of());
        DatabaseResource labelsOnly = handWritten("orders", HOST, Map.of("owner", "alice"), DatabaseResource.Aws.NONE, null);
        DatabaseResource legacy = handWritten("legacy", "legacy.c9abcdefghij.us-east-1.rds.amazonaws.com:5432", Map.of(),
                DatabaseResource.Aws.NONE, null);
        DatabaseResource local = handWritten("local", "localhost:5432", Map.of(), DatabaseResource.Aws.NONE, null);

        DatabaseMerge.Result r = MERGE.merge(List.of(labelsOnly, local, legacy), List.of(iamOff, mysql, other), List.of());
        assertThat(r.databases()).extracting(d -> d.name() + "/" + d.source()).containsExactly(
                "orders/FILE_OVER_DISCOVERED", "local/FILE", "legacy/FILE_OVER_DISCOVERED",
                other.name() + "/DISCOVERED");
        assertThat(r.database("orders").orElseThrow().unavailableReason()).hasValueSatisfying(
                why -> assertThat(why).startsWith("IAM database authentication is off"));
        assertThat(r.database("legacy").orElseThrow().unavailableReason()).isEmpty(); // MySQL is served
        assertThat(new DatabaseMerge(new ServingRules(false)).merge(List.of(legacy), List.of(mysql), List.of())
                .database("legacy").orElseThrow().unavailableReason()).hasValue(ServingRules.MYSQL_NOT_SUPPORTED);
        assertThat(r.database("local").orElseThrow().discovered()).isEmpty();
        assertThat(r.database("local").orElseThrow().database()).isSameAs(local);
    }

    @Test
    void rolesGrantDbUsersToDiscoveredDatabasesByTheirLabels() {
        DiscoveredDatabase prod = rds("orders", HOST, true, "postgres", Map.of("env", "prod"));
        DiscoveredDatabase dev = rds("scratch", "scratch.c9abcdefghij.us-east-1.rds.amazonaws.com", true, "postgres",
                Map.of("env", "dev"));
        List<RoleSpec> roles = List.of(
                new RoleSpec("prod-readers", Map.of(), List.of(), Map.of("env", List.of("prod")), List.of("alice"),
                        List.of("orders")),
                new RoleSpec("everyone", Map.of(), List.of(), Map.of("discovered", List.of("true")), List.of("ro"),
                        List.of("*")));
        DatabaseMerge.Result r = MERGE.merge(List.of(), List.of(prod, dev), roles);
        assertThat(r.database(prod.name()).orElseThrow().database().allowedUsers()).containsExactly("alice", "ro");
        assertThat(r.database(prod.name()).orElseThrow().database().allowedNames()).containsExactly("orders", "*");
        assertThat(r.database(dev.name()).orElseThrow().database().allowedUsers()).containsExactly("ro");
    }

    @Test
    void aDiscoveredNameTakenByTheFileFallsBackToItsFullNameOrIsLeftOutWithAWarning() {
        DiscoveredDatabase tagged = rds("orders", HOST, true, "postgres", Map.of("TeleportDatabaseName", "orders"));
        assertThat(tagged.name()).as("the TeleportDatabaseName tag names it, as in Teleport").isEqualTo("orders");
        DatabaseResource other = handWritten("orders", "localhost:5432", Map.of(), DatabaseResource.Aws.NONE, null);
        DatabaseMerge.Result r = MERGE.merge(List.of(other), List.of(tagged), List.of());
        assertThat(r.databases()).extracting(ListedDatabase::name)
                .containsExactly("orders", "orders-rds-us-east-1-222222222222");
        assertThat(r.warnings()).isEmpty();

        DiscoveredDatabase plain = rds("orders", HOST, true, "postgres", Map.of());
        DatabaseResource clash = handWritten("orders-rds-us-east-1-222222222222", "localhost:5432", Map.of(),
                DatabaseResource.Aws.NONE, null);
        DatabaseMerge.Result r2 = MERGE.merge(List.of(clash), List.of(plain), List.of());
        assertThat(r2.databases()).extracting(ListedDatabase::name).containsExactly("orders-rds-us-east-1-222222222222");
        assertThat(r2.warnings()).containsExactly("The discovered database " + HOST + ":5432 is not listed: the workspace "
                + "file already has a database named orders-rds-us-east-1-222222222222.");
    }

    @Test
    void namesAreUniqueWhenTwoDatabasesCarryTheSameNameTag() {
        DiscoveredDatabase a = rds("orders", HOST, true, "postgres", Map.of("TeleportDatabaseName", "main"));
        DiscoveredDatabase b = rds("billing", "billing.x.us-east-1.rds.amazonaws.com", true, "postgres",
                Map.of("TeleportDatabaseName", "main"));
        assertThat(DiscoveredDatabases.uniqueNames(List.of(a, b), ServingRules.CURRENT)).extracting(DiscoveredDatabase::name)
                .containsExactly("orders-rds-us-east-1-222222222222", "billing-rds-us-east-1-222222222222");
    }
}
