package dev.ferry.tunnel.mysql;

import static org.awaitility.Awaitility.await;

import dev.ferry.tunnel.pg.PasswordSupplier;
import dev.ferry.tunnel.pg.TlsMode;
import dev.ferry.tunnel.testsupport.MariaDbServer;
import dev.ferry.tunnel.testsupport.Processes;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Shared helpers for the MySQL tunnel tests: tunnels to the shared test MariaDB, its clients and JDBC. */
final class MySqlFixture {
    /** How long a test waits for a condition (a query to start, a connection to close). */
    static final Duration WAIT = Duration.ofSeconds(30);

    final MariaDbServer db = MariaDbServer.shared();

    MySqlTunnelConfig config(String user, PasswordSupplier passwords) {
        return new MySqlTunnelConfig(0, "127.0.0.1", db.port(), TlsMode.VERIFY_FULL, List.of(db.caPem()),
                user, MariaDbServer.DATABASE, passwords, Duration.ofSeconds(10));
    }

    MySqlTunnel tunnel() throws IOException {
        return MySqlTunnel.start(config(MariaDbServer.NATIVE_USER, PasswordSupplier.fixed(MariaDbServer.PASSWORD)));
    }

    /** The mariadb client through the tunnel, as a user with no password and a database of its own choice. */
    static List<String> mariadb(int port, String... args) {
        List<String> cmd = new ArrayList<>(List.of("mariadb", "--no-defaults", "-h", "127.0.0.1", "-P",
                String.valueOf(port), "-u", "nobody", "--connect-timeout=20", "-N", "-B", "otherdb"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    static Processes.Result run(List<String> command, String stdin, int timeoutSeconds) throws Exception {
        return Processes.run(command, stdin, timeoutSeconds);
    }

    static Connection mariadbJdbc(MySqlTunnel t, String extra) throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + t.localAddress().getPort()
                + "/otherdb?user=nobody&connectTimeout=20000" + extra);
    }

    static Connection mysqlJdbc(MySqlTunnel t, String extra) throws SQLException {
        return DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + t.localAddress().getPort()
                + "/otherdb?user=nobody&sslMode=DISABLED&connectTimeout=20000" + extra);
    }

    /** Waits until a statement holding the fragment runs on the server (another session's). */
    void awaitRunning(String fragment) {
        await("query " + fragment + " running").atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() ->
                !db.sql("select count(*) from information_schema.processlist where command = 'Query' and info like '%"
                        + fragment + "%' and id <> connection_id()").equals("0"));
    }

    static void awaitOpenConnections(MySqlTunnel t, long expected) {
        await("open tunnel connections = " + expected).atMost(WAIT).pollInterval(Duration.ofMillis(10))
                .until(() -> t.stats().snapshot().openConnections() == expected);
    }
}
