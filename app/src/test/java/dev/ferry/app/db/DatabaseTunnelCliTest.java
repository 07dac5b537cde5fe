package dev.ferry.app.db;

import dev.ferry.app.FerryCore;
import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.cli.FerryCli;
import dev.ferry.tunnel.testsupport.MotoServer;
import dev.ferry.app.testsupport.RunningCli;
import dev.ferry.app.testsupport.TestWorkspaces;
import dev.ferry.tunnel.testsupport.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.redshift.RedshiftClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ferry proxy db} end to end: a real PostgreSQL 15 with TLS upstream, credentials
 * from moto (Secrets Manager, Redshift GetClusterCredentials), and the real psql client.
 */
class DatabaseTunnelCliTest {
    @RegisterExtension
    static MotoServer moto = new MotoServer();

    static PostgresServer pg;

    @TempDir
    Path dir;

    @BeforeAll
    static void startPeers() throws Exception {
        pg = PostgresServer.shared();
        pg.psql("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'IAM:alice') THEN "
                + "CREATE ROLE \"IAM:alice\" LOGIN; END IF; END $$");
        var keys = StaticCredentialsProvider.create(AwsBasicCredentials.create(TestWorkspaces.ACCESS_KEY, TestWorkspaces.SECRET_KEY));
        try (SecretsManagerClient sm = SecretsManagerClient.builder().region(Region.US_EAST_1)
                .endpointOverride(URI.create(moto.endpoint())).credentialsProvider(keys).build();
             RedshiftClient rs = RedshiftClient.builder().region(Region.US_EAST_1)
                     .endpointOverride(URI.create(moto.endpoint())).credentialsProvider(keys).build()) {
            sm.createSecret(b -> b.name("orders-app").secretString("{\"username\":\"" + PostgresServer.SCRAM_USER
                    + "\",\"password\":\"" + PostgresServer.PASSWORD + "\"}"));
            rs.createCluster(b -> b.clusterIdentifier("analytics").nodeType("dc2.large")
                    .masterUsername("admin").masterUserPassword("Passw0rd1"));
        }
    }

    @AfterAll
    static void noop() {
        // the shared PostgreSQL server stops with the JVM
    }

