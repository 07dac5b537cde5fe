package dev.ferry.app.integrations;

import dev.ferry.app.model.DatabaseFlavour;
import dev.ferry.tunnel.testsupport.PostgresServer;
import dev.ferry.app.FerryException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every connection string is fed to the real client against a real PostgreSQL 15 server. */
class ConnectionStringsTest {
    static PostgresServer pg;

    /** Names with quotes, spaces, shell and URL metacharacters, and non-ASCII letters. */
    static final String USER = "o'brien \"x\" $HOME `id` \\ 100%";
    static final String DB = "my db;&|=?#/é";
    static final String APP = "ferry tunnel's";
    static final String QUERY = "select current_user||'|'||current_database()||'|'||current_setting('application_name')";
    static final String EXPECTED = USER + "|" + DB + "|" + APP;

    static DatabaseEndpoint endpoint;

    @BeforeAll
    static void createRoleAndDatabase() throws Exception {
        pg = PostgresServer.shared(); // pg_hba trusts any other user from 127.0.0.1
        pg.psql("CREATE ROLE " + ident(USER) + " LOGIN");
        pg.psql("CREATE DATABASE " + ident(DB) + " OWNER " + ident(USER));
        endpoint = new DatabaseEndpoint("127.0.0.1", pg.port(), USER, DB, DatabaseFlavour.POSTGRES, APP);
    }

    static String ident(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    @Test
    void simpleNamesGiveTheDocumentedForms() {
        ConnectionStrings cs = new ConnectionStrings(DatabaseEndpoint.loopback(15432, "alice", "orders", DatabaseFlavour.POSTGRES));
        assertThat(cs.psqlCommand()).isEqualTo("psql \"host=127.0.0.1 port=15432 user=alice dbname=orders sslmode=disable\"");
        assertThat(cs.libpqUri()).isEqualTo("postgres://alice@127.0.0.1:15432/orders?sslmode=disable");
        assertThat(cs.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:15432/orders?user=alice&sslmode=disable");
        assertThat(cs.redshiftJdbcUrl()).isEqualTo("jdbc:redshift://127.0.0.1:15432/orders?user=alice&ssl=false");
        assertThat(cs.environment(ShellKind.UNIX)).isEqualTo("""
                export PGHOST="127.0.0.1"
                export PGPORT="15432"
                export PGUSER="alice"
                export PGDATABASE="orders"
                export PGSSLMODE="disable"
                """);
        assertThat(cs.environment(ShellKind.POWERSHELL)).startsWith("$Env:PGHOST=\"127.0.0.1\"\n");
        assertThat(cs.environment(ShellKind.CMD)).contains("set PGPORT=15432\n").contains("set PGSSLMODE=disable\n");
        assertThat(cs.environment(ShellKind.TEXT)).contains("PGUSER=alice\n");
    }

    @Test
    void mysqlEndpointsGiveTheMysqlForms() {
        ConnectionStrings cs = new ConnectionStrings(DatabaseEndpoint.loopback(13306, "app", "shop", DatabaseFlavour.MYSQL));
        assertThat(cs.forClients()).extracting(ConnectionStrings.ClientString::id, ConnectionStrings.ClientString::value)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("mysqlCommand", "mysql -h 127.0.0.1 -P 13306 -u app shop"),
                        org.assertj.core.groups.Tuple.tuple("mariadbCommand", "mariadb -h 127.0.0.1 -P 13306 -u app shop"),
                        org.assertj.core.groups.Tuple.tuple("mysqlJdbcUrl", "jdbc:mysql://127.0.0.1:13306/shop?user=app&sslMode=DISABLED"),
                        org.assertj.core.groups.Tuple.tuple("mariadbJdbcUrl", "jdbc:mariadb://127.0.0.1:13306/shop?user=app"));
        assertThat(cs.jdbcUrl()).isEqualTo(cs.mysqlJdbcUrl());
        assertThat(cs.jdbcUrls()).extracting(ConnectionStrings.ClientString::id).containsExactly("mysqlJdbcUrl", "mariadbJdbcUrl");
        assertThat(cs.environmentName()).isEqualTo("MYSQL_*");
        assertThat(cs.environment(ShellKind.UNIX)).isEqualTo("export MYSQL_HOST=\"127.0.0.1\"\nexport MYSQL_TCP_PORT=\"13306\"\n");
        // PostgreSQL and Redshift keep their forms; the CLI's JDBC URL is the flavour's driver.
        ConnectionStrings rs = new ConnectionStrings(DatabaseEndpoint.loopback(15439, "a", "dev", DatabaseFlavour.REDSHIFT));
        assertThat(rs.forClients()).extracting(ConnectionStrings.ClientString::id)
                .containsExactly("psqlCommand", "libpqUri", "postgresJdbcUrl", "redshiftJdbcUrl");
        assertThat(rs.jdbcUrls()).extracting(ConnectionStrings.ClientString::id).containsExactly("redshiftJdbcUrl");
        assertThat(rs.environmentName()).isEqualTo("PG*");
    }

    @Test
    void mysqlCommandsQuoteNamesForBash() throws Exception {
        ConnectionStrings cs = new ConnectionStrings(new DatabaseEndpoint("127.0.0.1", 13306, USER, DB,
                DatabaseFlavour.MYSQL, null));
        for (String command : List.of(cs.mysqlCommand(), cs.mariadbCommand())) {
            // bash parses the command; printf shows the words the client would get.
            String words = command.substring(command.indexOf(' '));
            Process p = new ProcessBuilder("bash", "-c", "printf '%s\\n'" + words).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(p.waitFor()).isZero();
            assertThat(out.split("\n")).containsExactly("-h", "127.0.0.1", "-P", "13306", "-u", USER, DB);
        }
        assertThat(cs.mysqlJdbcUrl()).startsWith("jdbc:mysql://127.0.0.1:13306/my%20db%3B%26%7C%3D%3F%23%2F%C3%A9?user=o%27brien");
    }

    @Test
    void psqlCommandRunsThroughBash() throws Exception {
        String command = new ConnectionStrings(endpoint).psqlCommand() + " -X -A -t -w -c " + EnvBlock.posixDoubleQuoted(QUERY);
        assertThat(PostgresServer.run(List.of("bash", "-c", command), 60).strip()).isEqualTo(EXPECTED);
    }

    @Test
    void libpqUriIsAcceptedByPsql() throws Exception {
        String uri = new ConnectionStrings(endpoint).libpqUri();
        assertThat(PostgresServer.run(List.of("psql", uri, "-X", "-A", "-t", "-w", "-c", QUERY), 60).strip()).isEqualTo(EXPECTED);
    }

    @Test
    void unixEnvironmentIsUnderstoodByBashAndPsql() throws Exception {
        String script = new ConnectionStrings(endpoint).environment(ShellKind.UNIX)
                + "psql -X -A -t -w -c " + EnvBlock.posixDoubleQuoted(QUERY);
        assertThat(PostgresServer.run(List.of("bash", "-c", script), 60).strip()).isEqualTo(EXPECTED);
    }

    @Test
    void postgresJdbcUrlConnectsWithTheRealDriver() throws Exception {
        try (Connection c = DriverManager.getConnection(new ConnectionStrings(endpoint).postgresJdbcUrl());
             ResultSet rs = c.createStatement().executeQuery(QUERY)) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo(EXPECTED);
        }
    }

