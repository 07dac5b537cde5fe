package dev.ferry.tunnel.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.tunnel.ListenerLimits;
import dev.ferry.tunnel.testsupport.PostgresServer;
import java.io.DataInputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL tunnel's limits: a client that sends nothing (or half a startup packet) is told
 * so, in its own words, within the header timeout; past the connection cap a client gets
 * SQLSTATE 53300 with the reason, and the connections being served go on.
 */
class PgTunnelLimitsTest {
    final TunnelFixture fx = TunnelFixture.get();

    PgTunnelConfig config(int maxConnections) {
        return fx.config(PostgresServer.TRUST_USER, PasswordSupplier.none())
                .withLimits(new ListenerLimits(maxConnections, Duration.ofSeconds(1), Duration.ofMinutes(1)));
    }

    /** Reads the ErrorResponse the tunnel sends, returning its 'M' field. */
    static String errorMessage(InputStream in) throws Exception {
        DataInputStream d = new DataInputStream(in);
        assertThat(d.readByte()).isEqualTo((byte) 'E');
        byte[] body = new byte[d.readInt() - 4];
        d.readFully(body);
        String fields = new String(body, StandardCharsets.UTF_8);
        for (String f : fields.split("\0")) {
            if (f.startsWith("M")) {
                return f.substring(1);
            }
        }
        throw new AssertionError("no message in " + fields);
    }

    @Test
    void silentClientIsToldItSentNothing() throws Exception {
        try (PgTunnel t = PgTunnel.start(config(10)); Socket s = new Socket("127.0.0.1", t.localAddress().getPort())) {
            s.setSoTimeout(30_000);
            String message = errorMessage(s.getInputStream());
            assertThat(message).contains("client").contains("sent nothing")
                    .doesNotContain(Integer.toString(fx.pg.port())).doesNotContainIgnoringCase("read timed out");
            assertThat(s.getInputStream().read()).isEqualTo(-1);
            assertThat(t.stats().snapshot().lastError()).contains("sent nothing");
        }
    }

    @Test
    void truncatedStartupPacketIsNamedAsSuch() throws Exception {
        try (PgTunnel t = PgTunnel.start(config(10)); Socket s = new Socket("127.0.0.1", t.localAddress().getPort())) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(ByteBuffer.allocate(7).putInt(40).put(new byte[] {0, 3, 0}).array());
            s.getOutputStream().flush();
            String message = errorMessage(s.getInputStream());
            assertThat(message).contains("startup packet stopped after 7 bytes")
                    .doesNotContain(Integer.toString(fx.pg.port()));
        }
    }

    @Test
    void clientsPastTheCapAreRefusedWith53300AndTheOthersGoOn() throws Exception {
        try (PgTunnel t = PgTunnel.start(config(3))) {
            List<Connection> held = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    held.add(TunnelFixture.jdbc(t, ""));
                }
                TunnelFixture.assertRefused(t, "53300", "3 client connections", "the most it allows");
                for (Connection c : held) {
                    try (ResultSet rs = c.createStatement().executeQuery("select 1")) {
                        assertThat(rs.next()).isTrue();
                    }
                }
                held.remove(0).close();
                await().atMost(Duration.ofSeconds(20)).until(() -> t.stats().snapshot().openConnections() == 2);
                try (Connection again = TunnelFixture.jdbc(t, "");
                     ResultSet rs = again.createStatement().executeQuery("select 3")) {
                    assertThat(rs.next()).isTrue();
                }
            } finally {
                for (Connection c : held) {
                    c.close();
                }
            }
        }
    }

    @Test
    void silentClientsDoNotHoldSlotsPastTheHeaderTimeout() throws Exception {
        try (PgTunnel t = PgTunnel.start(config(2))) {
            List<Socket> silent = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    silent.add(new Socket("127.0.0.1", t.localAddress().getPort()));
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> t.stats().snapshot().openConnections() == 0);
                try (Connection c = TunnelFixture.jdbc(t, ""); ResultSet rs = c.createStatement().executeQuery("select 4")) {
                    assertThat(rs.next()).isTrue();
                }
            } finally {
                for (Socket s : silent) {
                    s.close();
                }
            }
        }
    }
}
