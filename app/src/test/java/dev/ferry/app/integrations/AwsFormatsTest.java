package dev.ferry.app.integrations;

import dev.ferry.app.FerryException;
import dev.ferry.tunnel.testsupport.MotoServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** AWS API formats, credential_process and the config writer, checked with the real AWS CLI and moto. */
class AwsFormatsTest {
    @RegisterExtension
    static MotoServer moto = new MotoServer();

    @TempDir
    Path tmp;

    static final String REALISTIC_CONFIG = """
            # company defaults, do not edit
            [default]
            region = eu-west-1
            output = json

            [profile dev]
            sso_session = corp
            sso_account_id = 111122223333
            sso_role_name = Developer
            region = us-east-1
            s3 =
              max_concurrent_requests = 20
              addressing_style = path

            ; the next one is managed by Ferry
            [profile ferry-prod]
            credential_process = /old/ferry aws credentials --workspace prod
            region = us-west-2

            # SSO session used above
            [sso-session corp]
            sso_start_url = https://corp.awsapps.com/start
            sso_region = eu-west-1
            """;

    AwsApiAccess access(AwsApiAccess.Mode mode) {
        return new AwsApiAccess("AKIAFERRYLOCAL", "s3cr3t/with+chars$`\"", tmp.resolve("ca.pem"), mode, 18443,
                "eu-central-1", "analytics", "s3://results/ferry/", tmp.resolve("truststore.p12"), null, "ferry-prod");
    }

    @Test
    void toStringHidesSecrets() {
        assertThat(access(AwsApiAccess.Mode.HTTPS_PROXY).toString()).doesNotContain("s3cr3t").doesNotContain("changeit")
                .contains("AKIAFERRYLOCAL");
    }

    @Test
    void environmentForEachShell() throws Exception {
        AwsApiFormats f = new AwsApiFormats(access(AwsApiAccess.Mode.HTTPS_PROXY));
        assertThat(f.environment()).containsEntry("HTTPS_PROXY", "http://127.0.0.1:18443").doesNotContainKey("AWS_ENDPOINT_URL")
                .containsEntry("AWS_DEFAULT_REGION", "eu-central-1").containsEntry("AWS_REGION", "eu-central-1")
                .containsEntry("AWS_CA_BUNDLE", tmp.resolve("ca.pem").toString());
        assertThat(new AwsApiFormats(access(AwsApiAccess.Mode.ENDPOINT_URL)).environment())
                .containsEntry("AWS_ENDPOINT_URL", "https://127.0.0.1:18443").doesNotContainKey("HTTPS_PROXY");
        String script = f.environment(ShellKind.UNIX) + "printf '%s|%s' \"$AWS_SECRET_ACCESS_KEY\" \"$HTTPS_PROXY\"";
        assertThat(run(List.of("bash", "-c", script), Map.of()).out).isEqualTo("s3cr3t/with+chars$`\"|http://127.0.0.1:18443");
        assertThat(f.environment(ShellKind.POWERSHELL)).contains("$Env:AWS_SECRET_ACCESS_KEY=\"s3cr3t/with+chars`$```\"\"");
        assertThat(f.environment(ShellKind.TEXT)).contains("AWS_ACCESS_KEY_ID=AKIAFERRYLOCAL\n");
        assertThatThrownBy(() -> f.environment(ShellKind.CMD)).isInstanceOf(FerryException.class);
    }

