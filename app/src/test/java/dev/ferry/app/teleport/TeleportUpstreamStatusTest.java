package dev.ferry.app.teleport;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.app.FerryCore;
import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.access.AccessProvider;
import dev.ferry.app.tunnels.Tunnel;
import dev.ferry.app.tunnels.TunnelSpec;
import dev.ferry.app.tunnels.TunnelStatus;
import dev.ferry.tunnel.db.TunnelFailure;
import dev.ferry.tunnel.mysql.MySqlTunnel;
import dev.ferry.tunnel.mysql.MySqlTunnelConfig;
import dev.ferry.tunnel.pg.PasswordSupplier;
import dev.ferry.tunnel.pg.TlsMode;
import dev.ferry.tunnel.testsupport.MariaDbServer;
import dev.ferry.tunnel.testsupport.FreePorts;
import dev.ferry.tunnel.testsupport.PostgresServer;
import dev.ferry.tunnel.testsupport.Wait;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A Teleport workspace's database tunnel tells the truth about its upstream, as Ferry's own
 * tunnels do: Ferry keeps the user's port and relays to {@code tsh proxy db --tunnel} (the
 * stand-in, relaying to a real PostgreSQL 15) on a private port, and reads each connection's
 * start. The database taken away (the stand-in then answers as Teleport's database service does,
 * with an ErrorResponse) shows "upstream unreachable since …"; a client getting through again
 * shows "upstream OK"; a tsh that dies shows as failing without any client; moves keep working.
 */
class TeleportUpstreamStatusTest {
    static final ZoneId ZONE = ZoneId.systemDefault();

    @TempDir
    Path dir;

    TshStub tsh;
    FerryEnvironment env;
    Path workspaceFile;
    PostgresServer pg;

    @BeforeEach
    void setUp() throws Exception {
        pg = PostgresServer.shared();
        tsh = new TshStub(dir);
        tsh.addRelayedDatabase("pg-local", pg.port(), PostgresServer.TRUST_USER);
        env = tsh.env(dir.resolve("ferry-home"));
        workspaceFile = tsh.workspace("");
        try (FerryCore c = new FerryCore(env, u -> { })) {
            AccessProvider p = c.providers().open(c.workspaces().load(workspaceFile));
            p.signIn(new TeleportProviderTest.Answers(TeleportProviderTest.GOOD));
        }
    }

    TunnelSpec spec(int port) {
        return TunnelSpec.database(workspaceFile.toAbsolutePath().toString(), "pg-local", PostgresServer.TRUST_USER,
                PostgresServer.DATABASE, port);
    }

    static String query(int port, String sql) throws SQLException {
        return query("jdbc:postgresql://127.0.0.1:" + port + "/" + PostgresServer.DATABASE + "?user="
                + PostgresServer.TRUST_USER + "&sslmode=disable&connectTimeout=10", sql);
    }

    static String query(String url, String sql) throws SQLException {
        try (var c = DriverManager.getConnection(url); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getString(1);
        }
    }

    void upstream(int port) throws Exception {
        upstream("pg-local", port);
    }

    void upstream(String db, int port) throws Exception {
        ((ObjectNode) tsh.state.get("db_upstreams")).put(db, "127.0.0.1:" + port);
        tsh.save();
    }

    @Test
    void aDatabaseThatGoesAwayShowsUnreachableAndOkOnceAClientGetsThroughAgain() throws Exception {
        try (FerryCore core = new FerryCore(env, u -> { })) {
            int port = FreePorts.find();
            Tunnel t = core.tunnels().openNow(spec(port));
            assertThat(t.status()).isEqualTo(TunnelStatus.READY);
            assertThat(t.localAddress().getPort()).as("Ferry keeps the user's port").isEqualTo(port);
            assertThat(t.upstream()).as("no result before a client").isEmpty();

            assertThat(query(port, "select current_user")).isEqualTo(PostgresServer.TRUST_USER);
            Wait.until("upstream OK", () -> "upstream OK".equals(t.upstreamText(ZONE)));

            int closed = FreePorts.find(); // nothing listens there: the database is down
            upstream(closed);
            assertThatThrownBy(() -> query(port, "select 1")).isInstanceOf(SQLException.class)
                    .hasMessageContaining("failed to connect to").hasMessageContaining("connection refused");
            Wait.until("upstream unreachable", () -> t.upstreamFailing());
            assertThat(t.status()).as("it still listens").isEqualTo(TunnelStatus.READY);
            assertThat(t.upstream()).get().extracting(r -> r.reason()).isEqualTo(TunnelFailure.Reason.UNREACHABLE);
            assertThat(t.upstreamText(ZONE)).matches("upstream unreachable since \\d\\d:\\d\\d:\\d\\d: connection refused");
            assertThat(t.stats().snapshot().lastError()).contains("tsh proxy db for pg-local could not reach the database");
            String since = t.upstreamText(ZONE);
            assertThatThrownBy(() -> query(port, "select 1")).isInstanceOf(SQLException.class);
            assertThat(t.upstreamText(ZONE)).as("a run of failures keeps its first time").isEqualTo(since);

            upstream(pg.port());
            assertThat(query(port, "select 41 + 1")).isEqualTo("42");
            Wait.until("upstream OK again", () -> "upstream OK".equals(t.upstreamText(ZONE)));
            assertThat(t.upstreamFailing()).isFalse();
            assertThat(t.stats().snapshot().lastError()).as("the failure's last error went").isNull();
        }
    }

