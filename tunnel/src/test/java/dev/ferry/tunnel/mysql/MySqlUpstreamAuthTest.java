package dev.ferry.tunnel.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.tunnel.db.TunnelFailure;
import dev.ferry.tunnel.pg.PasswordSupplier;
import dev.ferry.tunnel.pg.TlsMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The login methods MariaDB cannot show (MySQL 8's caching_sha2_password, sha256_password, a
 * clear-text token of RDS's length), against {@link MySql8Double} and the real mariadb client.
 */
class MySqlUpstreamAuthTest {
    @TempDir
    Path dir;
    MySql8Double mysql8;

    @BeforeEach
    void start() throws Exception {
        mysql8 = new MySql8Double(dir);
    }

    @AfterEach
    void stop() throws Exception {
        mysql8.close();
    }

    private MySqlTunnel tunnel(String user, PasswordSupplier passwords) throws Exception {
        return MySqlTunnel.start(new MySqlTunnelConfig(0, "127.0.0.1", mysql8.port(), TlsMode.VERIFY_FULL,
                List.of(mysql8.caPem()), user, "shop", passwords, Duration.ofSeconds(10)));
    }

    private static String query(MySqlTunnel t) throws Exception {
        var r = MySqlFixture.run(MySqlFixture.mariadb(t.localAddress().getPort(), "-e", "select 1"), null, 60);
        assertThat(r.exit()).as(r.err()).isZero();
        return r.out();
    }

    @Test
    void cachingSha2FullAuthenticationOverTlsThenFastAuthentication() throws Exception {
        mysql8.account("app", MySqlAuth.CACHING_SHA2, "Sha2-secret");
        try (MySqlTunnel t = tunnel("app", PasswordSupplier.fixed("Sha2-secret"))) {
            assertThat(query(t)).isEqualTo("app caching_sha2_password first+full tls");
            assertThat(query(t)).isEqualTo("app caching_sha2_password first+fast tls");
        }
        assertThat(mysql8.logins().get(0).clearText()).isEqualTo("Sha2-secret");
        assertThat(mysql8.logins().get(1).clearText()).isNull(); // fast: only the scramble travelled
    }

    @Test
    void authSwitchFromANativeGreetingToCachingSha2() throws Exception {
        mysql8.defaultPlugin(MySqlAuth.NATIVE);
        mysql8.account("app", MySqlAuth.CACHING_SHA2, "Sha2-secret");
        try (MySqlTunnel t = tunnel("app", PasswordSupplier.fixed("Sha2-secret"))) {
            assertThat(query(t)).isEqualTo("app caching_sha2_password switch+full tls");
            assertThat(query(t)).isEqualTo("app caching_sha2_password switch+fast tls");
        }
    }

    @Test
    void authSwitchToNativePassword() throws Exception {
        mysql8.account("old", MySqlAuth.NATIVE, "native-pw");
        try (MySqlTunnel t = tunnel("old", PasswordSupplier.fixed("native-pw"))) {
            assertThat(query(t)).isEqualTo("old mysql_native_password switch tls");
        }
    }

    @Test
    void wrongFastAuthScrambleAndWrongFullPasswordAreTheServersErrors() throws Exception {
        mysql8.account("app", MySqlAuth.CACHING_SHA2, "right");
        try (MySqlTunnel t = tunnel("app", PasswordSupplier.fixed("wrong"))) {
            var r = MySqlFixture.run(MySqlFixture.mariadb(t.localAddress().getPort(), "-e", "select 1"), null, 60);
            assertThat(r.err()).contains("ERROR 1045 (28000): Access denied for user 'app'@'localhost' "
                    + "(double: wrong password)");
        }
    }

    @Test
    void clearTextTokensAreSentWholeFreshPerConnectionAndOnlyOverTls() throws Exception {
        AtomicInteger n = new AtomicInteger();
        // an RDS IAM token with a session token is over 1 kB
        String prefix = "db.example.us-east-1.rds.amazonaws.com:3306/?Action=connect&DBUser=iam_user"
                + "&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Security-Token=" + "A".repeat(1200) + "&X-Amz-Signature=";
        PasswordSupplier tokens = (user, db) -> prefix + n.incrementAndGet();
        mysql8.account("iam_user", MySqlAuth.CLEAR, prefix + "1");
        try (MySqlTunnel t = tunnel("iam_user", tokens)) {
            assertThat(query(t)).isEqualTo("iam_user mysql_clear_password switch tls");
            mysql8.account("iam_user", MySqlAuth.CLEAR, prefix + "2");
            assertThat(query(t)).isEqualTo("iam_user mysql_clear_password switch tls");
        }
        assertThat(mysql8.logins()).extracting(MySql8Double.Login::clearText)
                .containsExactly(prefix + "1", prefix + "2");
    }

    @Test
    void sha256PasswordOverTls() throws Exception {
        mysql8.account("s256", MySqlAuth.SHA256, "pw256");
        try (MySqlTunnel t = tunnel("s256", PasswordSupplier.fixed("pw256"))) {
            assertThat(query(t)).isEqualTo("s256 sha256_password switch tls");
        }
    }

    @Test
    void clearTextAnswersNeedAnEncryptedLink() {
        byte[] scramble = "abcdefghijklmnopqrst".getBytes(StandardCharsets.US_ASCII);
        MySqlAuth plain = new MySqlAuth("token", "iam_user", false);
        assertThatThrownBy(() -> plain.first(MySqlAuth.CLEAR, scramble)).isInstanceOfSatisfying(TunnelFailure.class,
                e -> assertThat(e.getMessage()).contains("over an unencrypted connection; the tunnel refused to send it"));
        byte[] switchToClear = new MySqlWire.Writer().int1(0xfe).nulString(MySqlAuth.CLEAR.getBytes()).toBytes();
        assertThatThrownBy(() -> plain.switchTo(switchToClear)).isInstanceOf(TunnelFailure.class);
        MySqlAuth sha2 = new MySqlAuth("pw", "u", false);
        assertThat(assertDoesNotThrow(() -> sha2.first(MySqlAuth.CACHING_SHA2, scramble)).response()).hasSize(32);
        assertThatThrownBy(() -> sha2.moreData(new byte[] {1, 4})).isInstanceOf(TunnelFailure.class);
        MySqlAuth tls = new MySqlAuth("token", "iam_user", true);
        assertThat(assertDoesNotThrow(() -> tls.switchTo(switchToClear)))
                .isEqualTo("token\0".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void unsupportedMethodsAreNamed() throws Exception {
        byte[] ed25519 = new MySqlWire.Writer().int1(0xfe).nulString("client_ed25519".getBytes()).toBytes();
        assertThatThrownBy(() -> new MySqlAuth("pw", "bob", true).switchTo(ed25519))
                .isInstanceOfSatisfying(TunnelFailure.class, e -> assertThat(e.getMessage()).contains(
                        "the authentication method client_ed25519, which the tunnel does not support"));
    }

    private static <T> T assertDoesNotThrow(org.junit.jupiter.api.function.ThrowingSupplier<T> s) {
        return org.junit.jupiter.api.Assertions.assertDoesNotThrow(s);
    }
}
