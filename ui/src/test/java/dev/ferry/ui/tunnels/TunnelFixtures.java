package dev.ferry.ui.tunnels;

import dev.ferry.app.FerryCore;
import dev.ferry.app.tunnels.Tunnel;
import dev.ferry.tunnel.testsupport.PostgresServer;
import dev.ferry.tunnel.testsupport.Wait;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** A workspace with the test PostgreSQL and an AWS app, and the tunnel UI tests' own helpers. */
public final class TunnelFixtures {
    public static final String ROLE_ARN = "arn:aws:iam::123456789012:role/ReadOnly";

    private TunnelFixtures() {
    }

    /**
     * Database "orders" at the shared PostgreSQL (TLS verified with its CA), users u_trust,
     * any database name; app "aws-dev" (account 123456789012) with two roles.
     */
    public static Path workspace(Path dir, PostgresServer pg) throws IOException {
        return workspace(dir, pg, pg.port());
    }

    /** As {@link #workspace(Path, PostgresServer)}, with "orders" at localhost:{@code dbPort} (a relay, or nothing). */
    public static Path workspace(Path dir, PostgresServer pg, int dbPort) throws IOException {
        String yaml = """
                name: tunnels
                user: alice
                aws:
                  region: us-east-1
                apps:
                  - name: aws-dev
                    description: Development account
                    uri: https://console.aws.amazon.com/
                    labels: {aws_account_id: "123456789012", env: dev}
                databases:
                  - name: orders
                    description: Orders PostgreSQL
                    protocol: postgres
                    uri: localhost:%1$d
                    labels: {env: dev}
                    tls: {mode: verify-full, ca_cert_file: %2$s}
                roles:
                  - name: devs
                    allow:
                      app_labels: {env: dev}
                      aws_role_arns:
                        - %3$s
                        - arn:aws:iam::123456789012:role/Admin
                      db_labels: {'*': '*'}
                      db_users: [%4$s]
                      db_names: ['*']
                """.formatted(dbPort, pg.caPem(), ROLE_ARN, PostgresServer.TRUST_USER);
        Path f = dir.resolve("tunnels.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    /** The one tunnel the core has, once it has one. */
    public static Tunnel onlyTunnel(FerryCore core) {
        return Wait.until("the core has one tunnel", () -> core.tunnels().tunnels(), l -> l.size() == 1).get(0);
    }

    /** Runs a query through a JDBC URL and returns the first column of the first row. */
    public static String query(String jdbcUrl, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    public static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
