package dev.ferry.tunnel.db;

import dev.ferry.tunnel.PortInUseException;
import dev.ferry.tunnel.TunnelStats;
import dev.ferry.tunnel.pg.PgStartWatch;
import dev.ferry.tunnel.testsupport.FreePorts;
import dev.ferry.tunnel.testsupport.PostgresServer;
import dev.ferry.tunnel.testsupport.Processes;
import dev.ferry.tunnel.testsupport.Wait;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The front Ferry keeps before a proxy it does not run itself, with the PostgreSQL watch, in
 * front of a real PostgreSQL 15 (standing in for {@code tsh proxy db --tunnel}, which relays to
 * the database the same way): bytes pass unchanged (even a TLS session the client starts with
 * the database), the first answer of each connection sets the upstream result, and a proxy that
 * is not there is told to the client as a PostgreSQL error.
 */
class FrontTunnelTest {
    static PostgresServer pg;
    FrontTunnel front;
    final TunnelStats stats = new TunnelStats();

    @BeforeAll
    static void startPostgres() {
        pg = PostgresServer.shared();
    }

    @AfterEach
    void close() {
        if (front != null) {
            front.close();
        }
    }

    FrontTunnel start(int targetPort) throws Exception {
        front = FrontTunnel.bind(0, "test", stats);
        front.serve(() -> new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort),
                e -> new TunnelFailure(TunnelFailure.Reason.UNREACHABLE, "ferry: the proxy is not running", "proxy not running"),
                o -> new PgStartWatch(o, "the test proxy"));
        return front;
    }

    String query(String database, String sql) throws SQLException {
        try (var c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + front.localAddress().getPort() + "/"
                + database + "?user=" + PostgresServer.TRUST_USER + "&sslmode=disable&connectTimeout=10");
             Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getString(1);
        }
    }

    @Test
    void aClientThatSignsInIsUpstreamOkAndItsBytesAreCounted() throws Exception {
        start(pg.port());
        assertThat(query(PostgresServer.DATABASE, "select repeat('x', 100000)")).hasSize(100000);
        assertThat(stats.upstream()).get().extracting(UpstreamResult::ok).isEqualTo(true);
        Wait.until("the connection is counted closed", () -> stats.snapshot().openConnections() == 0);
        assertThat(stats.snapshot().bytesToClient()).isGreaterThan(100000);
        assertThat(stats.snapshot().totalConnections()).isEqualTo(1);
    }

    @Test
    void theDatabasesOwnRefusalReachesTheClientUnchangedAndIsNotAnUpstreamFailure() throws Exception {
        start(pg.port());
        assertThatThrownBy(() -> query("no_such_db", "select 1")).isInstanceOf(SQLException.class)
                .hasMessageContaining("database \"no_such_db\" does not exist")
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("3D000");
        Wait.until("the refusal is the last error", () -> stats.snapshot().lastError() != null);
        assertThat(stats.snapshot().lastError()).isEqualTo(
                "ferry: the database refused the connection: 3D000 database \"no_such_db\" does not exist");
        assertThat(stats.upstream()).as("the database answered: not an upstream failure").isEmpty();
    }

    @Test
    void aTlsSessionWithTheDatabasePassesThroughUnchanged() throws Exception {
        start(pg.port());
        var r = Processes.run(List.of("psql", "host=127.0.0.1 port=" + front.localAddress().getPort() + " user="
                + PostgresServer.TRUST_USER + " dbname=" + PostgresServer.DATABASE + " sslmode=require connect_timeout=10",
                "-XAtc", "select ssl from pg_stat_ssl where pid = pg_backend_pid()"), null, 60);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().trim()).isEqualTo("t");
        assertThat(stats.upstream()).as("encrypted: nothing to read, so no result").isEmpty();
    }

    @Test
    void aProxyThatIsNotThereIsAPostgresErrorForAClientAndNothingForAPortProbe() throws Exception {
        int closed = FreePorts.find();
        start(closed);
        try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), front.localAddress().getPort())) {
            assertThat(probe.isConnected()).isTrue();
        }
        Wait.until("the probe's connection ended", () -> stats.snapshot().openConnections() == 0
                && stats.snapshot().totalConnections() == 1);
        assertThat(stats.upstream()).as("a port probe is no client").isEmpty();

        assertThatThrownBy(() -> query(PostgresServer.DATABASE, "select 1")).isInstanceOf(SQLException.class)
                .hasMessageContaining("ferry: the proxy is not running")
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("08001");
        assertThat(stats.upstream()).get().satisfies(u -> {
            assertThat(u.ok()).isFalse();
            assertThat(u.reason()).isEqualTo(TunnelFailure.Reason.UNREACHABLE);
            assertThat(u.cause()).isEqualTo("proxy not running");
        });
    }

    @Test
    void aTakenPortIsRefusedAtBind() throws Exception {
        start(pg.port());
        int taken = front.localAddress().getPort();
        assertThatThrownBy(() -> FrontTunnel.bind(taken, "test", new TunnelStats())).isInstanceOf(PortInUseException.class);
    }

    @Test
    void theInnermostCauseOfAChainedErrorIsItsLastPart() {
        assertThat(TunnelFailure.innermostCause("failed to connect to `host=db user=a database=b`: dial error "
                + "(dial tcp 10.0.0.5:5432: connect: connection refused)")).isEqualTo("connection refused");
        assertThat(TunnelFailure.innermostCause("access to db denied")).isEqualTo("access to db denied");
    }
}
