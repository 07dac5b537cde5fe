package dev.ferry.tunnel.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.tunnel.mysql.MySqlTunnel;
import dev.ferry.tunnel.mysql.MySqlTunnelConfig;
import dev.ferry.tunnel.pg.PasswordSupplier;
import dev.ferry.tunnel.pg.PgTunnel;
import dev.ferry.tunnel.pg.PgTunnelConfig;
import dev.ferry.tunnel.pg.TlsMode;
import dev.ferry.tunnel.testsupport.MariaDbServer;
import dev.ferry.tunnel.testsupport.PostgresServer;
import dev.ferry.tunnel.testsupport.Processes;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * When the real database refuses the password the supplier gave (a rotated secret), the tunnel
 * tells the supplier, which fetches afresh for the next connection; the client sees the
 * database's own error. PostgreSQL and MariaDB.
 */
class RejectedPasswordTest {

    /** Gives a stale password until told it was refused, then the right one. */
    static final class Rotated implements PasswordSupplier {
        final AtomicInteger rejected = new AtomicInteger();

        @Override
        public String password(String dbUser, String dbName) {
            return rejected.get() == 0 ? "stale-password" : "s3cret-Pw";
        }

        @Override
        public void rejected(String dbUser, String dbName) {
            rejected.incrementAndGet();
        }
    }

    @Test
    void mysqlAccessDeniedRefreshesTheNextConnectionsPassword() throws Exception {
        MariaDbServer db = MariaDbServer.shared();
        Rotated supplier = new Rotated();
        try (MySqlTunnel t = MySqlTunnel.start(new MySqlTunnelConfig(0, "127.0.0.1", db.port(), TlsMode.VERIFY_FULL,
                List.of(db.caPem()), MariaDbServer.NATIVE_USER, MariaDbServer.DATABASE, supplier, Duration.ofSeconds(10)))) {
            List<String> cmd = List.of("mariadb", "--no-defaults", "-h", "127.0.0.1", "-P",
                    String.valueOf(t.localAddress().getPort()), "-u", "x", "-N", "-e", "select 42");
            var first = Processes.run(cmd, null, 60);
            assertThat(first.err()).contains("ERROR 1045");
            assertThat(supplier.rejected).hasValue(1);
            var second = Processes.run(cmd, null, 60);
            assertThat(second.exit()).as(second.err()).isZero();
            assertThat(second.out().strip()).isEqualTo("42");
            assertThat(supplier.rejected).hasValue(1);
        }
    }

    @Test
    void postgresInvalidPasswordRefreshesTheNextConnectionsPassword() throws Exception {
        PostgresServer pg = PostgresServer.shared();
        Rotated supplier = new Rotated();
        try (PgTunnel t = PgTunnel.start(new PgTunnelConfig(0, "127.0.0.1", pg.port(), TlsMode.VERIFY_FULL,
                List.of(pg.caPem()), PostgresServer.SCRAM_USER, PostgresServer.DATABASE, supplier,
                Duration.ofSeconds(10)))) {
            String url = "jdbc:postgresql://127.0.0.1:" + t.localAddress().getPort() + "/x?user=x&sslmode=disable";
            try (var c = DriverManager.getConnection(url)) {
                throw new AssertionError("logged in with a stale password");
            } catch (SQLException e) {
                assertThat(e.getSQLState()).isEqualTo("28P01");
            }
            assertThat(supplier.rejected).hasValue(1);
            try (var c = DriverManager.getConnection(url); var s = c.createStatement();
                 var rs = s.executeQuery("select current_user")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo(PostgresServer.SCRAM_USER);
            }
            assertThat(supplier.rejected).hasValue(1);
        }
    }
}