    @Test
    void athenaJdbcOdbcAndJvmFlags() {
        AwsApiFormats f = new AwsApiFormats(access(AwsApiAccess.Mode.HTTPS_PROXY));
        assertThat(f.athenaJdbcV3()).isEqualTo("jdbc:athena://WorkGroup=analytics;Region=eu-central-1;OutputLocation=s3://results/ferry/;"
                + "User=AKIAFERRYLOCAL;Password=s3cr3t/with+chars$`\";ProxyHost=127.0.0.1;ProxyPort=18443");
        assertThat(f.athenaJdbcLegacy()).isEqualTo("jdbc:awsathena://User=AKIAFERRYLOCAL;Password=s3cr3t/with+chars$`\";"
                + "ProxyHost=127.0.0.1;ProxyPort=18443;AwsRegion=eu-central-1;Workgroup=analytics;S3OutputLocation=s3://results/ferry/");
        assertThat(f.jvmTruststoreFlags()).isEqualTo("-Djavax.net.ssl.trustStore=" + tmp.resolve("truststore.p12")
                + " -Djavax.net.ssl.trustStorePassword=changeit -Djavax.net.ssl.trustStoreType=PKCS12");
        assertThat(f.athenaOdbcDsn()).startsWith("[Ferry AWS Athena Access]\nAuthenticationType = IAM Credentials\nUID = AKIAFERRYLOCAL\n")
                .contains("UseProxy = 1\n", "ProxyPort = 18443\n", "TrustedCerts = " + tmp.resolve("ca.pem"));
        assertThat(f.athenaOdbcConnectionString()).startsWith("DRIVER=Simba Amazon Athena ODBC Connector;AuthenticationType=IAM Credentials;");
        assertThat(f.json()).contains("\"https_proxy\" : \"http://127.0.0.1:18443\"", "\"aws_secret_access_key\"", "\"workgroup\" : \"analytics\"");
        assertThatThrownBy(() -> new AwsApiFormats(access(AwsApiAccess.Mode.ENDPOINT_URL)).athenaJdbcV3())
                .isInstanceOf(FerryException.class).hasMessageContaining("HTTPS proxy mode");
    }

    @Test
    void cliProfileIsReadByTheAwsCli() throws Exception {
        Path config = tmp.resolve("config");
        Files.writeString(config, new AwsApiFormats(access(AwsApiAccess.Mode.ENDPOINT_URL)).cliProfile());
        Map<String, String> env = Map.of("AWS_CONFIG_FILE", config.toString());
        assertThat(run(List.of("aws", "configure", "get", "region", "--profile", "ferry-prod"), env).out.strip()).isEqualTo("eu-central-1");
        assertThat(run(List.of("aws", "configure", "get", "endpoint_url", "--profile", "ferry-prod"), env).out.strip())
                .isEqualTo("https://127.0.0.1:18443");
        assertThat(run(List.of("aws", "configure", "get", "ca_bundle", "--profile", "ferry-prod"), env).out.strip())
                .isEqualTo(tmp.resolve("ca.pem").toString());
    }

