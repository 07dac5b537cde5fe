package dev.ferry.app.standalone;

import dev.ferry.app.workspace.StandaloneWorkspace;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.app.FerryCore;
import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.FerryException;
import dev.ferry.app.access.AccessProvider;
import dev.ferry.app.access.Identity;
import dev.ferry.app.model.AppResource;
import dev.ferry.app.model.AwsRole;
import dev.ferry.tunnel.testsupport.MotoServer;
import dev.ferry.app.testsupport.SigninEndpointDouble;
import dev.ferry.app.testsupport.TestWorkspaces;
import dev.ferry.app.workspace.Workspace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Console launch against a real moto STS and a stand-in of the AWS federation endpoint. */
class ConsoleLaunchTest {
    @RegisterExtension
    static MotoServer moto = new MotoServer();

    @TempDir
    Path dir;

    SigninEndpointDouble signin;
    FerryCore core;
    StandaloneWorkspace ws;

    @BeforeEach
    void setUp() throws Exception {
        moto.reset();
        signin = new SigninEndpointDouble(moto.endpoint());
        core = new FerryCore(TestWorkspaces.motoEnv(dir, moto.endpoint()));
        ws = (StandaloneWorkspace) core.workspaces().load(TestWorkspaces.exampleFor(dir, signin.endpoint().toString()));
    }

    @AfterEach
    void tearDown() {
        signin.close();
        core.close();
    }

    private JsonNode lastAssumedRole() throws Exception {
        JsonNode roles = moto.state().path("sts").path("AssumedRole");
        assertThat(roles.size()).isGreaterThan(0);
        return roles.get(roles.size() - 1);
    }

