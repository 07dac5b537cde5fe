package dev.ferry.app.awsproxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.app.FerryCore;
import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.cli.FerryCli;
import dev.ferry.tunnel.testsupport.MotoServer;
import dev.ferry.app.testsupport.RunningCli;
import dev.ferry.app.testsupport.TestWorkspaces;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** `ferry proxy aws`, `ferry credentials` and `ferry keystore` with real AWS clients against moto. */
class AwsProxyCliTest {
    @RegisterExtension
    static MotoServer moto = new MotoServer();

    @TempDir
    Path dir;

    Path workspace;
    FerryEnvironment env;

    @BeforeEach
    void setUp() throws Exception {
        workspace = TestWorkspaces.exampleFor(dir, "http://127.0.0.1:9/federation");
        env = TestWorkspaces.motoEnv(dir, moto.endpoint());
    }

    record Result(int code, String out, String err) {
    }

    Result ferry(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try (FerryCore core = new FerryCore(env)) {
            int code = FerryCli.run(core, args, new PrintWriter(out), new PrintWriter(err));
            return new Result(code, out.toString(), err.toString());
        }
    }


    /** Runs a real client with exactly these variables (no AWS endpoint override: it must go through the proxy). */
    static Result run(Map<String, String> vars, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.toUpperCase().endsWith("_PROXY"));
        pb.environment().putAll(vars);
        pb.environment().put("AWS_CONFIG_FILE", "/nonexistent");
        pb.environment().put("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        String err = new String(p.getErrorStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out, err);
    }

    @Test
    void theAwsCliThroughTheProxyActsAsTheRole() throws Exception {
        RunningCli proxy = new RunningCli(env, "proxy", "aws", "--app", "aws-prod", "--aws-role", "ReadOnly",
                "-w", workspace.toString());
        int port = proxy.port();
        Map<String, String> vars = RunningCli.exports(proxy.out());
        assertThat(vars).containsKeys("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_CA_BUNDLE", "HTTPS_PROXY");
        assertThat(vars.get("HTTPS_PROXY")).isEqualTo("http://127.0.0.1:" + port);
        assertThat(vars.get("AWS_SECRET_ACCESS_KEY")).isNotEqualTo(TestWorkspaces.SECRET_KEY);

        Result who = run(vars, "aws", "sts", "get-caller-identity", "--output", "json");
        assertThat(who.code()).as(who.err()).isZero();
        assertThat(new ObjectMapper().readTree(who.out()).get("Arn").asText())
                .isEqualTo("arn:aws:sts::111111111111:assumed-role/ReadOnly/alice@acme.example");

        Map<String, String> wrong = new HashMap<>(vars);
        wrong.put("AWS_SECRET_ACCESS_KEY", "not-the-local-secret-" + "x".repeat(20));
        Result refused = run(wrong, "aws", "sts", "get-caller-identity");
        assertThat(refused.code()).isNotZero();
        assertThat(refused.err()).contains("SignatureDoesNotMatch").contains("local credentials");

        assertThat(proxy.stop()).isZero();
        assertThat(proxy.err()).contains("Stopped aws-prod (ReadOnly)");
    }

    @Test
    void endpointUrlModeWithTheLocalCa() throws Exception {
        RunningCli proxy = new RunningCli(env, "proxy", "aws", "--app", "aws-staging", "--aws-role", "Admin",
                "--endpoint-url", "-w", workspace.toString());
        int port = proxy.port();
        Map<String, String> vars = RunningCli.exports(proxy.out());
        assertThat(vars.get("AWS_ENDPOINT_URL")).isEqualTo("https://127.0.0.1:" + port);
        Result who = run(vars, "aws", "sts", "get-caller-identity", "--output", "json");
        assertThat(who.code()).as(who.err()).isZero();
        assertThat(who.out()).contains("assumed-role/Admin/alice@acme.example");
        // the external id of the app was used when Ferry assumed the role
        List<String> externalIds = new ArrayList<>();
        moto.state().path("sts").path("AssumedRole").forEach(r -> externalIds.add(r.path("external_id").asText()));
        assertThat(externalIds).contains("acme-staging-7f3c");
        assertThat(proxy.stop()).isZero();
    }

    @Test
    void formatsForJdbcAndJson() throws Exception {
        RunningCli jdbc = new RunningCli(env, "proxy", "aws", "--app", "aws-prod", "--aws-role", "ReadOnly",
                "--format", "athena-jdbc", "-w", workspace.toString());
        int port = jdbc.port();
        assertThat(jdbc.out()).contains("jdbc:athena://").contains("ProxyPort=" + port)
                .contains("jdbc:awsathena://").contains("-Djavax.net.ssl.trustStore=");
        assertThat(jdbc.stop()).isZero();
        RunningCli json = new RunningCli(env, "proxy", "aws", "--app", "aws-prod", "--aws-role", "ReadOnly",
                "--format", "json", "-w", workspace.toString());
        json.port();
        JsonNode node = new ObjectMapper().readTree(json.out());
        assertThat(node.toString()).contains("127.0.0.1");
        assertThat(json.stop()).isZero();
        Result bad = ferry("proxy", "aws", "--app", "aws-prod", "--aws-role", "ReadOnly", "--format", "yaml",
                "-w", workspace.toString());
        assertThat(bad.code()).isEqualTo(2); // a usage error, as picocli reports any bad option value
        assertThat(bad.err()).contains("Unknown format 'yaml'").contains("athena-odbc");
    }