    @Test
    void credentialProcessJsonIsAcceptedByTheAwsCliAgainstMoto() throws Exception {
        Instant expiry = Instant.now().plusSeconds(3600);
        AwsSessionCredentials creds = AwsSessionCredentials.builder().accessKeyId("ASIAFERRYTEST").secretAccessKey("secret")
                .sessionToken("token").expirationTime(expiry).build();
        String json = CredentialProcessJson.render(creds);
        assertThat(json).startsWith("{\"Version\":1,\"AccessKeyId\":\"ASIAFERRYTEST\"").contains("\"Expiration\":\"" + expiry.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        Path script = tmp.resolve("creds.sh");
        Files.writeString(script, "#!/bin/sh\ncat <<'JSON'\n" + json + "\nJSON\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        Path config = tmp.resolve("config");
        Files.writeString(config, REALISTIC_CONFIG);
        AwsConfigWriter.upsertProfile(config, "ferry-moto", AwsConfigWriter.credentialProcessSettings(script.toString(), "us-east-1"));
        Result r = run(List.of("aws", "sts", "get-caller-identity", "--profile", "ferry-moto", "--endpoint-url", moto.endpoint(), "--output", "json"),
                Map.of("AWS_CONFIG_FILE", config.toString(), "AWS_SHARED_CREDENTIALS_FILE", tmp.resolve("none").toString()));
        assertThat(r.exit).as(r.out + r.err).isZero();
        assertThat(r.out).contains("\"Account\"");
        Result list = run(List.of("aws", "configure", "list", "--profile", "ferry-moto"),
                Map.of("AWS_CONFIG_FILE", config.toString(), "AWS_SHARED_CREDENTIALS_FILE", tmp.resolve("none").toString()));
        assertThat(list.out).contains("custom-process").contains("us-east-1");
    }

    @Test
    void upsertKeepsEveryOtherLineAndReplacesTheSection() throws Exception {
        Path config = tmp.resolve("config");
        Files.writeString(config, REALISTIC_CONFIG);
        Path backup = AwsConfigWriter.upsertProfile(config, "ferry-prod",
                AwsConfigWriter.credentialProcessSettings("/opt/ferry/bin/ferry aws credentials --workspace prod", "eu-west-1"));
        assertThat(backup).hasContent(REALISTIC_CONFIG);
        String expected = REALISTIC_CONFIG.replace("""
                [profile ferry-prod]
                credential_process = /old/ferry aws credentials --workspace prod
                region = us-west-2
                """, """
                [profile ferry-prod]
                credential_process = /opt/ferry/bin/ferry aws credentials --workspace prod
                region = eu-west-1
                """);
        assertThat(Files.readString(config)).isEqualTo(expected);
        Map<String, String> env = Map.of("AWS_CONFIG_FILE", config.toString());
        assertThat(run(List.of("aws", "configure", "get", "region", "--profile", "ferry-prod"), env).out.strip()).isEqualTo("eu-west-1");
        assertThat(run(List.of("aws", "configure", "get", "region", "--profile", "dev"), env).out.strip()).isEqualTo("us-east-1");

        // a new profile is appended; the rest stays byte for byte
        AwsConfigWriter.upsertProfile(config, "ferry-new", AwsConfigWriter.credentialProcessSettings("ferry x", null));
        assertThat(Files.readString(config)).isEqualTo(expected + "\n[profile ferry-new]\ncredential_process = ferry x\n");
        assertThat(run(List.of("aws", "configure", "get", "credential_process", "--profile", "ferry-new"), env).out.strip()).isEqualTo("ferry x");
    }

    @Test
    void windowsLineEndingsAreKept() throws Exception {
        Path config = tmp.resolve("config");
        String crlf = REALISTIC_CONFIG.replace("\n", "\r\n");
        Files.writeString(config, crlf);
        AwsConfigWriter.upsertProfile(config, "default", Map.of("region", "ap-south-1"));
        String out = Files.readString(config);
        assertThat(out).doesNotContainPattern("[^\r]\n").contains("[default]\r\nregion = ap-south-1\r\n\r\n[profile dev]");
        assertThat(out).endsWith("sso_region = eu-west-1\r\n");
    }

    @Test
    void aFileThatIsNotAConfigIsLeftUntouched() throws Exception {
        Path config = tmp.resolve("config");
        byte[] garbage = {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2, (byte) 0xff, '\n', '[', 'x'};
        Files.write(config, garbage);
        assertThatThrownBy(() -> AwsConfigWriter.upsertProfile(config, "ferry", Map.of("region", "x")))
                .isInstanceOf(FerryException.class).hasMessageContaining("does not look like an AWS config file")
                .hasMessageContaining("left it unchanged");
        assertThat(Files.readAllBytes(config)).isEqualTo(garbage);
        Files.writeString(config, "[default]\nthis is not a setting\n");
        assertThatThrownBy(() -> AwsConfigWriter.upsertProfile(config, "ferry", Map.of("region", "x")))
                .isInstanceOf(FerryException.class).hasMessageContaining("line 2");
        assertThat(Files.readString(config)).isEqualTo("[default]\nthis is not a setting\n");
        try (var files = Files.list(tmp)) {
            assertThat(files.filter(p -> p.getFileName().toString().contains("ferry-backup"))).isEmpty();
        }
    }

    record Result(int exit, String out, String err) {
    }

    static Result run(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command));
        pb.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
        pb.environment().putAll(env);
        Path err = Files.createTempFile("ferry-err", ".txt");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String e = Files.readString(err);
        Files.delete(err);
        return new Result(p.exitValue(), out, e);
    }
}