    @Test
    void aTshThatDiesShowsAsAFailingUpstreamWithoutAnyClient() throws Exception {
        Path pids = tsh.proxyPidFile();
        try (FerryCore core = new FerryCore(env, u -> { })) {
            int port = FreePorts.find();
            Tunnel t = core.tunnels().openNow(spec(port));
            assertThat(query(port, "select 1")).isEqualTo("1");
            long first = TshStub.pids(pids).get(0);
            ProcessHandle.of(first).orElseThrow().destroyForcibly();
            Wait.until("the tab says the upstream fails", () -> t.upstreamFailing());
            assertThat(t.upstreamText(ZONE)).startsWith("upstream unreachable since ").contains(": tsh stopped: ");
            // Restarted on its private port behind the same front: a client gets through and it clears.
            Wait.until("tsh runs again", () -> TshStub.pids(pids).size() == 2);
            assertThat(Wait.until("a client gets through again", () -> {
                try {
                    return query(port, "select current_user");
                } catch (SQLException e) {
                    return "";
                }
            }, PostgresServer.TRUST_USER::equals)).isEqualTo(PostgresServer.TRUST_USER);
            assertThat(t.localAddress().getPort()).isEqualTo(port);
            assertThat(t.upstreamText(ZONE)).isEqualTo("upstream OK");
        }
    }

    @Test
    void aMoveToATakenPortKeepsTheOldListenerAndAMoveToAFreeOneWorks() throws Exception {
        try (FerryCore core = new FerryCore(env, u -> { });
             ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = FreePorts.find();
            Tunnel t = core.tunnels().openNow(spec(port));
            assertThatThrownBy(() -> core.tunnels().changePort(t.id(), squatter.getLocalPort()).join())
                    .isInstanceOf(CompletionException.class).hasMessageContaining("It keeps listening on 127.0.0.1:" + port);
            assertThat(t.localAddress().getPort()).isEqualTo(port);
            assertThat(query(port, "select 1")).isEqualTo("1");

            int to = FreePorts.find();
            core.tunnels().changePort(t.id(), to).join();
            assertThat(t.localAddress().getPort()).isEqualTo(to);
            assertThat(FreePorts.isFree(port)).as("the old port was freed").isTrue();
            assertThat(query(to, "select 2")).isEqualTo("2");
            assertThat(t.upstreamText(ZONE)).isEqualTo("upstream OK");
        }
    }

    @Test
    void aTeleportTunnelIsRestoredOnTheSamePortBehindItsFront() throws Exception {
        int port;
        try (FerryCore first = new FerryCore(env, u -> { })) {
            port = first.tunnels().openNow(spec(0)).localAddress().getPort();
            assertThat(query(port, "select 1")).isEqualTo("1");
        }
        assertThat(FreePorts.isFree(port)).as("closing Ferry freed the port").isTrue();
        try (FerryCore second = new FerryCore(env, u -> { })) {
            var results = second.tunnels().restore();
            assertThat(results).hasSize(1);
            Tunnel t = results.get(0).join();
            assertThat(t.localAddress().getPort()).isEqualTo(port);
            assertThat(query(port, "select current_user")).isEqualTo(PostgresServer.TRUST_USER);
            assertThat(t.upstreamText(ZONE)).isEqualTo("upstream OK");
        }
    }

    /**
     * MySQL: Teleport's database service is stood in for by Ferry's own MySQL tunnel in front of the
     * real MariaDB (as in TeleportTunnelCliTest); taken away, the stand-in greets the client and
     * answers with an ERR packet, as Teleport's MySQL proxy does.
     */
    @Test
    void aMysqlDatabaseThatGoesAwayShowsUnreachableAndOkAgain() throws Exception {
        MariaDbServer maria = MariaDbServer.shared();
        try (MySqlTunnel service = MySqlTunnel.start(new MySqlTunnelConfig(0, "127.0.0.1", maria.port(),
                TlsMode.VERIFY_FULL, List.of(maria.caPem()), MariaDbServer.NATIVE_USER, MariaDbServer.DATABASE,
                PasswordSupplier.fixed(MariaDbServer.PASSWORD), null));
             FerryCore core = new FerryCore(env, u -> { })) {
            tsh.addRelayedDatabase("shop", "mysql", service.localAddress().getPort(), MariaDbServer.NATIVE_USER);
            Tunnel t = core.tunnels().openNow(TunnelSpec.database(workspaceFile.toAbsolutePath().toString(), "shop",
                    MariaDbServer.NATIVE_USER, MariaDbServer.DATABASE, FreePorts.find()));
            String url = "jdbc:mariadb://127.0.0.1:" + t.localAddress().getPort() + "/" + MariaDbServer.DATABASE
                    + "?user=" + MariaDbServer.NATIVE_USER + "&connectTimeout=10000";
            assertThat(query(url, "select 1")).isEqualTo("1");
            Wait.until("upstream OK", () -> "upstream OK".equals(t.upstreamText(ZONE)));

            upstream("shop", FreePorts.find());
            assertThatThrownBy(() -> query(url, "select 1")).isInstanceOf(SQLException.class)
                    .hasMessageContaining("connection refused");
            Wait.until("upstream unreachable", () -> t.upstreamFailing());
            assertThat(t.upstreamText(ZONE)).matches("upstream unreachable since \\d\\d:\\d\\d:\\d\\d: connection refused");
            assertThat(t.status()).isEqualTo(TunnelStatus.READY);

            upstream("shop", service.localAddress().getPort());
            assertThat(query(url, "select 41 + 1")).isEqualTo("42");
            Wait.until("upstream OK again", () -> "upstream OK".equals(t.upstreamText(ZONE)));
        }
    }
}
