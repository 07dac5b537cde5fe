package dev.ferry.app.db;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.app.FerryCore;
import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.cli.FerryCli;
import dev.ferry.app.integrations.UrlQuery;
import dev.ferry.app.testsupport.RunningCli;
import dev.ferry.app.testsupport.TestWorkspaces;
import dev.ferry.tunnel.testsupport.MariaDbServer;
import dev.ferry.tunnel.testsupport.MotoServer;
import dev.ferry.tunnel.testsupport.Processes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code protocol: mysql} database of a standalone workspace end to end: the real MariaDB
 * upstream with TLS (verify-full against its test CA), credentials from a Secrets Manager secret in
 * moto or an RDS IAM token (MariaDB's pam plugin asks for it in clear text, and a PAM stack records
 * what it got), {@code ferry proxy db} printing the mysql/mariadb commands and JDBC URLs, and those
 * very commands and URLs used with the real mariadb client, MariaDB Connector/J and MySQL Connector/J.
 */
class MySqlDatabaseTunnelTest {
    @RegisterExtension
    static MotoServer moto = new MotoServer();

    static final String ROLE = "arn:aws:iam::222222222222:role/db-connect";

    final MariaDbServer db = MariaDbServer.shared();

    @TempDir
    Path dir;

    Path workspace;

    @BeforeEach
    void setUp() throws Exception {
        moto.reset();
        var keys = StaticCredentialsProvider.create(AwsBasicCredentials.create(TestWorkspaces.ACCESS_KEY, TestWorkspaces.SECRET_KEY));
        try (SecretsManagerClient sm = SecretsManagerClient.builder().region(Region.US_EAST_1)
                .endpointOverride(URI.create(moto.endpoint())).credentialsProvider(keys).build()) {
            sm.createSecret(b -> b.name("shop-app").secretString("{\"username\":\"" + MariaDbServer.NATIVE_USER
                    + "\",\"password\":\"" + MariaDbServer.PASSWORD + "\",\"engine\":\"mysql\"}"));
        }
        workspace = dir.resolve("shop.yaml");
        Files.writeString(workspace, """
                name: shop
                aws:
                  region: us-east-1
                databases:
                  - name: shop
                    description: Shop database
                    protocol: mysql
                    uri: 127.0.0.1:%1$d
                    labels: {env: dev}
                    aws:
                      region: us-east-1
                      secret_store: {secret_id: shop-app}
                    tls: {mode: verify-full, ca_cert_file: %2$s}
                  - name: shop-iam
                    protocol: mysql
                    uri: 127.0.0.1:%1$d
                    labels: {env: dev}
                    aws:
                      region: us-east-1
                      assume_role_arn: %3$s
                      rds: {instance_id: shop}
                    tls: {ca_cert_file: %2$s}
                roles:
                  - name: devs
                    allow:
                      db_labels: {'*': '*'}
                      db_users: [%4$s, %5$s]
                      db_names: ['*']
                """.formatted(db.port(), db.caPem(), ROLE, MariaDbServer.NATIVE_USER, MariaDbServer.IAM_USER));
    }

    FerryEnvironment env() {
        return TestWorkspaces.motoEnv(dir, moto.endpoint());
    }

    /** What the command printed from {@code prefix} to the end of that line. */
    static String line(String out, String prefix) {
        Matcher m = Pattern.compile(Pattern.quote(prefix) + "[^\n]*").matcher(out);
        assertThat(m.find()).as("a line with " + prefix + " in:\n" + out).isTrue();
        return m.group().trim();
    }