    @Test
    void longTermCredentialsGetATwelveHourConsoleSessionAsTheWorkspaceUser() throws Exception {
        AccessProvider p = core.providers().open(ws);
        AppResource app = ws.app("aws-prod").orElseThrow();
        AwsRole role = AwsRole.parse("arn:aws:iam::111111111111:role/engineering/Developer");

        URI url = p.consoleUrl(app, role);

        JsonNode assumed = lastAssumedRole();
        assertThat(assumed.path("role_arn").asText()).isEqualTo(role.arn());
        assertThat(assumed.path("session_name").asText()).isEqualTo("alice@acme.example");
        assertThat(assumed.path("external_id").isNull() || assumed.path("external_id").isMissingNode()).isTrue();

        var tokenRequest = signin.tokenRequests().get(0);
        assertThat(tokenRequest.callerArn()).isEqualTo("arn:aws:sts::111111111111:assumed-role/Developer/alice@acme.example");
        assertThat(tokenRequest.sessionDuration()).isEqualTo(43200);

        Map<String, String> q = SigninEndpointDouble.query(url.getRawQuery());
        assertThat(url.toString()).startsWith(signin.endpoint() + "?");
        assertThat(q).containsEntry("Action", "login").containsEntry("Destination", app.uri()).containsKey("Issuer");
        assertThat(signin.roleOfToken(q.get("SigninToken"))).isEqualTo(tokenRequest.callerArn());

        HttpResponse<Void> login = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url).build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(login.statusCode()).isEqualTo(302);
        assertThat(login.headers().firstValue("Location")).contains(app.uri());
    }

    @Test
    void assumedRoleLastsTwelveHoursWithLongTermKeys() {
        var provider = (StandaloneAwsProvider) core.providers().open(ws);
        var session = provider.assumeRole(AwsRole.parse("arn:aws:iam::111111111111:role/ReadOnly"), "");
        assertThat(session.durationSeconds()).isEqualTo(43200);
        assertThat(session.chained()).isFalse();
        assertThat(session.credentials().expirationTime().orElseThrow())
                .isCloseTo(Instant.now().plusSeconds(43200), within(5, java.time.temporal.ChronoUnit.MINUTES));
    }

    @Test
    void externalIdOfTheAppIsSent() throws Exception {
        AccessProvider p = core.providers().open(ws);
        AppResource app = ws.app("aws-staging").orElseThrow();
        p.consoleUrl(app, AwsRole.parse("arn:aws:iam::222222222222:role/Admin"));
        assertThat(lastAssumedRole().path("external_id").asText()).isEqualTo("acme-staging-7f3c");
    }

    @Test
    void temporaryBaseCredentialsAreCappedAtOneHourWithoutSessionDuration() throws Exception {
        Credentials base;
        try (StsClient sts = StsClient.builder().region(Region.US_EAST_1).endpointOverride(URI.create(moto.endpoint()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(TestWorkspaces.ACCESS_KEY, TestWorkspaces.SECRET_KEY))).build()) {
            base = sts.assumeRole(b -> b.roleArn("arn:aws:iam::123456789012:role/Jump").roleSessionName("jump")).credentials();
        }
        FerryEnvironment env = TestWorkspaces.motoEnv(dir, moto.endpoint())
                .with("AWS_ACCESS_KEY_ID", base.accessKeyId())
                .with("AWS_SECRET_ACCESS_KEY", base.secretAccessKey())
                .with("AWS_SESSION_TOKEN", base.sessionToken());
        try (FerryCore chained = new FerryCore(env)) {
            var provider = (StandaloneAwsProvider) chained.providers().open(ws);
            var session = provider.assumeRole(AwsRole.parse("arn:aws:iam::111111111111:role/ReadOnly"), "");
            assertThat(session.durationSeconds()).isEqualTo(3600);
            assertThat(session.chained()).isTrue();
            assertThat(session.credentials().expirationTime().orElseThrow())
                    .isCloseTo(Instant.now().plusSeconds(3600), within(5, java.time.temporal.ChronoUnit.MINUTES));

            provider.consoleUrl(ws.app("aws-prod").orElseThrow(), AwsRole.parse("arn:aws:iam::111111111111:role/ReadOnly"));
            var req = signin.tokenRequests().get(signin.tokenRequests().size() - 1);
            assertThat(req.sessionDuration()).isNull();
            assertThat(req.callerArn()).isEqualTo("arn:aws:sts::111111111111:assumed-role/ReadOnly/alice@acme.example");
        }
    }

    @Test
    void longUserNamesBecomeValidSessionNames() throws Exception {
        Path file = dir.resolve("long.yaml");
        Files.writeString(file, Files.readString(ws.source())
                .replace("user: alice@acme.example", "user: \"Dr. " + "Very Long Name ".repeat(6) + "\""));
        StandaloneWorkspace longWs = (StandaloneWorkspace) core.workspaces().load(file);
        core.providers().open(longWs).consoleUrl(longWs.app("aws-prod").orElseThrow(),
                AwsRole.parse("arn:aws:iam::111111111111:role/ReadOnly"));
        String name = lastAssumedRole().path("session_name").asText();
        assertThat(name).hasSize(64).matches("[\\w+=,.@-]+").startsWith("Dr.-Very-Long-Name-");
    }

    @Test
    void identityComesFromGetCallerIdentity() {
        String expected;
        try (StsClient sts = StsClient.builder().region(Region.US_EAST_1).endpointOverride(URI.create(moto.endpoint()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(TestWorkspaces.ACCESS_KEY, TestWorkspaces.SECRET_KEY))).build()) {
            expected = sts.getCallerIdentity().arn();
        }
        Identity id = core.providers().open(ws).identity();
        assertThat(id.principal()).isEqualTo(expected);
        assertThat(id.account()).hasSize(12);
        assertThat(id.detail()).contains("long-term keys");
        assertThat(id.expiresAt()).isEmpty();
    }

    @Test
    void roleNotGrantedForTheAppIsRefusedBeforeCallingAws() throws Exception {
        AccessProvider p = core.providers().open(ws);
        assertThatThrownBy(() -> p.consoleUrl(ws.app("aws-prod").orElseThrow(),
                AwsRole.parse("arn:aws:iam::222222222222:role/Admin")))
                .isInstanceOf(FerryException.class).hasMessageContaining("is not allowed");
        assertThat(moto.state().path("sts").path("AssumedRole").size()).isZero();
    }

    @Test
    void signinEndpointRefusingOrUnreachableIsExplained() {
        AccessProvider p = core.providers().open(ws);
        AppResource app = ws.app("aws-prod").orElseThrow();
        AwsRole role = AwsRole.parse("arn:aws:iam::111111111111:role/ReadOnly");
        signin.failWith(400);
        assertThatThrownBy(() -> p.consoleUrl(app, role)).isInstanceOf(FerryException.class)
                .hasMessageContaining("refused the session (HTTP 400)");
        signin.close();
        assertThatThrownBy(() -> p.consoleUrl(app, role)).isInstanceOf(FerryException.class)
                .hasMessageContaining("could not be reached");
    }

    @Test
    void unknownKeysAreReportedInPlainWords() throws Exception {
        try (MotoServer strict = new MotoServer(Map.of("INITIAL_NO_AUTH_ACTION_COUNT", "0"))) {
            strict.start();
            try (FerryCore c = new FerryCore(TestWorkspaces.motoEnv(dir, strict.endpoint()))) {
                assertThatThrownBy(() -> c.providers().open(ws).identity())
                        .isInstanceOf(FerryException.class)
                        .hasMessageContaining("AWS does not accept your credentials (InvalidClientTokenId");
            }
        }
    }

    @Test
    void accessDeniedNamesTheRoleAndTheCaller() throws Exception {
        try (MotoServer strict = new MotoServer(Map.of("INITIAL_NO_AUTH_ACTION_COUNT", "2"))) {
            strict.start();
            String key;
            String secret;
            try (var iam = software.amazon.awssdk.services.iam.IamClient.builder().region(Region.AWS_GLOBAL)
                    .endpointOverride(URI.create(strict.endpoint()))
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAADMIN", "x"))).build()) {
                iam.createUser(b -> b.userName("bob"));
                var k = iam.createAccessKey(b -> b.userName("bob")).accessKey();
                key = k.accessKeyId();
                secret = k.secretAccessKey();
            }
            FerryEnvironment env = TestWorkspaces.motoEnv(dir, strict.endpoint())
                    .with("AWS_ACCESS_KEY_ID", key).with("AWS_SECRET_ACCESS_KEY", secret);
            try (FerryCore c = new FerryCore(env)) {
                assertThatThrownBy(() -> c.providers().open(ws).consoleUrl(ws.app("aws-prod").orElseThrow(),
                        AwsRole.parse("arn:aws:iam::111111111111:role/ReadOnly")))
                        .isInstanceOf(FerryException.class)
                        .hasMessageContaining("refused to let")
                        .hasMessageContaining("user/bob")
                        .hasMessageContaining("arn:aws:iam::111111111111:role/ReadOnly")
                        .satisfies(t -> assertThat(((FerryException) t).hint()).contains("trust policy"));
            }
        }
    }

    @Test
    void missingProfileIsExplained() throws Exception {
        Path file = dir.resolve("profile.yaml");
        Files.writeString(file, Files.readString(ws.source()).replace("\naws:\n", "\naws:\n  profile: nope\n"));
        StandaloneWorkspace w = (StandaloneWorkspace) core.workspaces().load(file);
        assertThatThrownBy(() -> core.providers().open(w).identity()).isInstanceOf(FerryException.class)
                .hasMessageContaining("The AWS profile 'nope' does not exist")
                .satisfies(t -> assertThat(((FerryException) t).hint()).contains("aws configure --profile nope"));
    }

    @Test
    void profileWithoutCredentialsIsExplained() throws Exception {
        Files.writeString(dir.resolve("aws-config"), "[profile empty]\nregion = us-east-1\n");
        Path file = dir.resolve("profile.yaml");
        Files.writeString(file, Files.readString(ws.source()).replace("\naws:\n", "\naws:\n  profile: empty\n"));
        try (FerryCore c = new FerryCore(TestWorkspaces.motoEnv(dir, moto.endpoint()))) {
            StandaloneWorkspace w = (StandaloneWorkspace) c.workspaces().load(file);
            assertThatThrownBy(() -> c.providers().open(w).identity()).isInstanceOf(FerryException.class)
                    .hasMessageContaining("No AWS credentials found for profile 'empty'");
        }
    }

    @Test
    void profileCredentialsAndProfileEndpointAreUsed() throws Exception {
        Files.writeString(dir.resolve("aws-config"), "[profile team]\nregion = eu-west-1\nendpoint_url = "
                + moto.endpoint() + "\n");
        Files.writeString(dir.resolve("aws-credentials"), "[team]\naws_access_key_id = AKIATEAM\n"
                + "aws_secret_access_key = teamsecret\n");
        Path file = dir.resolve("profile.yaml");
        Files.writeString(file, Files.readString(ws.source()).replace("\naws:\n", "\naws:\n  profile: team\n"));
        FerryEnvironment env = TestWorkspaces.motoEnv(dir, moto.endpoint());
        Map<String, String> vars = new java.util.HashMap<>(env.env());
        vars.remove("AWS_ENDPOINT_URL");
        vars.remove("AWS_ACCESS_KEY_ID");
        vars.remove("AWS_SECRET_ACCESS_KEY");
        vars.remove("AWS_REGION");
        try (FerryCore c = new FerryCore(new FerryEnvironment(vars, "Linux", dir.toString(), "alice"))) {
            StandaloneWorkspace w = (StandaloneWorkspace) c.workspaces().load(file);
            Identity id = c.providers().open(w).identity();
            assertThat(id.detail()).contains("profile team");
            assertThat(id.principal()).isNotBlank();
        }
    }
}
