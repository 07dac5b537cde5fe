package dev.ferry.tunnel.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ferry.tunnel.PortInUseException;
import dev.ferry.tunnel.pg.CredentialException;
import dev.ferry.tunnel.pg.PasswordSupplier;
import dev.ferry.tunnel.pg.TlsMode;
import dev.ferry.tunnel.testsupport.FreePorts;
import dev.ferry.tunnel.testsupport.MariaDbServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What MySQL clients see when something goes wrong, and that one bad client does not hurt the others. */
class MySqlTunnelFailureTest {
    final MySqlFixture fx = new MySqlFixture();

    @Test
    void upstreamDownIsAnErrPacketNamingTheAddress() throws Exception {
        int deadPort = FreePorts.find();
        var config = new MySqlTunnelConfig(0, "127.0.0.1", deadPort, TlsMode.VERIFY_FULL, List.of(), "u", "d",
                PasswordSupplier.none(), Duration.ofSeconds(5));
        String message = "ferry: upstream unreachable (127.0.0.1:" + deadPort + ")";
        try (MySqlTunnel t = MySqlTunnel.start(config)) {
            var r = MySqlFixture.run(MySqlFixture.mariadb(t.localAddress().getPort(), "-e", "select 1"), null, 60);
            assertThat(r.exit()).isNotZero();
            assertThat(r.err()).contains("ERROR 1043 (08001): " + message);
            assertRefused(t, message);
            assertThat(t.stats().snapshot().lastError()).contains("upstream unreachable");
            MySqlFixture.awaitOpenConnections(t, 0);
        }
    }

    @Test
    void unknownHost() throws Exception {
        var config = new MySqlTunnelConfig(0, "no-such-host.invalid", 3306, TlsMode.VERIFY_FULL, List.of(), "u", "d",
                PasswordSupplier.none(), Duration.ofSeconds(5));
        try (MySqlTunnel t = MySqlTunnel.start(config)) {
            assertRefused(t, "ferry: upstream unreachable (no-such-host.invalid:3306): unknown host");
        }
    }

    @Test
    void untrustedCertificateFailsVerificationUnlessInsecure() throws Exception {
        var config = fx.config(MariaDbServer.NATIVE_USER, PasswordSupplier.fixed(MariaDbServer.PASSWORD))
                .withTls(TlsMode.VERIFY_FULL, List.of());
        try (MySqlTunnel t = MySqlTunnel.start(config)) {
            var r = MySqlFixture.run(MySqlFixture.mariadb(t.localAddress().getPort(), "-e", "select 1"), null, 60);
            assertThat(r.err()).contains("ERROR 1043 (08001): ferry: TLS verification failed (127.0.0.1:"
                    + fx.db.port() + "): the server certificate is not signed by a trusted CA");
            assertRefused(t, "ferry: TLS verification failed");
        }
        try (MySqlTunnel t = MySqlTunnel.start(config.withTls(TlsMode.INSECURE, List.of()))) {
            assertQueryWorks(t);
        }
    }

    @Test
    void hostNameMismatchFailsOnlyUnderVerifyFull() throws Exception {
        var config = new MySqlTunnelConfig(0, "127.0.0.2", fx.db.port(), TlsMode.VERIFY_FULL, List.of(fx.db.caPem()),
                MariaDbServer.NATIVE_USER, MariaDbServer.DATABASE, PasswordSupplier.fixed(MariaDbServer.PASSWORD), null);
        try (MySqlTunnel t = MySqlTunnel.start(config)) {
            assertRefused(t, "ferry: TLS verification failed (127.0.0.2:", "does not match the host name 127.0.0.2");
        }
        try (MySqlTunnel t = MySqlTunnel.start(config.withTls(TlsMode.VERIFY_CA, List.of(fx.db.caPem())))) {
            assertQueryWorks(t);
        }
    }

    @Test
    void credentialsThatCannotBeObtainedAreAccessDenied() throws Exception {
        PasswordSupplier broken = (user, db) -> {
            throw new CredentialException("the AWS profile acme has expired; run aws sso login");
        };
        try (MySqlTunnel t = MySqlTunnel.start(fx.config(MariaDbServer.NATIVE_USER, broken))) {
            var r = MySqlFixture.run(MySqlFixture.mariadb(t.localAddress().getPort(), "-e", "select 1"), null, 60);
            assertThat(r.err()).contains("ERROR 1045 (28000): ferry: credentials could not be obtained: "
                    + "the AWS profile acme has expired; run aws sso login");
            assertThatThrownBy(() -> MySqlFixture.mariadbJdbc(t, "").close()).isInstanceOfSatisfying(
                    SQLException.class, e -> {
                        assertThat(e.getErrorCode()).isEqualTo(1045);
                        assertThat(e.getMessage()).contains("ferry: credentials could not be obtained");
                    });
        }
    }

