package dev.ferry.app.db;

import dev.ferry.app.workspace.StandaloneWorkspace;
import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.FerryException;
import dev.ferry.app.aws.AwsSetup;
import dev.ferry.app.model.DatabaseResource;
import dev.ferry.tunnel.testsupport.MotoServer;
import dev.ferry.app.testsupport.SigninEndpointDouble;
import dev.ferry.app.testsupport.TestWorkspaces;
import dev.ferry.app.workspace.Workspace;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.redshift.RedshiftClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Database credentials from real moto services, and the RDS token checked by hand. */
class DbAuthTest {
    @RegisterExtension
    static MotoServer moto = new MotoServer();

    @TempDir
    Path dir;

    FerryEnvironment env;
    DbAuth auth;

    @BeforeEach
    void setUp() throws Exception {
        moto.reset();
        env = TestWorkspaces.motoEnv(dir, moto.endpoint());
        auth = new DbAuth(new AwsSetup(env, new StandaloneWorkspace.AwsSettings("", "us-east-1", "")), "alice@acme.example",
                Clock.systemUTC());
    }

    static DatabaseResource db(String uri, DatabaseResource.Aws aws) {
        return new DatabaseResource("db", null, "postgres", uri, null, aws, null, null, null);
    }

    static DatabaseResource.Aws aws(String region, String account, String assumeRole, String externalId,
                                    String cluster, String rdsCluster, String secret) {
        return new DatabaseResource.Aws(region, account, assumeRole, externalId, cluster, "", "", rdsCluster, secret);
    }

