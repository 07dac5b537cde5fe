package dev.ferry.app.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.app.FerryCore;
import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.cli.FerryCli;
import dev.ferry.tunnel.testsupport.MotoServer;
import dev.ferry.app.testsupport.RunningCli;
import dev.ferry.app.testsupport.SigninEndpointDouble;
import dev.ferry.app.testsupport.TestWorkspaces;
import dev.ferry.tunnel.testsupport.PostgresServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.redshift.RedshiftClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A whole session with the log file on (as the desktop and the CLI set it up, Ferry's own lines at
 * DEBUG): status, a console sign-in URL, credential_process credentials, an AWS API proxy used by
 * the real AWS CLI (and a request signed with a wrong key), database tunnels authenticated with a
 * Secrets Manager secret, Redshift temporary credentials and an RDS IAM token, and failing
 * commands. Then the log is read: it holds the session's work and errors with stack traces, and
 * none of the secrets that went through.
 */
class LogHoldsNoSecretsTest {
    @RegisterExtension
    static MotoServer moto = new MotoServer();

    @TempDir
    Path dir;

    Path log;
    FerryEnvironment env;
    final List<String> secrets = new ArrayList<>();

    @AfterEach
    void stopFileLogging() {
        FerryLogging.stopFile();
        ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("dev.ferry").setLevel(null);
    }

    record Result(int code, String out, String err) {
    }

    Result ferry(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try (FerryCore core = new FerryCore(env, url -> { })) {
            int code = FerryCli.run(core, args, new PrintWriter(out), new PrintWriter(err));
            return new Result(code, out.toString(), err.toString());
        }
    }

    Path workspace(PostgresServer pg, URI signin) throws Exception {
        Path f = dir.resolve("session.yaml");
        Files.writeString(f, """
                name: session
                user: alice@acme.example
                aws: {region: us-east-1, signin_endpoint: %4$s}
                apps:
                  - name: aws-prod
                    uri: https://console.aws.amazon.com/ec2/v2/home
                    labels: {aws_account_id: "111111111111", env: prod}
                databases:
                  - name: orders
                    protocol: postgres
                    uri: localhost:%1$d
                    aws: {region: us-east-1, secret_store: {secret_id: orders-app}}
                    tls: {ca_cert_file: %2$s}
                  - name: analytics
                    protocol: postgres
                    uri: localhost:%1$d
                    aws: {region: us-east-1, redshift: {cluster_id: analytics}}
                    tls: {ca_cert_file: %2$s}
                  - name: inventory
                    protocol: postgres
                    uri: localhost:%1$d
                    aws: {region: us-east-1, rds: {instance_id: inventory}}
                    tls: {ca_cert_file: %2$s}
                roles:
                  - name: everyone
                    allow:
                      app_labels: {'*': '*'}
                      aws_role_arns: [arn:aws:iam::111111111111:role/ReadOnly]
                      db_labels: {'*': '*'}
                      db_users: ['*']
                      db_names: ['*']
                """.formatted(pg.port(), pg.caPem(), PostgresServer.SCRAM_USER, signin));
        return f;
    }

    static String run(Map<String, String> extraEnv, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.toUpperCase().endsWith("_PROXY"));
        pb.environment().put("AWS_CONFIG_FILE", "/dev/null");
        pb.environment().put("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
        pb.environment().putAll(extraEnv);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    static Map<String, String> textFormat(String out) {
        Map<String, String> vars = new HashMap<>();
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.startsWith("AWS_") || line.startsWith("HTTPS_PROXY=")) {
                vars.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        }
        return vars;
    }

