package dev.ferry.tunnel.pg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.tunnel.testsupport.PostgresServer;
import dev.ferry.tunnel.testsupport.Wait;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real clients (psql, pgbench, PostgreSQL and Redshift JDBC) through the tunnel to a real PostgreSQL. */
class PgTunnelClientsTest {
    static TunnelFixture fx;
    static PgTunnel tunnel;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        fx = TunnelFixture.get();
        tunnel = fx.tunnel(PostgresServer.SCRAM_USER);
        port = tunnel.localAddress().getPort();
    }

    @AfterAll
    static void stop() {
        tunnel.close();
    }

    @Test
    void psqlQueriesAndCopyFromStdin() throws Exception {
        var create = TunnelFixture.run(TunnelFixture.psql(port, "nobody", "nodb", "-c",
                "drop table if exists copy_t; create table copy_t(id int, name text)"), null, 60);
        assertThat(create.exit()).as(create.err()).isZero();
        StringBuilder rows = new StringBuilder();
        for (int i = 1; i <= 5000; i++) {
            rows.append(i).append('\t').append("name-").append(i).append('\n');
        }
        var copy = TunnelFixture.run(TunnelFixture.psql(port, "nobody", "nodb", "-c",
                "copy copy_t from stdin"), rows.toString(), 60);
        assertThat(copy.exit()).as(copy.err()).isZero();
        assertThat(copy.out()).isEqualTo("COPY 5000");
        var check = TunnelFixture.run(TunnelFixture.psql(port, "nobody", "nodb", "-c",
                "select count(*), sum(id), max(name) from copy_t"), null, 60);
        assertThat(check.out()).isEqualTo("5000|12502500|name-999");
        // the client's user and database were replaced by the tunnel's
        var who = TunnelFixture.run(TunnelFixture.psql(port, "nobody", "nodb", "-c",
                "select current_user, current_database()"), null, 60);
        assertThat(who.out()).isEqualTo(PostgresServer.SCRAM_USER + "|" + PostgresServer.DATABASE);
    }

    @Test
    void hundredMegabyteResultIsIdenticalToDirect() throws Exception {
        String sql = "select md5(i::text) || repeat('x', 1000) from generate_series(1, 100000) i";
        String pipeline = "set -o pipefail; psql -X -At -v ON_ERROR_STOP=1 '%s' -c \"" + sql + "\" | tee >(wc -c >&2) | sha256sum";
        var viaTunnel = TunnelFixture.run(List.of("bash", "-c", String.format(pipeline,
                "host=127.0.0.1 port=" + port + " user=x dbname=y")), null, 300);
        var direct = TunnelFixture.run(List.of("bash", "-c", String.format(pipeline,
                "host=127.0.0.1 port=" + fx.pg.port() + " user=postgres dbname=" + PostgresServer.DATABASE
                        + " sslmode=require")), null, 300);
        assertThat(viaTunnel.exit()).as(viaTunnel.err()).isZero();
        assertThat(direct.exit()).as(direct.err()).isZero();
        assertThat(Long.parseLong(viaTunnel.err().strip())).isGreaterThan(100_000_000L);
        assertThat(viaTunnel.out()).isEqualTo(direct.out());
        assertThat(tunnel.stats().snapshot().bytesToClient()).isGreaterThan(100_000_000L);
    }

    @Test
    void pgbenchRunsWithoutFailures() throws Exception {
        String conn = "host=127.0.0.1 port=" + port + " user=x dbname=y";
        var init = TunnelFixture.run(List.of("pgbench", "-i", "-q", "-s", "1", conn), null, 300);
        assertThat(init.exit()).as(init.err()).isZero();
        var bench = TunnelFixture.run(List.of("pgbench", "-c", "8", "-j", "2", "-t", "200", conn), null, 300);
        assertThat(bench.exit()).as(bench.err()).isZero();
        Matcher processed = Pattern.compile("number of transactions actually processed: (\\d+)/(\\d+)")
                .matcher(bench.out());
        assertThat(processed.find()).as(bench.out()).isTrue();
        assertThat(processed.group(1)).isEqualTo("1600").isEqualTo(processed.group(2));
        Matcher failed = Pattern.compile("number of failed transactions: (\\d+)").matcher(bench.out());
        assertThat(failed.find()).as(bench.out()).isTrue();
        assertThat(failed.group(1)).isEqualTo("0");
    }

    @Test
    void jdbcPreparedStatements() throws Exception {
        try (Connection c = TunnelFixture.jdbc(tunnel, "&prepareThreshold=1");
             PreparedStatement ps = c.prepareStatement("select ?::int * 2, current_user")) {
            for (int i = 0; i < 20; i++) { // server-side prepared after the first run
                ps.setInt(1, i);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isEqualTo(i * 2);
                    assertThat(rs.getString(2)).isEqualTo(PostgresServer.SCRAM_USER);
                }
            }
        }
    }

    @Test
    void jdbcCancelStopsALongQuery() throws Exception {
        try (Connection c = TunnelFixture.jdbc(tunnel, ""); Statement st = c.createStatement()) {
            CompletableFuture<SQLException> result = CompletableFuture.supplyAsync(() -> {
                try {
                    st.execute("select pg_sleep(30)");
                    return null;
                } catch (SQLException e) {
                    return e;
                }
            });
            awaitRunning("pg_sleep(30)");
            long t0 = System.nanoTime();
            st.cancel();
            SQLException e = result.get(10, TimeUnit.SECONDS);
            assertThat((Object) e).isNotNull();
            assertThat(e.getSQLState()).isEqualTo("57014");
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0)).isLessThan(5);
            try (ResultSet rs = st.executeQuery("select 1")) { // connection still usable
                assertThat(rs.next()).isTrue();
            }
        }
    }

    @Test
    void psqlCtrlCCancelsTheQuery() throws Exception {
        Process p = new ProcessBuilder(TunnelFixture.psql(port, "x", "y", "-c", "select pg_sleep(31)"))
                .redirectErrorStream(true).start();
        try {
            awaitRunning("pg_sleep(31)");
            new ProcessBuilder("kill", "-INT", String.valueOf(p.pid())).start().waitFor();
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(out).contains("canceling statement due to user request");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void redshiftJdbcDriverQueriesThroughTheTunnel() throws Exception {
        Class.forName("com.amazon.redshift.jdbc.Driver");
        Properties props = new Properties();
        props.setProperty("user", "someone");
        props.setProperty("password", "unused");
        props.setProperty("ssl", "false");
        try (Connection c = DriverManager.getConnection("jdbc:redshift://127.0.0.1:" + port + "/dev", props);
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select current_user, 6 * 7")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo(PostgresServer.SCRAM_USER);
            assertThat(rs.getInt(2)).isEqualTo(42);
        }
    }

    /** Waits until the query shows up as active in pg_stat_activity. */
    static void awaitRunning(String fragment) throws Exception {
        Wait.until("query " + fragment + " running", () -> !fx.pg.psql(
                "select count(*) from pg_stat_activity where state = 'active' and query like '%"
                        + fragment + "%' and pid <> pg_backend_pid()").equals("0"));
    }
}
