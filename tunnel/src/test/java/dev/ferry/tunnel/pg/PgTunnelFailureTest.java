package dev.ferry.tunnel.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.tunnel.PortInUseException;
import dev.ferry.tunnel.testsupport.FreePorts;
import dev.ferry.tunnel.testsupport.PostgresServer;
import dev.ferry.tunnel.testsupport.Wait;
import java.io.DataOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What clients see when something goes wrong, and that one bad client does not hurt others. */
class PgTunnelFailureTest {
    final TunnelFixture fx = TunnelFixture.get();

    @Test
    void upstreamDownIs08001WithTheAddress() throws Exception {
        int deadPort = FreePorts.find();
        var config = new PgTunnelConfig(0, "127.0.0.1", deadPort, TlsMode.VERIFY_FULL, List.of(),
                "u", "d", PasswordSupplier.none(), Duration.ofSeconds(5));
        try (PgTunnel t = PgTunnel.start(config)) {
            TunnelFixture.assertRefused(t, "08001", "ferry: upstream unreachable (127.0.0.1:" + deadPort + ")");
            var r = TunnelFixture.run(TunnelFixture.psql(t.localAddress().getPort(), "a", "b", "-c", "select 1"),
                    null, 60);
            assertThat(r.exit()).isNotZero();
            assertThat(r.err()).contains("FATAL:  ferry: upstream unreachable (127.0.0.1:" + deadPort + ")");
            var s = t.stats().snapshot();
            assertThat(s.lastError()).contains("upstream unreachable");
            assertThat(s.totalConnections()).isGreaterThanOrEqualTo(2);
            awaitOpenConnections(t, 0);
        }
    }

    @Test
    void unknownHostIs08001() throws Exception {
        var config = new PgTunnelConfig(0, "no-such-host.invalid", 5432, TlsMode.VERIFY_FULL, List.of(),
                "u", "d", PasswordSupplier.none(), Duration.ofSeconds(5));
        try (PgTunnel t = PgTunnel.start(config)) {
            TunnelFixture.assertRefused(t, "08001", "unknown host no-such-host.invalid");
        }
    }

    @Test
    void untrustedServerCertificateFailsVerification() throws Exception {
        var config = fx.config(PostgresServer.TRUST_USER, PasswordSupplier.none()).withTls(TlsMode.VERIFY_FULL, List.of());
        try (PgTunnel t = PgTunnel.start(config)) {
            TunnelFixture.assertRefused(t, "08006", "ferry: TLS verification failed (127.0.0.1:" + fx.pg.port()
                    + "): the server certificate is not signed by a trusted CA");
        }
        // VERIFY_CA does not help without the CA either; INSECURE connects
        try (PgTunnel t = PgTunnel.start(config.withTls(TlsMode.VERIFY_CA, List.of()))) {
            assertThatThrownBy(() -> TunnelFixture.jdbc(t, "").close()).hasMessageContaining("not signed by a trusted CA");
        }
        try (PgTunnel t = PgTunnel.start(config.withTls(TlsMode.INSECURE, List.of()))) {
            assertQueryWorks(t);
        }
    }

    @Test
    void hostNameMismatchFailsOnlyUnderVerifyFull() throws Exception {
        // the server certificate names localhost and 127.0.0.1, not 127.0.0.2 (where the server also listens)
        var config = new PgTunnelConfig(0, "127.0.0.2", fx.pg.port(), TlsMode.VERIFY_FULL, List.of(fx.pg.caPem()),
                PostgresServer.TRUST_USER, PostgresServer.DATABASE, PasswordSupplier.none(), Duration.ofSeconds(5));
        try (PgTunnel t = PgTunnel.start(config)) {
            TunnelFixture.assertRefused(t, "08006", "ferry: TLS verification failed (127.0.0.2:",
                    "does not match the host name 127.0.0.2");
        }
        try (PgTunnel t = PgTunnel.start(config.withTls(TlsMode.VERIFY_CA, List.of(fx.pg.caPem())))) {
            assertQueryWorks(t);
        }
        var byName = new PgTunnelConfig(0, "localhost", fx.pg.port(), TlsMode.VERIFY_FULL, List.of(fx.pg.caPem()),
                PostgresServer.TRUST_USER, PostgresServer.DATABASE, PasswordSupplier.none(), Duration.ofSeconds(5));
        try (PgTunnel t = PgTunnel.start(byName)) {
            assertQueryWorks(t);
        }
    }