    @Test
    void theDatabasesOwnAuthErrorPassesThrough() throws Exception {
        try (MySqlTunnel t = MySqlTunnel.start(fx.config(MariaDbServer.NATIVE_USER, PasswordSupplier.fixed("wrong")))) {
            var r = MySqlFixture.run(MySqlFixture.mariadb(t.localAddress().getPort(), "-e", "select 1"), null, 60);
            assertThat(r.err()).contains("ERROR 1045 (28000): Access denied for user '" + MariaDbServer.NATIVE_USER
                    + "'@'localhost' (using password: YES)").doesNotContain("ferry:");
            assertThatThrownBy(() -> MySqlFixture.mysqlJdbc(t, "").close()).isInstanceOfSatisfying(
                    SQLException.class, e -> {
                        assertThat(e.getSQLState()).isEqualTo("28000");
                        assertThat(e.getMessage()).contains("Access denied");
                    });
            assertThat(t.stats().snapshot().lastError()).contains("the database refused the login of "
                    + MariaDbServer.NATIVE_USER + ": 1045 (28000)");
        }
    }

    @Test
    void malformedHandshakesGetAnErrorAndTheTunnelKeepsServing() throws Exception {
        try (MySqlTunnel t = fx.tunnel(); Connection healthy = MySqlFixture.mariadbJdbc(t, "")) {
            int port = t.localAddress().getPort();
            String bad = "ferry: bad handshake from the client";
            assertErrAfterGreeting(port, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 1}, bad); // 16 MB packet
            assertErrAfterGreeting(port, packet(1, new byte[] {1, 2, 3}), bad);                         // truncated
            assertErrAfterGreeting(port, packet(7, new byte[40]), bad);                                 // wrong sequence
            assertErrAfterGreeting(port, packet(1, new byte[] {0, 0, 0, 0, 0, 0, 0, 0}), bad);          // pre-4.1
            assertErrAfterGreeting(port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII), bad);
            byte[] sslRequest = new byte[32];
            sslRequest[1] = (byte) ((MySqlWire.CLIENT_SSL | MySqlWire.CLIENT_PROTOCOL_41) >>> 8);
            assertErrAfterGreeting(port, packet(1, sslRequest), "does not offer TLS");
            try (Socket probe = new Socket("127.0.0.1", port)) { // connects, reads the greeting, leaves
                MySqlWire.read(probe.getInputStream(), 1 << 16);
            }
            assertThat(t.stats().snapshot().lastError()).contains("does not offer TLS");
            try (ResultSet rs = healthy.createStatement().executeQuery("select 2")) {
                assertThat(rs.next()).isTrue();
            }
            assertQueryWorks(t);
            MySqlFixture.awaitOpenConnections(t, 1);
        }
    }

    @Test
    void plaintextOnlyUpstreamIsRefusedBeforeAnyLoginIsSent() throws Exception {
        // a server (or a man in the middle) that leaves CLIENT_SSL out of its greeting
        var greeting = new MySqlWire.Greeting("8.0.36".getBytes(StandardCharsets.US_ASCII), 7,
                "abcdefghijklmnopqrst".getBytes(StandardCharsets.US_ASCII), MySqlWire.CLIENT_LONG_PASSWORD
                | MySqlWire.CLIENT_PROTOCOL_41 | MySqlWire.CLIENT_SECURE_CONNECTION | MySqlWire.CLIENT_PLUGIN_AUTH,
                255, 2, 0, MySqlAuth.CLEAR);
        try (FakeUpstream fake = new FakeUpstream(MySqlWire.packet(0, greeting.encode()))) {
            var config = new MySqlTunnelConfig(0, "127.0.0.1", fake.port(), TlsMode.INSECURE, List.of(),
                    "iam_user", "d", PasswordSupplier.fixed("token-that-must-not-leak"), Duration.ofSeconds(5));
            try (MySqlTunnel t = MySqlTunnel.start(config)) {
                assertRefused(t, "ferry: the database at 127.0.0.1:" + fake.port()
                        + " does not accept TLS connections; the tunnel only connects over TLS");
                await().atMost(MySqlFixture.WAIT).until(() -> fake.received().size() == 2);
            }
            assertThat(fake.received()).allSatisfy(bytes -> assertThat(bytes).isEmpty()); // not even a login
        }
    }

    @Test
    void anErrorInPlaceOfTheGreetingPassesThrough() throws Exception {
        byte[] tooMany = MySqlWire.err(1040, "08004", "Too many connections", false);
        try (FakeUpstream fake = new FakeUpstream(MySqlWire.packet(0, tooMany))) {
            var config = new MySqlTunnelConfig(0, "127.0.0.1", fake.port(), TlsMode.VERIFY_FULL, List.of(),
                    "u", "d", PasswordSupplier.none(), Duration.ofSeconds(5));
            try (MySqlTunnel t = MySqlTunnel.start(config)) {
                var r = MySqlFixture.run(MySqlFixture.mariadb(t.localAddress().getPort(), "-e", "select 1"), null, 60);
                assertThat(r.err()).contains("1040").contains("Too many connections").doesNotContain("ferry:");
                assertRefused(t, "Too many connections");
            }
        }
    }

    @Test
    void aServerThatNeverGreetsTimesOut() throws Exception {
        try (FakeUpstream silent = new FakeUpstream(new byte[0])) {
            var config = new MySqlTunnelConfig(0, "127.0.0.1", silent.port(), TlsMode.VERIFY_FULL, List.of(),
                    "u", "d", PasswordSupplier.none(), Duration.ofSeconds(1));
            try (MySqlTunnel t = MySqlTunnel.start(config)) {
                assertRefused(t, "sent no MySQL greeting within 1.0 s");
            }
        }
    }

    @Test
    void portAlreadyInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            var config = new MySqlTunnelConfig(taken.getLocalPort(), "127.0.0.1", fx.db.port(), null, null, "u",
                    null, null, null);
            assertThatThrownBy(() -> MySqlTunnel.start(config)).isInstanceOfSatisfying(PortInUseException.class,
                    e -> assertThat(e.port()).isEqualTo(taken.getLocalPort()));
        }
    }

    @Test
    void listensOnLoopbackOnlyAndCountsBytes() throws Exception {
        try (MySqlTunnel t = fx.tunnel()) {
            assertThat(t.localAddress().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
            try (Connection c = MySqlFixture.mariadbJdbc(t, "");
                 ResultSet rs = c.createStatement().executeQuery("select repeat('y', 100000)")) {
                assertThat(rs.next()).isTrue();
                assertThat(t.stats().snapshot().openConnections()).isEqualTo(1);
            }
            var s = t.stats().snapshot();
            assertThat(s.totalConnections()).isEqualTo(1);
            assertThat(s.bytesToClient()).isGreaterThan(100_000);
            assertThat(s.bytesFromClient()).isGreaterThan(20);
            MySqlFixture.awaitOpenConnections(t, 0);
        }
    }

    @Test
    void closingTheTunnelEndsConnectionsAndFreesThePort() throws Exception {
        MySqlTunnel t = fx.tunnel();
        int port = t.localAddress().getPort();
        Connection c = MySqlFixture.mariadbJdbc(t, "");
        t.close();
        assertThatThrownBy(() -> c.createStatement().executeQuery("select 1")).isInstanceOf(SQLException.class);
        c.close();
        try (MySqlTunnel again = MySqlTunnel.start(new MySqlTunnelConfig(port, "127.0.0.1", fx.db.port(),
                TlsMode.VERIFY_FULL, List.of(fx.db.caPem()), MariaDbServer.NATIVE_USER, MariaDbServer.DATABASE,
                PasswordSupplier.fixed(MariaDbServer.PASSWORD), null))) {
            assertQueryWorks(again);
        }
    }

    /** Both JDBC drivers fail to connect with a message holding all fragments. */
    private static void assertRefused(MySqlTunnel t, String... fragments) {
        for (int driver = 0; driver < 2; driver++) {
            boolean mysql = driver == 0;
            assertThatThrownBy(() -> (mysql ? MySqlFixture.mysqlJdbc(t, "") : MySqlFixture.mariadbJdbc(t, "")).close())
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getMessage()).contains(fragments));
        }
    }

    private static void assertQueryWorks(MySqlTunnel t) throws SQLException {
        try (Connection c = MySqlFixture.mysqlJdbc(t, ""); ResultSet rs = c.createStatement().executeQuery("select 1")) {
            assertThat(rs.next()).isTrue();
        }
    }

    /** Reads the greeting, sends bytes, expects an ERR packet with the fragment and then the end of the stream. */
    private static void assertErrAfterGreeting(int port, byte[] bytes, String fragment) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            InputStream in = s.getInputStream();
            assertThat(MySqlWire.read(in, 1 << 16).first()).isEqualTo(10);
            s.getOutputStream().write(bytes);
            MySqlWire.Packet err = MySqlWire.read(in, 1 << 16);
            assertThat(err.first()).isEqualTo(0xff);
            assertThat(new String(err.payload(), StandardCharsets.UTF_8)).contains(fragment);
            ByteArrayOutputStream rest = new ByteArrayOutputStream();
            in.transferTo(rest);
            assertThat(rest.size()).as("the tunnel closes the connection").isZero();
        }
    }

    private static byte[] packet(int seq, byte[] payload) {
        return MySqlWire.packet(seq, payload);
    }
}