    Path workspace() throws IOException {
        String yaml = """
                name: e2e
                aws:
                  region: us-east-1
                databases:
                  - name: orders
                    protocol: postgres
                    uri: localhost:%1$d
                    labels: {env: dev}
                    aws:
                      region: us-east-1
                      secret_store: {secret_id: orders-app}
                    tls: {mode: verify-full, ca_cert_file: %2$s}
                  - name: analytics
                    protocol: postgres
                    uri: localhost:%1$d
                    labels: {env: dev}
                    aws:
                      region: us-east-1
                      redshift: {cluster_id: analytics}
                    tls: {ca_cert_file: %2$s}
                  - name: lost-secret
                    protocol: postgres
                    uri: localhost:%1$d
                    labels: {env: dev}
                    aws:
                      secret_store: {secret_id: does-not-exist}
                    tls: {ca_cert_file: %2$s}
                roles:
                  - name: devs
                    allow:
                      db_labels: {'*': '*'}
                      db_users: [%3$s, alice]
                      db_names: ['*']
                """.formatted(pg.port(), pg.caPem(), PostgresServer.SCRAM_USER);
        Path f = dir.resolve("e2e.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    static String psql(int port, String sql) throws IOException {
        // The client's own user and database are replaced by the tunnel's.
        return PostgresServer.run(List.of("psql", "host=127.0.0.1 port=" + port + " user=whoever dbname=whatever sslmode=disable",
                "-XAtc", sql), 30).trim();
    }

    static ProcessResult psqlResult(int port, String sql) throws Exception {
        Process p = new ProcessBuilder("psql", "host=127.0.0.1 port=" + port + " user=x dbname=y sslmode=disable", "-XAtc", sql)
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        return new ProcessResult(p.waitFor(), output);
    }

    record ProcessResult(int code, String output) {
    }

    FerryEnvironment env() {
        return TestWorkspaces.motoEnv(dir, moto.endpoint());
    }

    @Test
    void secretsManagerPasswordLogsInAsTheSecretsUser() throws Exception {
        RunningCli r = new RunningCli(env(), "proxy", "db", "orders", "--db-user", PostgresServer.SCRAM_USER,
                "--db-name", PostgresServer.DATABASE, "-w", workspace().toString());
        int port = r.port();
        assertThat(r.out()).contains("Secrets Manager secret orders-app")
                .contains("psql \"host=127.0.0.1 port=" + port).contains("jdbc:postgresql://127.0.0.1:" + port);
        assertThat(psql(port, "select current_user || '@' || current_database() || ' ssl=' || "
                + "(select ssl from pg_stat_ssl where pid = pg_backend_pid())"))
                .isEqualTo(PostgresServer.SCRAM_USER + "@" + PostgresServer.DATABASE + " ssl=true");
        assertThat(r.stop()).isZero();
        assertThat(r.err()).contains("Stopped orders");
        try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void redshiftTemporaryCredentialsLogInAsTheIamUser() throws Exception {
        RunningCli r = new RunningCli(env(), "proxy", "db", "analytics", "--db-user", "alice",
                "--db-name", PostgresServer.DATABASE, "-w", workspace().toString());
        int port = r.port();
        assertThat(r.out()).contains("Redshift temporary credentials").contains("jdbc:redshift://127.0.0.1:" + port);
        assertThat(psql(port, "select current_user")).isEqualTo("IAM:alice");
        assertThat(r.stop()).isZero();
    }

    @Test
    void credentialsThatCannotBeObtainedReachTheClientInPlainWords() throws Exception {
        RunningCli r = new RunningCli(env(), "proxy", "db", "lost-secret", "--db-user", PostgresServer.SCRAM_USER,
                "--db-name", PostgresServer.DATABASE, "-w", workspace().toString());
        int port = r.port();
        ProcessResult res = psqlResult(port, "select 1");
        assertThat(res.code()).isNotZero();
        assertThat(res.output()).contains("ferry: credentials could not be obtained")
                .contains("Secrets Manager GetSecretValue for lost-secret failed: ResourceNotFoundException");
        assertThat(r.stop()).isZero();
    }

    @Test
    void theRememberedPortIsReusedNextTime() throws Exception {
        Path ws = workspace();
        RunningCli first = new RunningCli(env(), "proxy", "db", "orders", "--db-user", PostgresServer.SCRAM_USER,
                "--db-name", PostgresServer.DATABASE, "-w", ws.toString());
        int port = first.port();
        assertThat(first.stop()).isZero();
        RunningCli second = new RunningCli(env(), "proxy", "db", "orders", "--db-user", PostgresServer.SCRAM_USER,
                "--db-name", PostgresServer.DATABASE, "-w", ws.toString());
        assertThat(second.port()).isEqualTo(port);
        assertThat(second.stop()).isZero();
    }

    @Test
    void userNotAllowedByTheWorkspaceAndTakenPortAreClearErrors() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try (FerryCore core = new FerryCore(env())) {
            int code = FerryCli.run(core, new String[]{"proxy", "db", "orders", "--db-user", "mallory", "--db-name", "x",
                    "-w", workspace().toString()}, new PrintWriter(out), new PrintWriter(err));
            assertThat(code).isEqualTo(1);
            assertThat(err.toString()).contains("does not allow database user 'mallory'").contains("Allowed users: u_scram, alice");
        }
        try (FerryCore core = new FerryCore(env())) {
            StringWriter e1 = new StringWriter();
            // PostgreSQL names its database in the startup packet the tunnel sends: the name stays required
            int code = FerryCli.run(core, new String[]{"proxy", "db", "orders", "--db-user", "alice",
                    "-w", workspace().toString()}, new PrintWriter(new StringWriter()), new PrintWriter(e1));
            assertThat(code).isEqualTo(1);
            assertThat(e1.toString()).contains("needs a database user and a database name");
        }
        try (ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             FerryCore core = new FerryCore(env())) {
            StringWriter e2 = new StringWriter();
            int code = FerryCli.run(core, new String[]{"proxy", "db", "orders", "--db-user", "alice", "--db-name", "x",
                    "--port", String.valueOf(squatter.getLocalPort()), "-w", workspace().toString()},
                    new PrintWriter(new StringWriter()), new PrintWriter(e2));
            assertThat(code).isEqualTo(1);
            assertThat(e2.toString()).contains("Port " + squatter.getLocalPort() + " on 127.0.0.1 is already in use");
        }
    }
}
