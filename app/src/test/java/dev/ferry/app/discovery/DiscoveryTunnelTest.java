package dev.ferry.app.discovery;

import dev.ferry.app.workspace.StandaloneWorkspace;
import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.aws.AwsSetup;
import dev.ferry.app.aws.ConsoleFederation;
import dev.ferry.app.model.DatabaseResource;
import dev.ferry.app.standalone.StandaloneAwsProvider;
import dev.ferry.app.tunnels.TunnelOpener;
import dev.ferry.app.workspace.Workspace;
import dev.ferry.app.workspace.WorkspaceLoader;
import dev.ferry.tunnel.testsupport.PostgresServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
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

/**
 * Discovery → tunnel → query, end to end: databases found in moto and the Redshift Serverless
 * stand-in, merged with the workspace file, their endpoint rewritten to a real local
 * PostgreSQL 15 (TLS, verify-full against its test CA), opened with today's
 * {@link StandaloneAwsProvider#openDatabaseTunnel} and queried over JDBC. The tunnel logs in
 * with what discovery filled in: the account's role and external id, the RDS instance, the
 * Redshift cluster, the workgroup.
 */
class DiscoveryTunnelTest {
    @RegisterExtension
    static DiscoveryWorld world = new DiscoveryWorld();

    static PostgresServer pg;

    @TempDir
    Path dir;

    FerryEnvironment env;
    StandaloneAwsProvider provider;
    DatabaseMerge.Result listed;

    @BeforeAll
    static void peers() throws Exception {
        pg = PostgresServer.shared();
        for (String role : List.of("IAM:alice", "IAMR:bdwh-user")) {
            pg.psql("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + role + "') THEN "
                    + "CREATE ROLE \"" + role + "\" LOGIN; END IF; END $$");
        }
        try (SecretsManagerClient sm = SecretsManagerClient.builder().region(Region.US_EAST_1)
                .endpointOverride(URI.create(world.moto().endpoint()))
                .credentialsProvider(MotoDatabases.base(world.moto().endpoint()).credentials()).build()) {
            sm.createSecret(b -> b.name("reports-app").secretString("{\"username\":\"" + PostgresServer.SCRAM_USER
                    + "\",\"password\":\"" + PostgresServer.PASSWORD + "\"}"));
        }
    }

    @BeforeEach
    void discover() throws Exception {
        env = world.env(dir);
        // The workspace names one discovered database (reports, IAM authentication off) to give it a secret.
        Path file = dir.resolve("e2e.yaml");
        Files.writeString(file, """
                name: e2e
                user: alice@acme.example
                aws: {region: us-east-1}
                databases:
                  - name: reports
                    protocol: postgres
                    uri: reports.aaaaaaaaaa.us-east-1.rds.amazonaws.com:5432
                    labels: {owner: bi}
                    aws:
                      secret_store: {secret_id: reports-app}
                roles:
                  - name: engineers
                    allow:
                      db_labels: {env: prod}
                      db_users: [%s, alice]
                      db_names: ['*']
                  - name: bi
                    allow:
                      db_labels: {owner: bi}
                      db_users: [%s]
                      db_names: ['*']
                """.formatted(PostgresServer.TRUST_USER, PostgresServer.SCRAM_USER));
        StandaloneWorkspace ws = (StandaloneWorkspace) new WorkspaceLoader("alice").load(file);
        AwsSetup aws = new AwsSetup(env, ws.aws());
        DiscoveryResult found = DiscoveryWorld.scanner(aws, ScanOptions.DEFAULT.withBackoff(FAST))
                .start(List.of(DiscoveryWorld.base(ALL, List.of(EAST, WEST), Map.of()),
                        DiscoveryWorld.roleB(ALL, List.of(EAST, WEST))), null).result().get(60, TimeUnit.SECONDS);
        assertThat(found.failures()).isEmpty();
        listed = new DatabaseMerge(ServingRules.CURRENT).merge(ws.databases(), found.databases(), ws.roles());
        provider = new StandaloneAwsProvider(ws, aws, new ConsoleFederation(HttpClient::newHttpClient), () -> null);
    }

    /** The discovered database with its endpoint rewritten to the local PostgreSQL, trusted through its test CA. */
    static DatabaseResource atLocalPostgres(DatabaseResource db) {
        return new DatabaseResource(db.name(), db.description(), db.protocol(), "localhost:" + pg.port(), db.labels(),
                db.aws(), new DatabaseResource.Tls("verify-full", pg.caPem().toString()), db.allowedUsers(),
                db.allowedNames());
    }

