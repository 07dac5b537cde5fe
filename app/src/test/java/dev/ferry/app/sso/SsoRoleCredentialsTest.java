package dev.ferry.app.sso;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.app.FerryException;
import dev.ferry.app.testsupport.IdentityCenterRig;
import dev.ferry.app.testsupport.IdentityCenterStandIn;
import dev.ferry.tunnel.testsupport.MotoServer;
import dev.ferry.app.testsupport.Python;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Role credentials from GetRoleCredentials (SDK's SsoCredentialsProvider) against the stand-in,
 * which hands out real moto credentials: they work against moto's STS and S3, are fetched again
 * before they expire, and the AWS CLI uses a session Ferry signed in.
 */
class SsoRoleCredentialsTest {
    @RegisterExtension
    static MotoServer moto = new MotoServer();

    static final SsoSession SESSION = IdentityCenterRig.SESSION;
    static final Pattern READ_ONLY_IN_PROD = Pattern.compile(
            "arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_ReadOnly_[0-9a-f]{16}/alice@acme\\.example");

    @TempDir
    Path home;
    IdentityCenterRig rig;
    SsoRoleCredentials roles;

    @BeforeEach
    void setUp() throws Exception {
        rig = new IdentityCenterRig(home, moto.endpoint(), IdentityCenterRig.smallOrg());
        roles = new SsoRoleCredentials(rig.clients, rig.tokens);
    }

    @AfterEach
    void tearDown() {
        rig.close();
    }

    GetCallerIdentityResponse whoAmI(AwsCredentialsProvider creds) {
        try (StsClient sts = StsClient.builder().region(Region.EU_WEST_1).endpointOverride(URI.create(moto.endpoint()))
                .credentialsProvider(creds).build()) {
            return sts.getCallerIdentity();
        }
    }

    @Test
    void theRolesCredentialsAreRealAndWorkAgainstAws() {
        rig.signedIn();
        try (SsoRoleCredentials.Provider p = roles.provider(SESSION, "111111111111", "ReadOnly", false)) {
            AwsCredentials c = p.resolveCredentials();
            assertThat(c).isInstanceOf(AwsSessionCredentials.class);
            assertThat(c.expirationTime()).hasValueSatisfying(t -> assertThat(t).isAfter(Instant.now().plusSeconds(3000)));

            GetCallerIdentityResponse me = whoAmI(p);
            assertThat(me.account()).isEqualTo("111111111111");
            assertThat(me.arn()).matches(READ_ONLY_IN_PROD);

            try (S3Client s3 = S3Client.builder().region(Region.EU_WEST_1).endpointOverride(URI.create(moto.endpoint()))
                    .forcePathStyle(true).credentialsProvider(p).build()) {
                s3.createBucket(b -> b.bucket("ferry-sso-test"));
                assertThat(s3.listBuckets().buckets()).extracting(b -> b.name()).contains("ferry-sso-test");
            }
        }
        assertThat(rig.standIn.count("GetRoleCredentials")).isEqualTo(1);
        assertThat(rig.standIn.problems()).isEmpty();
    }

    @Test
    void credentialsAboutToExpireAreFetchedAgainAndLongLivedOnesAreKept() {
        rig.signedIn();
        rig.standIn.reportedCredentialLifetime(Duration.ofSeconds(30)); // within the SDK's 1-minute stale time
        try (SsoRoleCredentials.Provider p = roles.provider(SESSION, "222222222222", "Developer", false)) {
            String first = p.resolveCredentials().accessKeyId();
            String second = p.resolveCredentials().accessKeyId();
            assertThat(second).isNotEqualTo(first);
            assertThat(rig.standIn.count("GetRoleCredentials")).isEqualTo(2);
        }
        rig.standIn.reportedCredentialLifetime(Duration.ofHours(1));
        try (SsoRoleCredentials.Provider p = roles.provider(SESSION, "222222222222", "Developer", true)) {
            AwsCredentials first = p.resolveCredentials();
            assertThat(first.expirationTime()).hasValueSatisfying(t ->
                    assertThat(t).isBetween(Instant.now().plusSeconds(3500), Instant.now().plusSeconds(3601)));
            assertThat(p.resolveCredentials().accessKeyId()).isEqualTo(first.accessKeyId());
            assertThat(whoAmI(p).account()).isEqualTo("222222222222");
        }
        assertThat(rig.standIn.count("GetRoleCredentials")).isEqualTo(3);
    }

    @Test
    void eachFetchUsesTheSessionsCurrentTokenRenewedFirstWhenItEndsSoon() {
        rig.standIn.accessTokenLifetime(Duration.ofMinutes(10));
        SsoToken old = rig.signedIn();
        rig.standIn.accessTokenLifetime(Duration.ofHours(8));
        try (SsoRoleCredentials.Provider p = roles.provider(SESSION, "111111111111", "ReadOnly", false)) {
            assertThat(whoAmI(p).arn()).matches(READ_ONLY_IN_PROD);
        }
        String renewed = rig.cache.token(SESSION).orElseThrow().accessToken();
        assertThat(renewed).isNotEqualTo(old.accessToken());
        assertThat(rig.standIn.calls()).filteredOn(c -> c.operation().equals("GetRoleCredentials"))
                .extracting(IdentityCenterStandIn.Call::token).containsExactly(renewed);
    }

    @Test
    void anEndedSessionOrARoleNotHeldIsSaidInPlainWords() {
        rig.signedIn();
        try (SsoRoleCredentials.Provider p = roles.provider(SESSION, "111111111111", "Developer", false)) {
            assertThatThrownBy(p::resolveCredentials).isInstanceOf(FerryException.class)
                    .hasMessage("IAM Identity Center gives you no role Developer in account 111111111111.");
        }
        rig.standIn.expireAccessTokens();
        try (SsoRoleCredentials.Provider p = roles.provider(SESSION, "111111111111", "ReadOnly", false)) {
            assertThatThrownBy(p::resolveCredentials).isInstanceOf(SsoSignInRequired.class);
        }
        rig.cache.saveToken(SESSION, new SsoToken(SESSION.startUrl(), SESSION.region(), "gone", Instant.now().minusSeconds(1),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()));
        try (SsoRoleCredentials.Provider p = roles.provider(SESSION, "111111111111", "ReadOnly", false)) {
            assertThatThrownBy(p::resolveCredentials).isInstanceOf(SsoSignInRequired.class).hasMessageContaining("ended at");
        }
    }

    @Test
    void theAwsCliUsesTheSessionFerrySignedIn() throws Exception {
        rig.signedIn();
        rig.writeAwsConfig();
        Map<String, String> env = new HashMap<>(rig.awsCliEnv());
        env.put("AWS_ENDPOINT_URL_STS", moto.endpoint());
        Python.Result r = Python.exec(home, env, List.of("aws", "sts", "get-caller-identity", "--profile", "acme-prod",
                "--output", "json"));
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode me = new ObjectMapper().readTree(r.out());
        assertThat(me.get("Arn").asText()).matches(READ_ONLY_IN_PROD);
        assertThat(rig.standIn.count("GetRoleCredentials")).isEqualTo(1);
        assertThat(rig.standIn.problems()).isEmpty();
    }
}
