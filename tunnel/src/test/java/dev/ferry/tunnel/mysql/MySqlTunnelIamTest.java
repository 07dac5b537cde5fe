package dev.ferry.tunnel.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.tunnel.pg.PasswordSupplier;
import dev.ferry.tunnel.testsupport.MariaDbServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * IAM-style login against the real MariaDB: its pam plugin asks with the clear-text plugin
 * (as RDS's AWSAuthenticationPlugin does) and a PAM stack records what it was given.
 */
class MySqlTunnelIamTest {
    final MySqlFixture fx = new MySqlFixture();

    /** Shaped like an RDS IAM token without a session token (PAM's pam_exec passes at most 512 bytes). */
    static String token(int n) {
        return "db.cluster-c9abcdefghij.us-east-1.rds.amazonaws.com:3306/?Action=connect&DBUser="
                + MariaDbServer.IAM_USER + "&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20261201"
                + "%2Fus-east-1%2Frds-db%2Faws4_request&X-Amz-Date=20261201T000000Z&X-Amz-Expires=900"
                + "&X-Amz-SignedHeaders=host&X-Amz-Signature=" + String.format("%064x", n);
    }

    @Test
    void theTokenFromTheSupplierIsWhatPamReceivesOverTls() throws Exception {
        AtomicInteger n = new AtomicInteger();
        List<String> issued = new ArrayList<>();
        PasswordSupplier tokens = (user, db) -> {
            String t = token(n.incrementAndGet());
            issued.add(t);
            try {
                fx.db.expectIamToken(t); // the "server" accepts only the token of this connection
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return t;
        };
        int before = fx.db.iamTokensReceived().size();
        try (MySqlTunnel t = MySqlTunnel.start(fx.config(MariaDbServer.IAM_USER, tokens))) {
            for (int i = 0; i < 2; i++) {
                var r = MySqlFixture.run(MySqlFixture.mariadb(t.localAddress().getPort(), "-e",
                        "select current_user(); show session status like 'Ssl_version'"), null, 60);
                assertThat(r.exit()).as(r.err()).isZero();
                assertThat(r.out()).startsWith(MariaDbServer.IAM_USER + "@%\n").containsPattern("Ssl_version\tTLSv1");
            }
        }
        assertThat(issued).hasSize(2).doesNotHaveDuplicates();
        assertThat(fx.db.iamTokensReceived().subList(before, before + 2)).isEqualTo(issued);
    }

    @Test
    void aRejectedTokenIsTheServersAccessDenied() throws Exception {
        fx.db.expectIamToken(token(999));
        try (MySqlTunnel t = MySqlTunnel.start(fx.config(MariaDbServer.IAM_USER, PasswordSupplier.fixed(token(1))))) {
            var r = MySqlFixture.run(MySqlFixture.mariadb(t.localAddress().getPort(), "-e", "select 1"), null, 60);
            assertThat(r.exit()).isNotZero();
            assertThat(r.err()).contains("ERROR 1045 (28000): Access denied for user '" + MariaDbServer.IAM_USER + "'");
        }
        assertThat(fx.db.iamTokensReceived()).last().isEqualTo(token(1));
    }
}