    @Test
    void plaintextOnlyUpstreamIsRefused() throws Exception {
        // a fake server that answers the SSLRequest with 'N'
        try (ServerSocket fake = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
            Thread server = new Thread(() -> {
                try (Socket s = fake.accept()) {
                    s.getInputStream().readNBytes(8);
                    s.getOutputStream().write('N');
                    s.getInputStream().read();
                } catch (Exception ignored) {
                    // test peer
                }
            });
            server.start();
            var config = new PgTunnelConfig(0, "127.0.0.1", fake.getLocalPort(), TlsMode.VERIFY_FULL, List.of(),
                    "u", "d", PasswordSupplier.none(), Duration.ofSeconds(5));
            try (PgTunnel t = PgTunnel.start(config)) {
                TunnelFixture.assertRefused(t, "08001", "does not accept TLS connections");
            }
            server.join(10_000);
        }
    }

    @Test
    void malformedStartupPacketsCloseOnlyThatConnection() throws Exception {
        try (PgTunnel t = PgTunnel.start(fx.config(PostgresServer.TRUST_USER, PasswordSupplier.none()));
             Connection healthy = TunnelFixture.jdbc(t, "")) {
            int port = t.localAddress().getPort();
            assertClosedAfter(port, ByteBuffer.allocate(8).putInt(20_000).putInt(196608).array()); // oversized
            assertClosedAfter(port, ByteBuffer.allocate(8).putInt(4).putInt(0).array());           // too short
            assertClosedAfter(port, ByteBuffer.allocate(8).putInt(8).putInt(0x00020000).array());  // protocol 2.0
            assertClosedAfter(port, ByteBuffer.allocate(12).putInt(12).putInt(196608)              // unterminated
                    .put(new byte[] {'u', 's', 'e', 'r'}).array());
            assertClosedAfter(port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
            assertThat(t.stats().snapshot().lastError()).contains("malformed startup packet");
            try (ResultSet rs = healthy.createStatement().executeQuery("select 2")) {
                assertThat(rs.next()).isTrue();
            }
            assertQueryWorks(t);
        }
    }

    @Test
    void portAlreadyInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            var config = new PgTunnelConfig(taken.getLocalPort(), "127.0.0.1", fx.pg.port(), TlsMode.VERIFY_FULL,
                    List.of(), "u", "d", PasswordSupplier.none(), null);
            assertThatThrownBy(() -> PgTunnel.start(config))
                    .isInstanceOfSatisfying(PortInUseException.class, e -> {
                        assertThat(e.port()).isEqualTo(taken.getLocalPort());
                        assertThat(e.getMessage()).contains("already in use");
                    });
        }
    }

    @Test
    void listensOnLoopbackOnlyAndCountsConnectionsAndBytes() throws Exception {
        try (PgTunnel t = PgTunnel.start(fx.config(PostgresServer.TRUST_USER, PasswordSupplier.none()))) {
            assertThat(t.localAddress().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
            try (Connection c = TunnelFixture.jdbc(t, "")) {
                assertThat(t.stats().snapshot().openConnections()).isEqualTo(1);
                try (ResultSet rs = c.createStatement().executeQuery("select repeat('y', 100000)")) {
                    assertThat(rs.next()).isTrue();
                }
            }
            var s = t.stats().snapshot();
            assertThat(s.totalConnections()).isEqualTo(1);
            assertThat(s.bytesToClient()).isGreaterThan(100_000);
            assertThat(s.bytesFromClient()).isGreaterThan(20);
            awaitOpenConnections(t, 0);
        }
    }

    @Test
    void closingTheTunnelFreesThePortAndEndsConnections() throws Exception {
        PgTunnel t = PgTunnel.start(fx.config(PostgresServer.TRUST_USER, PasswordSupplier.none()));
        int port = t.localAddress().getPort();
        Connection c = TunnelFixture.jdbc(t, "");
        t.close();
        assertThatThrownBy(() -> c.createStatement().executeQuery("select 1")).isInstanceOf(SQLException.class);
        c.close();
        try (PgTunnel again = PgTunnel.start(new PgTunnelConfig(port, "127.0.0.1", fx.pg.port(), TlsMode.VERIFY_FULL,
                List.of(fx.pg.caPem()), PostgresServer.TRUST_USER, PostgresServer.DATABASE, null, null))) {
            assertThat(again.localAddress().getPort()).isEqualTo(port);
            assertQueryWorks(again);
        }
    }

    private static void assertClosedAfter(int port, byte[] packet) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            new DataOutputStream(s.getOutputStream()).write(packet);
            InputStream in = s.getInputStream();
            assertThat(in.read()).as("the tunnel closes the connection").isEqualTo(-1);
        }
    }

    private static void assertQueryWorks(PgTunnel t) throws SQLException {
        try (Connection c = TunnelFixture.jdbc(t, ""); ResultSet rs = c.createStatement().executeQuery("select 1")) {
            assertThat(rs.next()).isTrue();
        }
    }

    private static void awaitOpenConnections(PgTunnel t, long expected) throws InterruptedException {
        Wait.until(expected + " open connections", () -> t.stats().snapshot().openConnections() == expected);
    }
}
