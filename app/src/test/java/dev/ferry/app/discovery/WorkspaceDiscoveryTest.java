package dev.ferry.app.discovery;

import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.FerryException;
import dev.ferry.app.access.AccessProvider;
import dev.ferry.app.access.AccessProviders;
import dev.ferry.app.access.Capability;
import dev.ferry.app.aws.ConsoleFederation;
import dev.ferry.app.model.DatabaseResource;
import dev.ferry.app.model.ServingMark;
import dev.ferry.app.tunnels.TunnelOpener;
import dev.ferry.app.workspace.WorkspaceLoader;
import dev.ferry.tunnel.testsupport.PostgresServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static dev.ferry.app.discovery.DiscoveryWorld.A;
import static dev.ferry.app.discovery.DiscoveryWorld.B;
import static dev.ferry.app.discovery.DiscoveryWorld.EAST;
import static dev.ferry.app.discovery.DiscoveryWorld.ROLE_B;
import static dev.ferry.app.discovery.DiscoveryWorld.WEST;
import static dev.ferry.app.discovery.DiscoveryWorld.name;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A workspace file with only a region and matchers, opened as the desktop and the CLI open it
 * ({@link AccessProviders}): the provider lists every database discovery finds in moto (two
 * accounts, two regions) with its labels and its typed mark, keeps the scan in the cache for
 * the next provider, and opens a working tunnel on a discovered database (its endpoint
 * rewritten to the local PostgreSQL 15, as moto's endpoints lead nowhere) queried over JDBC.
 */
class WorkspaceDiscoveryTest {
    @RegisterExtension
    static DiscoveryWorld world = new DiscoveryWorld();

    static PostgresServer pg;

    @TempDir
    Path dir;

    FerryEnvironment env;
    AccessProviders providers;
    Path file;
    final List<AccessProvider> open = new ArrayList<>();

    @BeforeAll
    static void peers() {
        pg = PostgresServer.shared();
    }

    @BeforeEach
    void workspace() throws Exception {
        env = world.env(dir);
        providers = new AccessProviders(env, new ConsoleFederation(HttpClient::newHttpClient), () -> null);
        file = dir.resolve("found.yaml");
        Files.writeString(file, """
                name: found
                user: alice@acme.example
                aws: {region: us-east-1}
                roles:
                  - name: engineers
                    allow:
                      db_labels: {env: prod}
                      db_users: [%s]
                      db_names: ['*']
                """.formatted(PostgresServer.TRUST_USER) + DiscoveryWorld.DISCOVERY_BLOCK);
    }

    @AfterEach
    void close() {
        open.forEach(AccessProvider::close);
    }

    AccessProvider provider() {
        AccessProvider p = providers.open(new WorkspaceLoader("alice").load(file));
        open.add(p);
        return p;
    }

    DatabaseResource db(AccessProvider p, String name) {
        return p.database(name).orElseThrow(() -> new AssertionError(name + " not listed in "
                + p.databases().stream().map(DatabaseResource::name).toList()));
    }

    @Test
    void discoveredDatabasesAreListedWithLabelsAndMarksAndOpenAWorkingTunnel() throws Exception {
        AccessProvider p = provider();
        assertThat(p.can(Capability.DISCOVERY)).isTrue();
        assertThat(p.databases()).as("no cache yet, nothing hand-written").isEmpty();
        DiscoveryService discovery = p.discovery().orElseThrow();
        List<ScanProgress> progress = new CopyOnWriteArrayList<>();
        discovery.addListener(new DiscoveryListener() {
            @Override
            public void progress(ScanProgress s) {
                progress.add(s);
            }
        });
        DiscoveryResult result = discovery.refresh().result().get(60, TimeUnit.SECONDS);
        assertThat(result.failures()).isEmpty();
        ScanProgress last = progress.get(progress.size() - 1);
        assertThat(last.total()).as("2 accounts x 2 regions").isEqualTo(4);
        assertThat(last.finished()).isEqualTo(4);

        DatabaseResource orders = db(p, name("orders", "rds", EAST, B));
        assertThat(orders.labels()).containsEntry("env", "prod").containsEntry("engine", "postgres")
                .containsEntry("region", EAST).containsEntry("account_id", B).containsEntry("discovered", "true");
        assertThat(orders.aws().rdsInstanceId()).isEqualTo("orders");
        assertThat(orders.aws().assumeRoleArn()).isEqualTo(ROLE_B);
        assertThat(orders.allowedUsers()).containsExactly(PostgresServer.TRUST_USER);
        assertThat(p.servingMark(orders)).isEmpty();
        assertThat(db(p, name("warehouse", "redshift", WEST, A)).labels()).containsEntry("account_id", A);

        DatabaseResource legacy = db(p, name("legacy", "rds", EAST, A));
        assertThat(p.servingMark(legacy)).as("MySQL is served").isEmpty();
        assertThat(legacy.protocol()).isEqualTo("mysql");
        DatabaseResource reports = db(p, name("reports", "rds", EAST, A));
        assertThat(p.servingMark(reports)).map(ServingMark::reason).hasValue(ServingMark.Reason.IAM_AUTH_OFF);
        assertThat(p.servingMark(db(p, name("paused", "rds", EAST, A)))).map(ServingMark::reason)
                .hasValue(ServingMark.Reason.NOT_AVAILABLE);
        assertThatThrownBy(() -> p.openDatabaseTunnel(reports, PostgresServer.TRUST_USER, "x", 0))
                .isInstanceOf(FerryException.class).hasMessageContaining("cannot open a tunnel to " + reports.name())
                .hasMessageContaining("IAM database authentication is off");

        // The tunnel signs its RDS IAM token as account B's role: the discovered fields are what it needs.
        int before = world.sts().assumedRoles().size();
        DatabaseResource local = new DatabaseResource(orders.name(), orders.description(), orders.protocol(),
                "localhost:" + pg.port(), orders.labels(), orders.aws(),
                new DatabaseResource.Tls("verify-full", pg.caPem().toString()), orders.allowedUsers(), orders.allowedNames());
        TunnelOpener.Opened opened = p.openDatabaseTunnel(local, PostgresServer.TRUST_USER, PostgresServer.DATABASE, 0);
        try (var tunnel = opened.tunnel();
             Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + tunnel.localAddress().getPort()
                     + "/whatever?sslmode=disable", "whoever", "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select current_user || '@' || current_database()")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo(PostgresServer.TRUST_USER + "@" + PostgresServer.DATABASE);
        }
        assertThat(world.sts().assumedRoles().subList(before, world.sts().assumedRoles().size()))
                .extracting(dev.ferry.app.testsupport.FaultFront.AssumedRole::roleArn).contains(ROLE_B);
    }

    @Test
    void theNextProviderShowsTheCachedListAtOnce() throws Exception {
        AccessProvider first = provider();
        DiscoveryResult scanned = first.discovery().orElseThrow().refresh().result().get(60, TimeUnit.SECONDS);
        first.close();

        AccessProvider next = provider();
        assertThat(next.discovery().orElseThrow().running()).isEmpty();
        assertThat(next.databases()).extracting(DatabaseResource::name)
                .containsExactlyElementsOf(scanned.databases().stream().map(DiscoveredDatabase::name).toList());
        assertThat(next.discovery().orElseThrow().latest()).map(DiscoveryResult::scannedAt).hasValue(scanned.scannedAt());
        assertThat(next.servingMark(db(next, name("reports", "rds", EAST, A)))).map(ServingMark::reason)
                .hasValue(ServingMark.Reason.IAM_AUTH_OFF);
    }
}
