package dev.ferry.tunnel.pg;

import dev.ferry.tunnel.testsupport.PostgresServer;
import dev.ferry.tunnel.testsupport.Processes;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Shared helpers for tunnel tests: tunnels to the shared test PostgreSQL, psql and JDBC clients. */
final class TunnelFixture {
    final PostgresServer pg = PostgresServer.shared();

    private TunnelFixture() {
    }

    static TunnelFixture get() {
        return new TunnelFixture();
    }

    PgTunnelConfig config(String user, PasswordSupplier passwords) {
        return new PgTunnelConfig(0, "127.0.0.1", pg.port(), TlsMode.VERIFY_FULL, List.of(pg.caPem()),
                user, PostgresServer.DATABASE, passwords, Duration.ofSeconds(10));
    }

    PgTunnel tunnel(String user) throws IOException {
        return PgTunnel.start(config(user, PasswordSupplier.fixed(PostgresServer.PASSWORD)));
    }

    static Connection jdbc(PgTunnel t, String extra) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + t.localAddress().getPort()
                + "/clientdb?user=clientuser&connectTimeout=20" + extra);
    }

    /** Connecting through the tunnel fails with this SQLSTATE and a message holding all fragments. */
    static void assertRefused(PgTunnel t, String sqlState, String... fragments) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> jdbc(t, "").close())
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    org.assertj.core.api.Assertions.assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo(sqlState);
                    org.assertj.core.api.Assertions.assertThat(e.getMessage()).contains(fragments);
                });
    }

    static List<String> psql(int port, String user, String db, String... args) {
        List<String> cmd = new ArrayList<>(List.of("psql", "-X", "-At", "-v", "ON_ERROR_STOP=1",
                "host=127.0.0.1 port=" + port + " user=" + user + " dbname=" + db + " connect_timeout=20"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    static Processes.Result run(List<String> command, String stdin, int timeoutSeconds) throws Exception {
        return Processes.run(command, stdin, timeoutSeconds);
    }
}