    @Test
    void redshiftJdbcUrlSendsTheRightStartupPacketWithoutTls() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            DatabaseEndpoint rs = new DatabaseEndpoint("127.0.0.1", server.getLocalPort(), USER, DB, DatabaseFlavour.REDSHIFT, APP);
            String url = new ConnectionStrings(rs).jdbcUrl();
            assertThat(url).startsWith("jdbc:redshift://");
            CompletableFuture<Void> client = CompletableFuture.runAsync(() -> {
                try (Connection ignored = DriverManager.getConnection(url + "&loginTimeout=10")) {
                    // the fake server hangs up after the startup packet
                } catch (Exception expected) {
                    // expected
                }
            });
            server.setSoTimeout(20_000);
            Map<String, String> startup;
            try (Socket s = server.accept()) {
                DataInputStream in = new DataInputStream(s.getInputStream());
                int length = in.readInt();
                int protocol = in.readInt();
                assertThat(protocol).as("a StartupMessage (3.0), not an SSLRequest").isEqualTo(196608);
                byte[] body = in.readNBytes(length - 8);
                startup = parsePairs(body);
            }
            client.get(30, TimeUnit.SECONDS);
            assertThat(startup).containsEntry("user", USER).containsEntry("database", DB);
        }
    }

    @Test
    void powershellAndCmdQuoting() {
        assertThat(EnvBlock.line("K", "a\"b$c`d", ShellKind.POWERSHELL)).isEqualTo("$Env:K=\"a`\"b`$c``d\"");
        assertThat(EnvBlock.line("K", "C:\\Program Files (x86)\\a&b", ShellKind.CMD)).isEqualTo("set K=C:\\Program Files ^(x86^)\\a^&b");
        assertThatThrownBy(() -> EnvBlock.line("K", "100%", ShellKind.CMD)).isInstanceOf(FerryException.class)
                .hasMessageContaining("Command Prompt");
        assertThatThrownBy(() -> EnvBlock.line("K", "a\nb", ShellKind.UNIX)).isInstanceOf(FerryException.class)
                .hasMessageContaining("line break");
    }

    private static Map<String, String> parsePairs(byte[] body) {
        Map<String, String> out = new HashMap<>();
        int i = 0;
        while (i < body.length && body[i] != 0) {
            int k = i;
            while (body[i] != 0) i++;
            String key = new String(body, k, i - k, StandardCharsets.UTF_8);
            int v = ++i;
            while (body[i] != 0) i++;
            out.put(key, new String(body, v, i - v, StandardCharsets.UTF_8));
            i++;
        }
        return out;
    }
}