    String query(DatabaseResource db, String dbUser) throws Exception {
        TunnelOpener.Opened opened = provider.openDatabaseTunnel(atLocalPostgres(db), dbUser, PostgresServer.DATABASE, 0);
        try (var tunnel = opened.tunnel();
             Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + tunnel.localAddress()
                     .getPort() + "/whatever?sslmode=disable", "whoever", "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select current_user || '@' || current_database() || ' ssl=' || "
                     + "(select ssl from pg_stat_ssl where pid = pg_backend_pid())")) {
            rs.next();
            return rs.getString(1);
        }
    }

    DatabaseResource available(String name) {
        ListedDatabase d = listed.database(name).orElseThrow();
        assertThat(d.unavailableReason()).as(name).isEmpty();
        return d.database();
    }

    @Test
    void anRdsInstanceOfAnotherAccountIsReachedThroughItsRoleAndExternalId() throws Exception {
        DatabaseResource orders = available(name("orders", "rds", EAST, B));
        assertThat(orders.aws().assumeRoleArn()).isEqualTo(ROLE_B);
        assertThat(orders.allowedUsers()).contains(PostgresServer.TRUST_USER);
        int before = world.sts().assumedRoles().size();
        assertThat(query(orders, PostgresServer.TRUST_USER)).isEqualTo(PostgresServer.TRUST_USER + "@"
                + PostgresServer.DATABASE + " ssl=true");
        // The tunnel signed its RDS IAM token as the discovered account's role, with its external id.
        assertThat(world.sts().assumedRoles().subList(before, world.sts().assumedRoles().size())).singleElement().satisfies(a -> {
            assertThat(a.roleArn()).isEqualTo(ROLE_B);
            assertThat(a.externalId()).isEqualTo(EXTERNAL_ID);
            assertThat(a.sessionName()).isEqualTo("alice@acme.example");
        });
    }

    @Test
    void aHandWrittenEntryGivesAnIamOffInstanceASecretAndTheTunnelLogsInWithIt() throws Exception {
        ListedDatabase reports = listed.database("reports").orElseThrow();
        assertThat(reports.source()).isEqualTo(ListedDatabase.Source.FILE_OVER_DISCOVERED);
        assertThat(reports.discovered().orElseThrow().unavailableReason()).isPresent();
        assertThat(reports.unavailableReason()).isEmpty();
        assertThat(reports.database().aws().rdsInstanceId()).isEqualTo("reports");
        assertThat(reports.database().labels()).containsEntry("owner", "bi").containsEntry("env", "dev");
        assertThat(listed.databases()).extracting(ListedDatabase::name).doesNotContain(name("reports", "rds", EAST, A));
        // SCRAM with the secret's password: a wrong one would be refused by PostgreSQL.
        assertThat(query(reports.database(), PostgresServer.SCRAM_USER))
                .isEqualTo(PostgresServer.SCRAM_USER + "@" + PostgresServer.DATABASE + " ssl=true");
    }

    @Test
    void aRedshiftClusterGetsTemporaryCredentialsForTheDiscoveredClusterAndRegion() throws Exception {
        DatabaseResource warehouse = available(name("warehouse", "redshift", WEST, A));
        assertThat(query(warehouse, "alice")).isEqualTo("IAM:alice@" + PostgresServer.DATABASE + " ssl=true");
    }

    @Test
    void aRedshiftServerlessWorkgroupGetsCredentialsAsTheAccountsRole() throws Exception {
        DatabaseResource bdwh = available(name("bdwh", "redshift-serverless", WEST, B));
        int before = world.serverless().calls().size();
        assertThat(query(bdwh, "alice")).isEqualTo("IAMR:bdwh-user@" + PostgresServer.DATABASE + " ssl=true");
        var call = world.serverless().calls().subList(before, world.serverless().calls().size()).stream()
                .filter(c -> c.action().equals("GetCredentials")).findFirst().orElseThrow();
        assertThat(call.params()).containsEntry("workgroupName", "bdwh").containsEntry("dbName", PostgresServer.DATABASE);
        assertThat(world.sts().accountOfKey(call.accessKey())).hasValue(B);
    }
}
