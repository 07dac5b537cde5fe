package dev.ferry.tunnel.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.tunnel.testsupport.MariaDbServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real clients (mariadb, mariadb-slap, MariaDB and MySQL Connector/J) through the tunnel to a real MariaDB. */
class MySqlTunnelClientsTest {
    static MySqlFixture fx;
    static MySqlTunnel tunnel;
    static int port;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        fx = new MySqlFixture();
        tunnel = fx.tunnel();
        port = tunnel.localAddress().getPort();
    }

    @AfterAll
    static void stop() {
        tunnel.close();
    }

    @Test
    void mariadbClientLogsInAsTheTunnelUserOverTls() throws Exception {
        var r = MySqlFixture.run(MySqlFixture.mariadb(port, "-e",
                "select current_user(), database(); show session status like 'Ssl_version'"), null, 60);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith(MariaDbServer.NATIVE_USER + "@%\t" + MariaDbServer.DATABASE + "\n")
                .containsPattern("Ssl_version\tTLSv1\\.[23]");
    }

    @Test
    void millionRowsAreIdenticalToDirect() throws Exception {
        String sql = "select seq, md5(seq) from seq_1_to_1000000";
        String pipeline = "set -o pipefail; %s -e '" + sql + "' | tee >(wc -l >&2) | sha256sum";
        var viaTunnel = MySqlFixture.run(List.of("bash", "-c", String.format(pipeline,
                String.join(" ", MySqlFixture.mariadb(port)))), null, 300);
        var direct = MySqlFixture.run(List.of("bash", "-c", String.format(pipeline,
                String.join(" ", fx.db.directClient(MariaDbServer.NATIVE_USER, "-N", "-B")))), null, 300);
        assertThat(viaTunnel.exit()).as(viaTunnel.err()).isZero();
        assertThat(direct.exit()).as(direct.err()).isZero();
        assertThat(viaTunnel.err().strip()).isEqualTo("1000000");
        assertThat(viaTunnel.out()).isEqualTo(direct.out());
    }

    @Test
    void fiftyMegabyteResultStreamsThroughJdbc() throws Exception {
        try (Connection c = MySqlFixture.mariadbJdbc(tunnel, "");
             Statement st = c.createStatement()) {
            st.setFetchSize(1000);
            long bytes = 0;
            int rows = 0;
            String last = null;
            try (ResultSet rs = st.executeQuery("select concat(lpad(seq, 10, '0'), repeat('y', 990)) "
                    + "from seq_1_to_50000")) {
                while (rs.next()) {
                    last = rs.getString(1);
                    bytes += last.length();
                    rows++;
                }
            }
            assertThat(rows).isEqualTo(50_000);
            assertThat(bytes).isEqualTo(50_000_000L);
            assertThat(last).startsWith("0000050000y");
        }
    }

    @Test
    void loadDataLocalInfileWorksWhenTheClientAllowsIt() throws Exception {
        Path csv = tmp.resolve("rows.csv");
        StringBuilder rows = new StringBuilder();
        for (int i = 1; i <= 5000; i++) {
            rows.append(i).append(",name-").append(i).append('\n');
        }
        Files.writeString(csv, rows);
        var create = MySqlFixture.run(MySqlFixture.mariadb(port, "-e",
                "drop table if exists infile_t; create table infile_t(id int, name varchar(20))"), null, 60);
        assertThat(create.exit()).as(create.err()).isZero();
        String load = "load data local infile '" + csv + "' into table infile_t fields terminated by ','";
        var refused = MySqlFixture.run(MySqlFixture.mariadb(port, "--local-infile=0", "-e", load), null, 60);
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.err()).contains("local infile"); // the client's own refusal, as with a direct connection
        var loaded = MySqlFixture.run(MySqlFixture.mariadb(port, "--local-infile=1", "-e",
                load + "; select count(*), sum(id), max(name) from infile_t"), null, 60);
        assertThat(loaded.exit()).as(loaded.err()).isZero();
        assertThat(loaded.out()).isEqualTo("5000\t12502500\tname-999");
    }

    @Test
    void multiStatementsFromTheClientAndJdbc() throws Exception {
        var r = MySqlFixture.run(MySqlFixture.mariadb(port, "-e", "select 1; select 2; select 3"), null, 60);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("1\n2\n3");
        try (Connection c = MySqlFixture.mysqlJdbc(tunnel, "&allowMultiQueries=true");
             Statement st = c.createStatement()) {
            assertThat(st.execute("select 6 * 7; select 'two'")).isTrue();
            try (ResultSet rs = st.getResultSet()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(42);
            }
            assertThat(st.getMoreResults()).isTrue();
            try (ResultSet rs = st.getResultSet()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("two");
            }
        }
    }

    @Test
    void serverSidePreparedStatementsWithBothDrivers() throws Exception {
        for (Connection c : List.of(MySqlFixture.mysqlJdbc(tunnel, "&useServerPrepStmts=true&cachePrepStmts=true"),
                MySqlFixture.mariadbJdbc(tunnel, "&useServerPrepStmts=true"))) {
            try (c; PreparedStatement ps = c.prepareStatement("select ? * 2, current_user(), database()")) {
                for (int i = 0; i < 20; i++) {
                    ps.setInt(1, i);
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getInt(1)).isEqualTo(i * 2);
                        assertThat(rs.getString(2)).isEqualTo(MariaDbServer.NATIVE_USER + "@%");
                        assertThat(rs.getString(3)).isEqualTo(MariaDbServer.DATABASE);
                    }
                }
            }
        }
        // the server really prepared them (binary protocol)
        String prepared = fx.db.sql("show global status like 'Com_stmt_prepare'");
        assertThat(Long.parseLong(prepared.split("\t")[1])).isGreaterThanOrEqualTo(2);
    }

    @Test
    void clientsSeeTheServersConnectionIds() throws Exception {
        try (Connection c = MySqlFixture.mariadbJdbc(tunnel, "");
             ResultSet rs = c.createStatement().executeQuery("select connection_id()")) {
            assertThat(rs.next()).isTrue();
            long id = rs.getLong(1);
            String user = fx.db.sql("select user from information_schema.processlist where id = " + id);
            assertThat(user).isEqualTo(MariaDbServer.NATIVE_USER);
        }
    }

    @Test
    void killQueryFromASecondConnectionReachesTheRightThread() throws Exception {
        try (Connection busy = MySqlFixture.mysqlJdbc(tunnel, "");
             Connection other = MySqlFixture.mysqlJdbc(tunnel, "");
             Statement st = busy.createStatement()) {
            long id;
            try (ResultSet rs = st.executeQuery("select connection_id()")) {
                rs.next();
                id = rs.getLong(1);
            }
            CompletableFuture<Object> sleep = CompletableFuture.supplyAsync(() -> {
                try (ResultSet rs = st.executeQuery("select sleep(30) as slept_a")) {
                    return "finished";
                } catch (SQLException e) {
                    return e;
                }
            });
            fx.awaitRunning("slept_a");
            long t0 = System.nanoTime();
            other.createStatement().execute("KILL QUERY " + id);
            Object result = sleep.get(10, TimeUnit.SECONDS);
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0)).isLessThan(5);
            assertThat(result).isInstanceOfSatisfying(SQLException.class, e -> {
                assertThat(e.getErrorCode()).isEqualTo(1317); // ER_QUERY_INTERRUPTED
                assertThat(e.getMessage()).contains("interrupted");
            });
            try (ResultSet rs = st.executeQuery("select 5")) { // the killed query's connection still works
                assertThat(rs.next()).isTrue();
            }
        }
    }

    @Test
    void jdbcCancelStopsALongQueryWithBothDrivers() throws Exception {
        for (Connection c : List.of(MySqlFixture.mysqlJdbc(tunnel, ""), MySqlFixture.mariadbJdbc(tunnel, ""))) {
            try (c; Statement st = c.createStatement()) {
                String marker = "slept_" + c.getClass().getSimpleName();
                CompletableFuture<Object> sleep = CompletableFuture.supplyAsync(() -> {
                    try {
                        st.execute("select sleep(30) as " + marker);
                        return "finished";
                    } catch (SQLException e) {
                        return e;
                    }
                });
                fx.awaitRunning(marker);
                long t0 = System.nanoTime();
                st.cancel();
                Object result = sleep.get(10, TimeUnit.SECONDS);
                assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0)).isLessThan(5);
                assertThat(result).isInstanceOf(SQLException.class); // "cancelled" or "interrupted"
                assertThat(fx.db.sql("select count(*) from information_schema.processlist where info like '%"
                        + marker + "%' and id <> connection_id()")).isEqualTo("0");
                try (ResultSet rs = st.executeQuery("select 1")) {
                    assertThat(rs.next()).isTrue();
                }
            }
        }
    }

    @Test
    void mariadbCtrlCKillsTheRunningQuery() throws Exception {
        Process p = new ProcessBuilder(MySqlFixture.mariadb(port, "-e", "select sleep(31) as slept_cli"))
                .redirectErrorStream(true).start();
        try {
            fx.awaitRunning("slept_cli");
            new ProcessBuilder("kill", "-INT", String.valueOf(p.pid())).start().waitFor();
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(out).contains("query killed");
            assertThat(fx.db.sql("select count(*) from information_schema.processlist where info like '%slept_cli%'"
                    + " and id <> connection_id()")).isEqualTo("0");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void twoHundredConcurrentConnections() throws Exception {
        int n = 200;
        ExecutorService pool = Executors.newFixedThreadPool(50);
        List<Connection> open = new ArrayList<>();
        try {
            List<Future<Connection>> opening = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                boolean mysql = i % 2 == 0;
                opening.add(pool.submit(() -> mysql ? MySqlFixture.mysqlJdbc(tunnel, "")
                        : MySqlFixture.mariadbJdbc(tunnel, "")));
            }
            for (Future<Connection> f : opening) {
                open.add(f.get(120, TimeUnit.SECONDS));
            }
            assertThat(tunnel.stats().snapshot().openConnections()).isEqualTo(n);
            Set<Long> ids = new HashSet<>();
            for (Connection c : open) {
                try (ResultSet rs = c.createStatement().executeQuery("select connection_id(), current_user()")) {
                    assertThat(rs.next()).isTrue();
                    ids.add(rs.getLong(1));
                    assertThat(rs.getString(2)).isEqualTo(MariaDbServer.NATIVE_USER + "@%");
                }
            }
            assertThat(ids).hasSize(n);
        } finally {
            for (Connection c : open) {
                c.close();
            }
            pool.shutdownNow();
        }
        MySqlFixture.awaitOpenConnections(tunnel, 0);
    }

    @Test
    void mariadbSlapRunsThroughTheTunnel() throws Exception {
        var r = MySqlFixture.run(List.of("mariadb-slap", "--no-defaults", "-h", "127.0.0.1", "-P", String.valueOf(port),
                "-u", "nobody", "--create-schema=" + MariaDbServer.DATABASE, "--concurrency=8", "--iterations=1",
                "--number-of-queries=800", "--query=select 1"), null, 120);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("Number of clients running queries: 8");
    }
}