    static String query(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            StringBuilder b = new StringBuilder(rs.getString(1));
            for (int i = 2; i <= rs.getMetaData().getColumnCount(); i++) {
                b.append(' ').append(rs.getString(i));
            }
            return b.toString();
        }
    }

    @Test
    void secretsManagerLoginWithTheMariadbClientAndBothJdbcDrivers() throws Exception {
        RunningCli r = new RunningCli(env(), "proxy", "db", "shop", "--db-user", MariaDbServer.NATIVE_USER,
                "--db-name", MariaDbServer.DATABASE, "-w", workspace.toString());
        int port = r.port();
        String out = r.out();
        assertThat(out).contains("Secrets Manager secret shop-app")
                .contains("Use the following command to connect with mysql:\n  mysql -h 127.0.0.1 -P " + port
                        + " -u " + MariaDbServer.NATIVE_USER + " " + MariaDbServer.DATABASE + "\n")
                .contains("or with mariadb:\n  mariadb -h 127.0.0.1 -P " + port)
                .contains("JDBC URLs:\n  JDBC (MySQL Connector/J): jdbc:mysql://127.0.0.1:" + port + "/"
                        + MariaDbServer.DATABASE + "?user=" + MariaDbServer.NATIVE_USER + "&sslMode=DISABLED\n")
                .contains("  JDBC (MariaDB Connector/J): jdbc:mariadb://127.0.0.1:" + port + "/"
                        + MariaDbServer.DATABASE + "?user=" + MariaDbServer.NATIVE_USER + "\n")
                .doesNotContain(MariaDbServer.PASSWORD);

        // The printed client command, run as printed (no password: the tunnel logs in).
        String mariadb = line(out, "mariadb -h");
        var client = Processes.run(List.of("sh", "-c", mariadb + " -N -B -e "
                + "\"select current_user(), database(); show session status like 'Ssl_version'\""), null, 60);
        assertThat(client.exit()).as(client.err()).isZero();
        assertThat(client.out()).startsWith(MariaDbServer.NATIVE_USER + "@%\t" + MariaDbServer.DATABASE + "\n")
                .containsPattern("Ssl_version\tTLSv1\\.[23]");

        // Both drivers with the printed URLs, TLS upstream all the same.
        String sql = "select current_user(), database(), (select variable_value from information_schema.session_status "
                + "where variable_name = 'Ssl_version')";
        for (String url : List.of(line(out, "jdbc:mysql://"), line(out, "jdbc:mariadb://"))) {
            assertThat(query(url, sql)).as(url).matches(Pattern.quote(MariaDbServer.NATIVE_USER + "@% "
                    + MariaDbServer.DATABASE + " ") + "TLSv1\\.[23]");
        }
        assertThat(r.stop()).isZero();
        assertThat(r.err()).contains("Stopped shop");
    }

    @Test
    void iamTokenIsForTheRealHostPortAndUserSignedWithTheAssumedRole() throws Exception {
        db.expectIamToken("only-a-token-this-test-cannot-know");
        int before = db.iamTokensReceived().size();
        RunningCli r = new RunningCli(env(), "proxy", "db", "shop-iam", "--db-user", MariaDbServer.IAM_USER,
                "--db-name", MariaDbServer.DATABASE, "-w", workspace.toString());
        r.port();
        assertThat(r.out()).contains("RDS IAM authentication token");
        String mariadb = line(r.out(), "mariadb -h");
        // PAM says no to a token it does not expect: the server's own answer passes through.
        var denied = Processes.run(List.of("sh", "-c", mariadb + " -e 'select 1'"), null, 60);
        assertThat(denied.exit()).isNotZero();
        assertThat(denied.err()).contains("ERROR 1045 (28000): Access denied for user '" + MariaDbServer.IAM_USER + "'");
        // Told to accept tokens for this host:port (the test cannot know the signed token in advance), it lets
        // the tunnel in, over TLS, as the IAM user; the tokens themselves are checked below.
        db.acceptIamTokensStartingWith("127.0.0.1:" + db.port() + "/?");
        try {
            var ok = Processes.run(List.of("sh", "-c", mariadb + " -N -B -e "
                    + "\"select current_user(), database(); show session status like 'Ssl_version'\""), null, 60);
            assertThat(ok.exit()).as(ok.err()).isZero();
            assertThat(ok.out()).startsWith(MariaDbServer.IAM_USER + "@%\t" + MariaDbServer.DATABASE + "\n")
                    .containsPattern("Ssl_version\tTLSv1\\.[23]");
        } finally {
            db.acceptIamTokensStartingWith("");
        }
        assertThat(r.stop()).isZero();

        List<String> tokens = db.iamTokensReceived().subList(before, db.iamTokensReceived().size());
        assertThat(tokens).hasSize(2);
        var assumed = moto.state().path("sts").path("AssumedRole");
        assertThat(assumed).as("the role is assumed once for both connections").hasSize(1);
        assertThat(assumed.get(0).path("role_arn").asText()).isEqualTo(ROLE);
        for (String token : tokens) {
            // Signed for the host:port the tunnel connects to, for the db user, with the assumed role's credentials.
            // pam_exec hands a PAM module at most 511 bytes (PAM_MAX_RESP_SIZE), so what is recorded ends inside
            // X-Amz-SignedHeaders: the role's session token is there whole, the key id and signature are not
            // (DbAuthTest recomputes the signature of the same SDK call against moto's key).
            assertThat(token).startsWith("127.0.0.1:" + db.port() + "/?");
            Map<String, String> q = UrlQuery.parse(token.substring(token.indexOf('?') + 1));
            assertThat(q).as(token).containsEntry("Action", "connect").containsEntry("DBUser", MariaDbServer.IAM_USER)
                    .containsEntry("X-Amz-Algorithm", "AWS4-HMAC-SHA256")
                    .containsEntry("X-Amz-Security-Token", assumed.get(0).path("session_token").asText())
                    .containsKey("X-Amz-Date");
        }
    }

    @Test
    void withoutADbNameEachClientPicksItsOwnDatabaseOrNone() throws Exception {
        RunningCli r = new RunningCli(env(), "proxy", "db", "shop", "--db-user", MariaDbServer.NATIVE_USER,
                "-w", workspace.toString());
        int port = r.port();
        String out = r.out();
        assertThat(out).contains("  mariadb -h 127.0.0.1 -P " + port + " -u " + MariaDbServer.NATIVE_USER + "\n")
                .contains("jdbc:mariadb://127.0.0.1:" + port + "/?user=" + MariaDbServer.NATIVE_USER + "\n");
        String mariadb = line(out, "mariadb -h");
        String sql = " -N -B -e \"select current_user(), ifnull(database(), 'NONE')\"";
        var none = Processes.run(List.of("sh", "-c", mariadb + sql), null, 60);
        assertThat(none.exit()).as(none.err()).isZero();
        assertThat(none.out().strip()).isEqualTo(MariaDbServer.NATIVE_USER + "@%\tNONE");
        var own = Processes.run(List.of("sh", "-c", mariadb + " " + MariaDbServer.DATABASE + sql), null, 60);
        assertThat(own.exit()).as(own.err()).isZero();
        assertThat(own.out().strip()).isEqualTo(MariaDbServer.NATIVE_USER + "@%\t" + MariaDbServer.DATABASE);
        String base = "//127.0.0.1:" + port + "/" + MariaDbServer.DATABASE + "?user=" + MariaDbServer.NATIVE_USER;
        assertThat(query("jdbc:mariadb:" + base, "select database()")).isEqualTo(MariaDbServer.DATABASE);
        assertThat(query("jdbc:mysql:" + base + "&sslMode=DISABLED", "select database()")).isEqualTo(MariaDbServer.DATABASE);
        assertThat(r.stop()).isZero();
    }

    @Test
    void aDbNameIsStillNeededWhereTheRolesAllowOnlySomeNames() throws Exception {
        Files.writeString(workspace, Files.readString(workspace).replace("db_names: ['*']", "db_names: [shopdb]"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try (FerryCore core = new FerryCore(env())) {
            assertThat(FerryCli.run(core, new String[]{"proxy", "db", "shop", "--db-user", MariaDbServer.NATIVE_USER,
                    "-w", workspace.toString()}, new PrintWriter(out), new PrintWriter(err))).isNotZero();
        }
        assertThat(err.toString()).contains("needs a database user and a database name").contains("shopdb");
    }

    @Test
    void dbLsShowsTheProtocol() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try (FerryCore core = new FerryCore(env())) {
            assertThat(FerryCli.run(core, new String[]{"db", "ls", "-w", workspace.toString()}, new PrintWriter(out),
                    new PrintWriter(err))).as(err.toString()).isZero();
        }
        String table = out.toString();
        assertThat(table.lines().findFirst().orElseThrow()).contains("Type").contains("Protocol");
        assertThat(table).containsPattern("(?m)^shop\\s+Shop database\\s+MySQL\\s+mysql\\s+");

        StringWriter json = new StringWriter();
        try (FerryCore core = new FerryCore(env())) {
            assertThat(FerryCli.run(core, new String[]{"db", "ls", "--format=json", "-w", workspace.toString()},
                    new PrintWriter(json), new PrintWriter(err))).isZero();
        }
        JsonNode dbs = new ObjectMapper().readTree(json.toString());
        assertThat(dbs.get(0).get("protocol").asText()).isEqualTo("mysql");
        assertThat(dbs.get(1).get("type").asText()).isEqualTo("RDS MySQL");
    }
}