    @Test
    void aWholeSessionLeavesNoSecretInTheLog() throws Exception {
        log = FerryLogging.toFile(dir.resolve("state/logs/ferry-cli.log"));
        ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("dev.ferry").setLevel(Level.DEBUG);
        env = TestWorkspaces.motoEnv(dir, moto.endpoint());
        secrets.add(TestWorkspaces.SECRET_KEY);
        secrets.add(PostgresServer.PASSWORD);
        PostgresServer pg = PostgresServer.shared();
        var keys = StaticCredentialsProvider.create(AwsBasicCredentials.create(TestWorkspaces.ACCESS_KEY, TestWorkspaces.SECRET_KEY));
        try (SecretsManagerClient sm = SecretsManagerClient.builder().region(Region.US_EAST_1)
                .endpointOverride(URI.create(moto.endpoint())).credentialsProvider(keys).build();
             RedshiftClient rs = RedshiftClient.builder().region(Region.US_EAST_1)
                     .endpointOverride(URI.create(moto.endpoint())).credentialsProvider(keys).build()) {
            sm.createSecret(b -> b.name("orders-app").secretString("{\"username\":\"" + PostgresServer.SCRAM_USER
                    + "\",\"password\":\"" + PostgresServer.PASSWORD + "\"}"));
            rs.createCluster(b -> b.clusterIdentifier("analytics").nodeType("dc2.large")
                    .masterUsername("admin").masterUserPassword("Passw0rd1"));
            secrets.add(rs.getClusterCredentials(b -> b.clusterIdentifier("analytics").dbUser("alice")
                    .dbName("dev").durationSeconds(900)).dbPassword());
        }
        try (SigninEndpointDouble signin = new SigninEndpointDouble(moto.endpoint())) {
            String ws = workspace(pg, signin.endpoint()).toString();

            assertThat(ferry("status", "-w", ws).code()).isZero();
            Result console = ferry("console", "aws-prod", "--aws-role", "ReadOnly", "--print", "-w", ws);
            assertThat(console.code()).as(console.err()).isZero();
            secrets.add(SigninEndpointDouble.query(URI.create(console.out().trim()).getRawQuery()).get("SigninToken"));

            Result creds = ferry("credentials", "--app", "aws-prod", "--aws-role", "ReadOnly", "-w", ws);
            assertThat(creds.code()).as(creds.err()).isZero();
            JsonNode c = new ObjectMapper().readTree(creds.out());
            secrets.add(c.get("SecretAccessKey").asText());
            secrets.add(c.get("SessionToken").asText());

            RunningCli proxy = new RunningCli(env, "proxy", "aws", "--app", "aws-prod", "--aws-role", "ReadOnly",
                    "--format", "text", "-w", ws);
            proxy.port();
            Map<String, String> vars = textFormat(proxy.out());
            secrets.add(vars.get("AWS_SECRET_ACCESS_KEY"));
            assertThat(run(vars, "aws", "sts", "get-caller-identity", "--output", "text", "--query", "Arn"))
                    .contains("assumed-role/ReadOnly");
            Map<String, String> forged = new HashMap<>(vars);
            forged.put("AWS_SECRET_ACCESS_KEY", "not-the-local-secret-key-000000000000000");
            assertThat(run(forged, "aws", "sts", "get-caller-identity")).isNotBlank();
            assertThat(proxy.stop()).isZero();

            for (String[] db : new String[][]{{"orders", PostgresServer.SCRAM_USER}, {"analytics", "alice"},
                    {"inventory", PostgresServer.PASSWORD_USER}}) {
                RunningCli tunnel = new RunningCli(env, "proxy", "db", db[0], "--db-user", db[1], "--db-name",
                        PostgresServer.DATABASE, "-w", ws);
                int port = tunnel.port();
                run(Map.of(), "psql", "host=127.0.0.1 port=" + port + " user=x dbname=y sslmode=disable connect_timeout=10",
                        "-XAtc", "select 1");
                assertThat(tunnel.stop()).isZero();
            }

            assertThat(ferry("credentials", "--app", "aws-prod", "--aws-role", "NoSuchRole", "-w", ws).code()).isEqualTo(1);
            assertThat(ferry("keystore", "import", "--keystore", Files.writeString(dir.resolve("not-a-keystore.p12"), "garbage").toString(),
                    "--storepass", "store-password-secret", "-w", ws).code()).isNotZero();
            secrets.add("store-password-secret");
        }
        FerryLogging.stopFile();

        String text = Files.readString(log);
        assertThat(text).as("the log holds the session").contains("Tunnel orders (").contains("AWS API proxy")
                .contains("ferry credentials failed").contains("\tat dev.ferry.");
        for (String s : secrets) {
            assertThat(s).isNotBlank();
            assertThat(text).as("a secret of the session is in the log").doesNotContain(s);
        }
        for (Pattern shape : List.of(Pattern.compile("X-Amz-Signature=[0-9a-f]{16}"),
                Pattern.compile("X-Amz-Security-Token="), Pattern.compile("SigninToken=[^&\\s]{8}"),
                Pattern.compile("(?i)\"?sessionToken\"?\\s*[:=]\\s*\"?[A-Za-z0-9/+]{16}"))) {
            Matcher m = shape.matcher(text);
            assertThat(m.find()).as("something shaped like a secret (" + shape + ") is in the log").isFalse();
        }
    }
}
