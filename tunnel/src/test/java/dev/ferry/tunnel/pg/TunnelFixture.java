package dev.ferry.tunnel.pg;

import dev.ferry.tunnel.testsupport.PostgresServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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

    /** Result of a finished process. */
    record Result(int exit, String out, String err) {
    }

    static List<String> psql(int port, String user, String db, String... args) {
        List<String> cmd = new ArrayList<>(List.of("psql", "-X", "-At", "-v", "ON_ERROR_STOP=1",
                "host=127.0.0.1 port=" + port + " user=" + user + " dbname=" + db + " connect_timeout=20"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    static Result run(List<String> command, String stdin, int timeoutSeconds) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("PGPASSWORD");
        Process p = pb.start();
        var err = new java.io.ByteArrayOutputStream();
        Thread errReader = new Thread(() -> {
            try {
                p.getErrorStream().transferTo(err);
            } catch (IOException ignored) {
                // process ended
            }
        });
        errReader.start();
        Thread writer = new Thread(() -> {
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException ignored) {
                // process ended
            }
        });
        writer.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("Timed out: " + command);
        }
        errReader.join();
        writer.join();
        return new Result(p.exitValue(), out.strip(), err.toString(StandardCharsets.UTF_8).strip());
    }
}