    @Test
    void credentialProcessOutputIsAcceptedByTheAwsCli() throws Exception {
        Result creds = ferry("credentials", "--app", "aws-prod", "--aws-role", "engineering/Developer",
                "-w", workspace.toString());
        assertThat(creds.code()).as(creds.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(creds.out());
        assertThat(json.get("Version").asInt()).isEqualTo(1);
        Path saved = dir.resolve("creds.json");
        Files.writeString(saved, creds.out());
        Path config = dir.resolve("aws-cli-config");
        Files.writeString(config, "[profile via-ferry]\nregion = us-east-1\ncredential_process = cat " + saved + "\n");
        Result who = runWithConfig(config, "aws", "sts", "get-caller-identity", "--profile", "via-ferry",
                "--endpoint-url", moto.endpoint(), "--output", "json");
        assertThat(who.code()).as(who.err()).isZero();
        assertThat(who.out()).contains("assumed-role/Developer/alice@acme.example");
    }

    static Result runWithConfig(Path config, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
        pb.environment().put("AWS_CONFIG_FILE", config.toString());
        pb.environment().put("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        String err = new String(p.getErrorStream().readAllBytes());
        p.waitFor(60, TimeUnit.SECONDS);
        return new Result(p.exitValue(), out, err);
    }

    @Test
    void javaSdkClientsTrustTheKeystoreFerryWrote() throws Exception {
        Path truststore = dir.resolve("jdbc-truststore.p12");
        Result imported = ferry("keystore", "import", "--keystore", truststore.toString(), "-w", workspace.toString());
        assertThat(imported.code()).as(imported.err()).isZero();
        assertThat(imported.out()).contains("Created " + truststore).contains("ferry-acme");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(truststore)) {
            ks.load(in, "changeit".toCharArray());
        }
        assertThat(((X509Certificate) ks.getCertificate("ferry-acme")).getBasicConstraints()).isGreaterThanOrEqualTo(0);

        RunningCli proxy = new RunningCli(env, "proxy", "aws", "--app", "aws-prod", "--aws-role", "ReadOnly",
                "-w", workspace.toString());
        proxy.port();
        Map<String, String> vars = RunningCli.exports(proxy.out());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Result sdk = run(Map.of(), java, "-cp", System.getProperty("java.class.path"),
                "-Djavax.net.ssl.trustStore=" + truststore, "-Djavax.net.ssl.trustStorePassword=changeit",
                SdkThroughProxyMain.class.getName(), vars.get("HTTPS_PROXY"), vars.get("AWS_ACCESS_KEY_ID"),
                vars.get("AWS_SECRET_ACCESS_KEY"));
        assertThat(sdk.code()).as(sdk.err()).isZero();
        assertThat(sdk.out()).contains("dynamodb=through-ferry").contains("athena-workgroups=");

        // Without Ferry's CA in the trust store, the same client refuses the connection.
        Result untrusted = run(Map.of(), java, "-cp", System.getProperty("java.class.path"),
                SdkThroughProxyMain.class.getName(), vars.get("HTTPS_PROXY"), vars.get("AWS_ACCESS_KEY_ID"),
                vars.get("AWS_SECRET_ACCESS_KEY"));
        assertThat(untrusted.code()).isNotZero();
        assertThat(untrusted.err()).containsIgnoringCase("PKIX");
        assertThat(proxy.stop()).isZero();
    }

    @Test
    void keystoreImportWithAWrongPasswordLeavesTheStoreUntouched() throws Exception {
        Path store = dir.resolve("store.p12");
        assertThat(ferry("keystore", "import", "--keystore", store.toString(), "--storepass", "s3cret").code()).isZero();
        byte[] before = Files.readAllBytes(store);
        Result wrong = ferry("keystore", "import", "--keystore", store.toString(), "--storepass", "nope");
        assertThat(wrong.code()).isEqualTo(1);
        assertThat(wrong.err()).containsIgnoringCase("password");
        assertThat(Files.readAllBytes(store)).isEqualTo(before);
        Result targets = ferry("keystore", "targets");
        assertThat(targets.code()).isZero();
        assertThat(targets.out()).contains("truststore.p12");
    }

    @Test
    void rotatingTheCaReimportsItWhereverItWasImported() throws Exception {
        Path plain = dir.resolve("plain.jks");
        java.security.KeyStore jks = java.security.KeyStore.getInstance("JKS");
        jks.load(null, null);
        try (var o = Files.newOutputStream(plain)) {
            jks.store(o, "changeit".toCharArray());
        }
        Path own = dir.resolve("own.p12");
        assertThat(ferry("keystore", "import", "--keystore", plain.toString(), "--alias", "ferry-test").code()).isZero();
        assertThat(ferry("keystore", "import", "--keystore", own.toString(), "--storepass", "s3cret", "--alias", "ferry-test").code()).isZero();
        java.security.cert.Certificate before = load(plain, "changeit").getCertificate("ferry-test");

        // Without the other store's password, that one is reported (exit 1) and the rest is done.
        Result r = ferry("keystore", "rotate-ca");
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).contains(own.toString()).contains("password");
        java.security.cert.Certificate after = load(plain, "changeit").getCertificate("ferry-test");
        assertThat(after).isNotEqualTo(before);
        Path caPem;
        try (FerryCore core = new FerryCore(env)) {
            caPem = core.ca().certificatePemPath();
        }
        try (var in = Files.newInputStream(caPem)) {
            assertThat(after).isEqualTo(java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        assertThat(r.out()).contains("Updated " + plain);

        // With it, every store follows the next rotation.
        Result again = ferry("keystore", "rotate-ca", "--storepass", "s3cret");
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(load(own, "s3cret").getCertificate("ferry-test")).isEqualTo(load(plain, "changeit").getCertificate("ferry-test"))
                .isNotEqualTo(after);
    }

    static java.security.KeyStore load(Path file, String password) throws Exception {
        return java.security.KeyStore.getInstance(file.toFile(), password.toCharArray());
    }
}
