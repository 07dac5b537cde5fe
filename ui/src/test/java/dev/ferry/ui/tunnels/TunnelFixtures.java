package dev.ferry.ui.tunnels;

import dev.ferry.app.FerryCore;
import dev.ferry.app.tunnels.Tunnel;
import dev.ferry.app.tunnels.TunnelStatus;
import dev.ferry.tunnel.testsupport.PostgresServer;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.TextInputControl;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** A workspace with the test PostgreSQL and an AWS app, and helpers for tunnel UI tests. */
public final class TunnelFixtures {
    public static final String ROLE_ARN = "arn:aws:iam::123456789012:role/ReadOnly";

    private TunnelFixtures() {
    }

    /**
     * Database "orders" at the shared PostgreSQL (TLS verified with its CA), users u_trust,
     * any database name; app "aws-dev" (account 123456789012) with two roles.
     */
    public static Path workspace(Path dir, PostgresServer pg) throws IOException {
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
                """.formatted(pg.port(), pg.caPem(), ROLE_ARN, PostgresServer.TRUST_USER);
        Path f = dir.resolve("tunnels.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    /**
     * Clicks the visible, attached node of a query. A list may re-render its cells while the
     * robot moves there (the node is then detached); the click is retried on a fresh lookup,
     * a bounded number of times.
     */
    public static void clickVisible(FxRobot robot, String query) throws Exception {
        RuntimeException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            waitUntil(() -> robot.lookup(query).queryAll().stream().anyMatch(n -> n.getScene() != null && n.isVisible()));
            Node node = fx(() -> robot.lookup(query).queryAll().stream()
                    .filter(n -> n.getScene() != null && n.isVisible()).findFirst().orElse(null));
            if (node == null) {
                continue;
            }
            try {
                robot.clickOn(node);
                return;
            } catch (RuntimeException detachedWhileMoving) {
                last = detachedWhileMoving;
            }
        }
        throw new AssertionError("could not click " + query, last);
    }

    public static <T> T fx(Callable<T> c) throws Exception {
        if (javafx.application.Platform.isFxApplicationThread()) {
            return c.call();
        }
        return WaitForAsyncUtils.asyncFx(c).get(15, TimeUnit.SECONDS);
    }

    public static void waitUntil(Callable<Boolean> condition) throws Exception {
        WaitForAsyncUtils.waitFor(40, TimeUnit.SECONDS, () -> fx(condition));
    }

    public static Tunnel onlyTunnel(FerryCore core) throws Exception {
        waitUntil(() -> core.tunnels().tunnels().size() == 1);
        return core.tunnels().tunnels().get(0);
    }

    public static void waitForStatus(Tunnel t, TunnelStatus s) throws Exception {
        try {
            WaitForAsyncUtils.waitFor(40, TimeUnit.SECONDS, () -> t.status() == s);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("expected " + s + " but " + t + " last error: " + t.lastError(), e);
        }
    }

    /** The text of a node inside a tunnel's tab. */
    public static String text(FxRobot robot, TunnelView view, String id) throws Exception {
        return fx(() -> {
            Node n = robot.from(view).lookup(id).query();
            return n instanceof Label l ? l.getText() : ((TextInputControl) n).getText();
        });
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

    public static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