    private static StaticCredentialsProvider keys() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(TestWorkspaces.ACCESS_KEY, TestWorkspaces.SECRET_KEY));
    }

    @Test
    void secretsManagerSecretGivesUserAndPassword() {
        try (SecretsManagerClient sm = SecretsManagerClient.builder().region(Region.US_EAST_1)
                .endpointOverride(URI.create(moto.endpoint())).credentialsProvider(keys()).build()) {
            sm.createSecret(b -> b.name("prod/orders/app").secretString("{\"username\":\"app\",\"password\":\"s3cr3t!\",\"engine\":\"postgres\"}"));
            sm.createSecret(b -> b.name("not-a-db-secret").secretString("hello"));
        }
        DbCredentialSource src = auth.sourceFor(db("127.0.0.1:5432", aws("us-east-1", "", "", "", "", "", "prod/orders/app")));
        assertThat(src.describe()).isEqualTo("Secrets Manager secret prod/orders/app");
        DbLogin login = src.login("app", "orders");
        assertThat(login.user()).isEqualTo("app");
        assertThat(login.password()).isEqualTo("s3cr3t!");
        assertThat(login.toString()).doesNotContain("s3cr3t");
        assertThatThrownBy(() -> src.login("someone-else", "orders")).isInstanceOf(FerryException.class)
                .hasMessageContaining("holds the password of database user 'app', not 'someone-else'")
                .hasMessageNotContaining("s3cr3t");

        DbCredentialSource bad = auth.sourceFor(db("127.0.0.1:5432", aws("us-east-1", "", "", "", "", "", "not-a-db-secret")));
        assertThatThrownBy(() -> bad.login("app", "x")).hasMessageContaining("is not a database secret");
        DbCredentialSource missing = auth.sourceFor(db("127.0.0.1:5432", aws("us-east-1", "", "", "", "", "", "nope")));
        assertThatThrownBy(() -> missing.login("app", "x")).isInstanceOf(FerryException.class)
                .hasMessageContaining("Secrets Manager GetSecretValue for db failed: ResourceNotFoundException");
    }

    /** A clock the test moves. */
    static final class MovingClock extends Clock {
        Instant now = Instant.parse("2026-12-02T10:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void rdsTokenIsReusedPerHostPortAndUserUntilShortlyBeforeItExpires() {
        MovingClock clock = new MovingClock();
        DbAuth timed = new DbAuth(new AwsSetup(env, new StandaloneWorkspace.AwsSettings("", "us-east-1", "")),
                "alice@acme.example", clock);
        DbCredentialSource src = timed.sourceFor(db("orders.c9abcdefghij.us-east-1.rds.amazonaws.com:5432",
                aws("us-east-1", "", "", "", "", "", "")));
        String first = src.login("alice", "orders").password();
        assertThat(src.login("alice", "orders").password()).as("the same token within minutes").isEqualTo(first);
        assertThat(timed.tokensSigned()).isEqualTo(1);
        String bob = src.login("bob", "orders").password();
        assertThat(bob).as("another user, another token").contains("DBUser=bob");
        assertThat(timed.tokensSigned()).isEqualTo(2);
        clock.now = clock.now.plus(DbAuth.TOKEN_REUSE).minusSeconds(1);
        assertThat(src.login("alice", "orders").password()).isEqualTo(first);
        assertThat(timed.tokensSigned()).isEqualTo(2);
        clock.now = clock.now.plusSeconds(2);
        src.login("alice", "orders");
        assertThat(timed.tokensSigned()).as("signed afresh well before its 15 minutes end").isEqualTo(3);
        DbCredentialSource otherPort = timed.sourceFor(db("orders.c9abcdefghij.us-east-1.rds.amazonaws.com:5433",
                aws("us-east-1", "", "", "", "", "", "")));
        assertThat(otherPort.login("alice", "orders").password()).startsWith("orders.c9abcdefghij.us-east-1.rds.amazonaws.com:5433/?");
        assertThat(timed.tokensSigned()).as("another port, another token").isEqualTo(4);
    }

    @Test
    void secretIsCachedAndFetchedAgainOnceTheDatabaseRefusedIt() {
        try (SecretsManagerClient sm = SecretsManagerClient.builder().region(Region.US_EAST_1)
                .endpointOverride(URI.create(moto.endpoint())).credentialsProvider(keys()).build()) {
            sm.createSecret(b -> b.name("rotating").secretString("{\"username\":\"app\",\"password\":\"one\"}"));
            DbCredentialSource src = auth.sourceFor(db("127.0.0.1:5432", aws("us-east-1", "", "", "", "", "", "rotating")));
            assertThat(src.login("app", "orders").password()).isEqualTo("one");
            sm.putSecretValue(b -> b.secretId("rotating").secretString("{\"username\":\"app\",\"password\":\"two\"}"));
            assertThat(src.login("app", "orders").password()).as("cached for a short while").isEqualTo("one");
            src.rejected("app", "orders");
            assertThat(src.login("app", "orders").password()).as("fetched again after a refusal").isEqualTo("two");
        }
    }

    @Test
    void redshiftClusterCredentialsForAnIamUser() {
        try (RedshiftClient rs = RedshiftClient.builder().region(Region.US_EAST_1)
                .endpointOverride(URI.create(moto.endpoint())).credentialsProvider(keys()).build()) {
            rs.createCluster(b -> b.clusterIdentifier("analytics").nodeType("dc2.large")
                    .masterUsername("admin").masterUserPassword("Passw0rd1"));
        }
        DbCredentialSource src = auth.sourceFor(db("analytics.abc.us-east-1.redshift.amazonaws.com:5439",
                aws("us-east-1", "", "", "", "analytics", "", "")));
        assertThat(src.describe()).isEqualTo("Redshift temporary credentials");
        DbLogin login = src.login("alice", "dev");
        assertThat(login.user()).isEqualTo("IAM:alice");
        assertThat(login.password()).isNotBlank();

        DbCredentialSource other = auth.sourceFor(db("nope.abc.us-east-1.redshift.amazonaws.com:5439",
                aws("us-east-1", "", "", "", "nope", "", "")));
        assertThatThrownBy(() -> other.login("alice", "dev")).isInstanceOf(FerryException.class)
                .hasMessageContaining("GetClusterCredentials for db failed: ClusterNotFound");
    }

    @Test
    void redshiftRoleUsersNeedTheAccount() {
        DbCredentialSource src = auth.sourceFor(db("analytics.abc.us-east-1.redshift.amazonaws.com:5439",
                aws("us-east-1", "", "", "", "analytics", "", "")));
        assertThatThrownBy(() -> src.login("role/analyst", "dev")).isInstanceOf(FerryException.class)
                .hasMessageContaining("needs the account of the role");
    }

    @Test
    void rdsTokenIsAPresignedConnectForTheRealHostSignedWithTheAssumedRole() throws Exception {
        String host = "orders.cluster-c9abcdefghij.eu-west-1.rds.amazonaws.com";
        DbCredentialSource src = auth.sourceFor(db(host + ":5433", aws("eu-west-1", "222222222222",
                "arn:aws:iam::222222222222:role/db-connect", "ext-42", "", "orders", "")));
        assertThat(src.describe()).isEqualTo("RDS IAM authentication token");
        DbLogin login = src.login("alice", "orders");
        assertThat(login.user()).isEqualTo("alice");
        String token = login.password();
        assertThat(token).startsWith(host + ":5433/?");
        Map<String, String> q = new TreeMap<>(SigninEndpointDouble.query(token.substring(token.indexOf('?') + 1)));
        assertThat(q).containsEntry("Action", "connect").containsEntry("DBUser", "alice")
                .containsEntry("X-Amz-Algorithm", "AWS4-HMAC-SHA256").containsEntry("X-Amz-SignedHeaders", "host")
                .containsEntry("X-Amz-Expires", "900");
        String[] scope = q.get("X-Amz-Credential").split("/");
        assertThat(scope[2]).isEqualTo("eu-west-1");
        assertThat(scope[3]).isEqualTo("rds-db");

        // The role was assumed in moto with the external id, and its key signed the token.
        var assumed = moto.state().path("sts").path("AssumedRole").get(0);
        assertThat(assumed.path("role_arn").asText()).isEqualTo("arn:aws:iam::222222222222:role/db-connect");
        assertThat(assumed.path("external_id").asText()).isEqualTo("ext-42");
        assertThat(scope[0]).isEqualTo(assumed.path("access_key_id").asText());

        // Recompute the SigV4 query signature independently of the SDK.
        String secret = assumed.path("secret_access_key").asText();
        StringBuilder canonicalQuery = new StringBuilder();
        for (var e : q.entrySet()) {
            if (e.getKey().equals("X-Amz-Signature")) {
                continue;
            }
            if (canonicalQuery.length() > 0) {
                canonicalQuery.append('&');
            }
            canonicalQuery.append(enc(e.getKey())).append('=').append(enc(e.getValue()));
        }
        String canonicalRequest = "GET\n/\n" + canonicalQuery + "\nhost:" + host + ":5433\n\nhost\n"
                + hex(MessageDigest.getInstance("SHA-256").digest(new byte[0]));
        String date = q.get("X-Amz-Date");
        String stringToSign = "AWS4-HMAC-SHA256\n" + date + "\n" + date.substring(0, 8) + "/eu-west-1/rds-db/aws4_request\n"
                + hex(MessageDigest.getInstance("SHA-256").digest(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
        byte[] k = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), date.substring(0, 8));
        k = hmac(k, "eu-west-1");
        k = hmac(k, "rds-db");
        k = hmac(k, "aws4_request");
        assertThat(hex(hmac(k, stringToSign))).isEqualTo(q.get("X-Amz-Signature"));

        // A fresh token for each connection, signed with the same assumed role (assumed once, not per token).
        assertThat(src.login("alice", "orders").password()).startsWith(host + ":5433/?").contains("DBUser=alice");
        assertThat(src.login("bob", "orders").password()).contains("DBUser=bob");
        assertThat(moto.state().path("sts").path("AssumedRole")).hasSize(1);
    }

    @Test
    void redshiftRoleUserAssumesTheRoleThenUsesGetClusterCredentialsWithIam() throws Exception {
        try (var redshift = new dev.ferry.app.testsupport.RedshiftIamDouble(Map.of("analytics", "IAMR:analyst"))) {
            DbAuth viaDouble = new DbAuth(new AwsSetup(env.with("AWS_ENDPOINT_URL_REDSHIFT", redshift.endpoint()),
                    new StandaloneWorkspace.AwsSettings("", "us-east-1", "")), "alice", Clock.systemUTC());
            DbCredentialSource src = viaDouble.sourceFor(db("analytics.abc.us-east-1.redshift.amazonaws.com:5439",
                    aws("us-east-1", "111111111111", "", "", "analytics", "", "")));
            DbLogin login = src.login("role/analyst", "dev");
            assertThat(login.user()).isEqualTo("IAMR:analyst");
            assertThat(login.password()).startsWith("iam-");
            var assumed = moto.state().path("sts").path("AssumedRole").get(0);
            assertThat(assumed.path("role_arn").asText()).isEqualTo("arn:aws:iam::111111111111:role/analyst");
            var call = redshift.calls().get(0);
            assertThat(call.params()).containsEntry("ClusterIdentifier", "analytics").containsEntry("DbName", "dev");
            assertThat(call.accessKey()).isEqualTo(assumed.path("access_key_id").asText());
        }
    }

    @Test
    void redshiftServerlessGetCredentials() throws Exception {
        try (var serverless = new dev.ferry.app.testsupport.RedshiftIamDouble(Map.of())) {
            DbAuth viaDouble = new DbAuth(new AwsSetup(env.with("AWS_ENDPOINT_URL_REDSHIFT_SERVERLESS", serverless.endpoint()),
                    new StandaloneWorkspace.AwsSettings("", "us-east-1", "")), "alice", Clock.systemUTC());
            DbCredentialSource src = viaDouble.sourceFor(new DatabaseResource("wg", null, "postgres",
                    "analytics-wg.111111111111.us-east-1.redshift-serverless.amazonaws.com:5439", null,
                    new DatabaseResource.Aws("us-east-1", "", "", "", "", "analytics-wg", "", "", ""), null, null, null));
            assertThat(src.describe()).isEqualTo("Redshift Serverless temporary credentials");
            DbLogin login = src.login("ignored", "dev");
            assertThat(login.user()).isEqualTo("IAMR:analytics-wg-user");
            assertThat(login.password()).startsWith("serverless-");
            assertThat(serverless.calls().get(0).params()).containsEntry("workgroupName", "analytics-wg")
                    .containsEntry("dbName", "dev");
            assertThat(serverless.calls().get(0).accessKey()).isEqualTo(TestWorkspaces.ACCESS_KEY);
        }
    }

    @Test
    void plainPostgresNeedsNoAwsCall() {
        DbCredentialSource src = auth.sourceFor(db("127.0.0.1:5432", null));
        assertThat(src.login("alice", "db")).isEqualTo(new DbLogin("alice", null));
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
    }

    private static byte[] hmac(byte[] key, String data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
