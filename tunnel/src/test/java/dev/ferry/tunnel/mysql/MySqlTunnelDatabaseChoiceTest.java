package dev.ferry.tunnel.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.tunnel.pg.PasswordSupplier;
import dev.ferry.tunnel.testsupport.MariaDbServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A MySQL tunnel without a db name: each client's own database choice (its HandshakeResponse)
 * reaches the real MariaDB, or none; with a db name the tunnel's wins. Real clients: mariadb,
 * MariaDB Connector/J, MySQL Connector/J.
 */
class MySqlTunnelDatabaseChoiceTest {
    static final String SECOND = "ferry_second";
    static MySqlFixture fx;
    static MySqlTunnel open;
    static MySqlTunnel fixed;

    @BeforeAll
    static void start() throws Exception {
        fx = new MySqlFixture();
        fx.db.sql("CREATE DATABASE IF NOT EXISTS " + SECOND + "; GRANT ALL ON " + SECOND + ".* TO "
                + MariaDbServer.NATIVE_USER + "@'%';");
        open = MySqlTunnel.start(fx.config(MariaDbServer.NATIVE_USER, PasswordSupplier.fixed(MariaDbServer.PASSWORD))
                .withDbName(null));
        fixed = fx.tunnel();
    }

    @AfterAll
    static void stop() {
        open.close();
        fixed.close();
    }

    private static String mariadb(MySqlTunnel t, String... database) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("mariadb", "--no-defaults", "-h", "127.0.0.1", "-P",
                String.valueOf(t.localAddress().getPort()), "-u", "nobody", "--connect-timeout=20", "-N", "-B"));
        cmd.addAll(List.of(database));
        cmd.addAll(List.of("-e", "select current_user(), ifnull(database(), 'NONE')"));
        var r = MySqlFixture.run(cmd, null, 60);
        assertThat(r.exit()).as(r.err()).isZero();
        return r.out().strip();
    }

    @Test
    void mariadbClientsOwnDatabaseIsHonouredWhenTheTunnelHasNone() throws Exception {
        assertThat(mariadb(open, SECOND)).isEqualTo(MariaDbServer.NATIVE_USER + "@%\t" + SECOND);
        assertThat(mariadb(open, MariaDbServer.DATABASE)).isEqualTo(MariaDbServer.NATIVE_USER + "@%\t"
                + MariaDbServer.DATABASE);
    }

    @Test
    void mariadbClientWithoutADatabaseGetsNone() throws Exception {
        assertThat(mariadb(open)).isEqualTo(MariaDbServer.NATIVE_USER + "@%\tNONE");
    }

    @Test
    void theTunnelsDbNameWinsOverTheClients() throws Exception {
        assertThat(mariadb(fixed, SECOND)).isEqualTo(MariaDbServer.NATIVE_USER + "@%\t" + MariaDbServer.DATABASE);
    }

    private static String database(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select ifnull(database(), 'NONE')")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void bothConnectorJsChooseTheirDatabaseOrNone() throws Exception {
        String base = "//127.0.0.1:" + open.localAddress().getPort() + "/";
        assertThat(database("jdbc:mariadb:" + base + SECOND + "?user=nobody")).isEqualTo(SECOND);
        assertThat(database("jdbc:mariadb:" + base + "?user=nobody")).isEqualTo("NONE");
        assertThat(database("jdbc:mysql:" + base + SECOND + "?user=nobody&sslMode=DISABLED")).isEqualTo(SECOND);
        assertThat(database("jdbc:mysql:" + base + "?user=nobody&sslMode=DISABLED")).isEqualTo("NONE");
    }

    @Test
    void unknownDatabaseOfTheClientIsTheServersOwnError() throws Exception {
        List<String> cmd = List.of("mariadb", "--no-defaults", "-h", "127.0.0.1", "-P",
                String.valueOf(open.localAddress().getPort()), "-u", "nobody", "--connect-timeout=20", "nosuchdb",
                "-e", "select 1");
        var r = MySqlFixture.run(cmd, null, 60);
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("1044").contains("nosuchdb");
    }

    @Test
    void laterConnectionsResumeTheUpstreamTlsSession() throws Exception {
        MySqlTunnel t = MySqlTunnel.start(fx.config(MariaDbServer.NATIVE_USER,
                dev.ferry.tunnel.pg.PasswordSupplier.fixed(MariaDbServer.PASSWORD)));
        try {
            for (int i = 0; i < 3; i++) {
                assertThat(mariadb(t)).endsWith(MariaDbServer.DATABASE);
            }
            assertThat(t.upstream().fullHandshakes()).isEqualTo(1);
            assertThat(t.upstream().resumedHandshakes()).isEqualTo(2);
        } finally {
            t.close();
        }
    }
}
