package dev.ferry.tunnel.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.tunnel.testsupport.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Each upstream authentication method, credential failures, and what the tunnel rewrites in the startup. */
class PgTunnelAuthTest {
    final TunnelFixture fx = TunnelFixture.get();

    @ParameterizedTest
    @ValueSource(strings = {PostgresServer.PASSWORD_USER, PostgresServer.MD5_USER, PostgresServer.SCRAM_USER})
    void passwordMethodsAuthenticateWithTheSuppliedPassword(String user) throws Exception {
        AtomicInteger asked = new AtomicInteger();
        PasswordSupplier supplier = (u, db) -> {
            asked.incrementAndGet();
            assertThat(u).isEqualTo(user);
            assertThat(db).isEqualTo(PostgresServer.DATABASE);
            return PostgresServer.PASSWORD;
        };
        try (PgTunnel t = PgTunnel.start(fx.config(user, supplier));
             Connection c = TunnelFixture.jdbc(t, "&ApplicationName=ferry-test-app");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select current_user, current_database(), "
                     + "current_setting('application_name'), auth_method from pg_stat_activity a, "
                     + "(select case when ssl then 'tls' else 'plain' end auth_method from pg_stat_ssl "
                     + "where pid = pg_backend_pid()) s where a.pid = pg_backend_pid()")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo(user);
            assertThat(rs.getString(2)).isEqualTo(PostgresServer.DATABASE);
            assertThat(rs.getString(3)).isEqualTo("ferry-test-app");
            assertThat(rs.getString(4)).isEqualTo("tls");
            assertThat(asked.get()).isEqualTo(1);
        }
    }

    @Test
    void md5AndScramUsersReallyUseThoseMethods() throws Exception {
        // guards the test server set-up: the md5 user's password is stored as md5, the others as SCRAM
        String stored = fx.pg.psql("select rolname || '=' || left(rolpassword, 3) from pg_authid where rolname in ('"
                + PostgresServer.MD5_USER + "','" + PostgresServer.SCRAM_USER + "') order by 1");
        assertThat(stored).isEqualTo(PostgresServer.MD5_USER + "=md5\n" + PostgresServer.SCRAM_USER + "=SCR");
        String hba = fx.pg.psql("select string_agg(user_name[1] || ':' || auth_method, ',' order by line_number) "
                + "from pg_hba_file_rules where type = 'hostssl'");
        assertThat(hba).isEqualTo("u_password:password,u_md5:md5,u_scram:scram-sha-256");
    }

    @Test
    void trustNeedsNoPassword() throws Exception {
        PasswordSupplier never = (u, db) -> {
            throw new AssertionError("trust must not ask for a password");
        };
        try (PgTunnel t = PgTunnel.start(fx.config(PostgresServer.TRUST_USER, never))) {
            var r = TunnelFixture.run(TunnelFixture.psql(t.localAddress().getPort(), "alice", "otherdb",
                    "-c", "show application_name", "-c", "select current_user"), null, 60);
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).isEqualTo("psql\n" + PostgresServer.TRUST_USER);
        }
    }

    @Test
    void wrongPasswordErrorPassesThroughUnchanged() throws Exception {
        try (PgTunnel t = PgTunnel.start(fx.config(PostgresServer.SCRAM_USER, PasswordSupplier.fixed("wrong")))) {
            TunnelFixture.assertRefused(t, "28P01", "password authentication failed for user \"u_scram\"");
            assertThat(t.stats().snapshot().lastError()).contains("28P01");
        }
    }

    @Test
    void supplierFailureReachesTheClientAs28000() throws Exception {
        PasswordSupplier failing = (u, db) -> {
            throw new CredentialException("the AWS session expired; sign in again");
        };
        try (PgTunnel t = PgTunnel.start(fx.config(PostgresServer.MD5_USER, failing))) {
            TunnelFixture.assertRefused(t, "28000",
                    "ferry: credentials could not be obtained: the AWS session expired; sign in again");
            var r = TunnelFixture.run(TunnelFixture.psql(t.localAddress().getPort(), "a", "b", "-c", "select 1"),
                    null, 60);
            assertThat(r.exit()).isNotZero();
            assertThat(r.err()).contains("FATAL:  ferry: credentials could not be obtained");
        }
    }

    @Test
    void missingPasswordIsExplained() throws Exception {
        try (PgTunnel t = PgTunnel.start(fx.config(PostgresServer.PASSWORD_USER, PasswordSupplier.none()))) {
            TunnelFixture.assertRefused(t, "28000", "none is configured for user u_password");
        }
    }

    @Test
    void otherStartupParametersPassThrough() throws Exception {
        try (PgTunnel t = PgTunnel.start(fx.config(PostgresServer.TRUST_USER, PasswordSupplier.none()))) {
            var pb = new ProcessBuilder(TunnelFixture.psql(t.localAddress().getPort(), "x", "y",
                    "-c", "select current_setting('application_name'), current_setting('search_path'), "
                            + "current_setting('work_mem')"));
            pb.environment().put("PGAPPNAME", "my-app");
            pb.environment().put("PGOPTIONS", "-c search_path=ferry_path -c work_mem=7MB");
            Process p = pb.redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            assertThat(p.waitFor()).as(out).isZero();
            assertThat(out).isEqualTo("my-app|ferry_path|7MB");
        }
    }

    @Test
    void clientsWithDefaultSslmodeGetPlaintextOnLoopback() throws Exception {
        try (PgTunnel t = PgTunnel.start(fx.config(PostgresServer.TRUST_USER, PasswordSupplier.none()))) {
            for (String mode : List.of("disable", "prefer", "allow")) {
                try (Connection c = TunnelFixture.jdbc(t, "&sslmode=" + mode);
                     ResultSet rs = c.createStatement().executeQuery("select 1")) {
                    assertThat(rs.next()).isTrue();
                }
            }
            // sslmode=require cannot be served: the tunnel answers SSLRequest with 'N'
            assertThatThrownBy(() -> TunnelFixture.jdbc(t, "&sslmode=require").close())
                    .isInstanceOf(SQLException.class).hasMessageContaining("SSL");
        }
    }
}
