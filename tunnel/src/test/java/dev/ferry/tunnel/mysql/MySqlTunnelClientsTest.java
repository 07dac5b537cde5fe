package dev.ferry.tunnel.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.tunnel.testsupport.MariaDbServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real clients (mariadb, mysqlslap, MariaDB and MySQL Connector/J) through the tunnel to a real MariaDB. */
class MySqlTunnelClientsTest {
    static MySqlFixture fx;
    static MySqlTunnel tunnel;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        fx = new MySqlFixture();
        tunnel = fx.tunnel();
        port = tunnel.localAddress().getPort();
    }

    @AfterAll
    static void stop() {
        tunnel.close();
    }

    @Test
    void mariadbClientLogsInAsTheTunnelUserOverTls() throws Exception {
        var r = MySqlFixture.run(MySqlFixture.mariadb(port, "-e",
                "select current_user(), database(); show session status like 'Ssl_version'"), null, 60);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith(MariaDbServer.NATIVE_USER + "@%\t" + MariaDbServer.DATABASE + "\n")
                .containsPattern("Ssl_version\tTLSv1\\.[23]");
    }
}
