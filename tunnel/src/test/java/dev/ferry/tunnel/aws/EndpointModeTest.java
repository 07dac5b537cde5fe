package dev.ferry.tunnel.aws;

import dev.ferry.tunnel.testsupport.MotoServer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.tunnel.ca.LocalCa;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Endpoint-URL mode: boto3 as a real client, then hand-signed requests (signed with the
 * SDK's own signer) that must be rejected with 403 and never reach moto.
 */
class EndpointModeTest {

    @TempDir
    static Path dir;
    static MotoServer moto;
    static AwsProxy proxy;
    static LocalCa ca;
    static HttpClient http;
    static DynamoDbClient directDynamo;
    static S3Client directS3;
    static final AtomicInteger forwarded = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        moto = new MotoServer().start();
        ca = LocalCa.loadOrCreate(dir.resolve("ca"));
        proxy = AwsProxy.start(new AwsProxyConfig(0, ProxyMode.ENDPOINT_URL, LocalCredentials.random(),
                () -> AwsCredentialsIdentity.create("testing", "testing"),
                (service, region, host) -> {
                    forwarded.incrementAndGet();
                    return moto.uri();
                }, ca));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("ferry", ca.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        http = HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_1_1).build();
        StaticCredentialsProvider testing = StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
        directDynamo = DynamoDbClient.builder().endpointOverride(moto.uri()).region(Region.US_EAST_1)
                .credentialsProvider(testing).httpClient(UrlConnectionHttpClient.create()).build();
        directS3 = S3Client.builder().endpointOverride(moto.uri()).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(testing).httpClient(UrlConnectionHttpClient.create()).build();
        directDynamo.createTable(b -> b.tableName("rej").billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder().attributeName("id").attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build()));
        directS3.createBucket(b -> b.bucket("rej-bucket"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (moto != null) {
            moto.close();
        }
    }

    // ---- boto3 -----------------------------------------------------------------------------

    @Test
    void boto3StsDynamoS3() throws Exception {
        Path script = dir.resolve("client.py");
        Files.writeString(script, String.join("\n",
                "import boto3, sys",
                "kw = dict(endpoint_url=sys.argv[1], verify=sys.argv[2], region_name='us-east-1',",
                "          aws_access_key_id=sys.argv[3], aws_secret_access_key=sys.argv[4])",
                "print('account', boto3.client('sts', **kw).get_caller_identity()['Account'])",
                "print('tables', boto3.client('dynamodb', **kw).list_tables()['TableNames'])",
                "s3 = boto3.client('s3', **kw)",
                "s3.create_bucket(Bucket='boto-bucket')",
                "body = bytes(range(256)) * 4096",
                "s3.put_object(Bucket='boto-bucket', Key='k/with space+plus.bin', Body=body)",
                "got = s3.get_object(Bucket='boto-bucket', Key='k/with space+plus.bin')['Body'].read()",
                "print('s3 roundtrip', got == body, len(got))",
                ""));
        ProcessBuilder pb = new ProcessBuilder("python3", script.toString(), proxy.endpointUrl(),
                ca.certificatePemPath().toString(), proxy.localCredentials().accessKeyId(),
                proxy.localCredentials().secretAccessKey()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.toLowerCase().endsWith("_proxy"));
        pb.environment().put("AWS_CONFIG_FILE", dir.resolve("none").toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("account 123456789012").contains("'rej'").contains("s3 roundtrip True 1048576");
    }

    // ---- rejections ------------------------------------------------------------------------

    record Outcome(int status, String body) {
    }

    /** Signs a DynamoDB PutItem for item {@code id} and applies {@code tamper} before sending. */
    Outcome putItem(String id, String accessKey, String secret, Clock clock, Consumer<Map<String, String>> tamperHeaders,
                    boolean tamperBody, boolean sign) throws Exception {
        String json = "{\"TableName\":\"rej\",\"Item\":{\"id\":{\"S\":\"" + id + "\"}}}";
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/x-amz-json-1.0");
        headers.put("X-Amz-Target", "DynamoDB_20120810.PutItem");
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        if (sign) {
            SdkHttpRequest.Builder b = SdkHttpRequest.builder().method(SdkHttpMethod.POST).protocol("https")
                    .host("127.0.0.1").port(proxy.localAddress().getPort()).encodedPath("/");
            headers.forEach(b::putHeader);
            SignedRequest signed = AwsV4HttpSigner.create().sign(SignRequest.builder(AwsCredentialsIdentity.create(accessKey, secret))
                    .request(b.build())
                    .payload(ContentStreamProvider.fromByteArray(body))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "dynamodb")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                    .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, clock)
                    .build());
            headers.clear();
            signed.request().forEachHeader((k, v) -> {
                if (!k.equalsIgnoreCase("host")) {
                    headers.put(k, v.get(0));
                }
            });
        }
        tamperHeaders.accept(headers);
        if (tamperBody) {
            body = json.replace(id, id.toUpperCase()).getBytes(StandardCharsets.UTF_8);
        }
        return send("POST", "/", headers, body);
    }

    Outcome send(String method, String path, Map<String, String> headers, byte[] body) throws Exception {
        HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(proxy.endpointUrl() + path))
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body)).timeout(Duration.ofSeconds(30));
        headers.forEach((k, v) -> {
            if (!k.equalsIgnoreCase("content-length")) {
                rb.header(k, v);
            }
        });
        HttpResponse<String> r = http.send(rb.build(), HttpResponse.BodyHandlers.ofString());
        return new Outcome(r.statusCode(), r.body());
    }

    boolean itemExists(String id) {
        return directDynamo.getItem(b -> b.tableName("rej").key(Map.of("id", AttributeValue.fromS(id)))).hasItem();
    }

    static final Clock NOW = Clock.systemUTC();
    static final Consumer<Map<String, String>> NONE = h -> { };

    @Test
    void validRequestIsForwarded() throws Exception {
        Outcome o = putItem("ok", key(), secret(), NOW, NONE, false, true);
        assertThat(o.status()).as(o.body()).isEqualTo(200);
        assertThat(itemExists("ok")).isTrue();
    }

    @Test
    void wrongAccessKeyIsRejected() throws Exception {
        assertRejected("wrongkey", putItem("wrongkey", "AKIAWRONGWRONGWRONG1", secret(), NOW, NONE, false, true),
                "InvalidClientTokenId");
    }

    @Test
    void wrongSecretIsRejected() throws Exception {
        assertRejected("wrongsecret", putItem("wrongsecret", key(), wrongSecret(), NOW, NONE, false, true),
                "SignatureDoesNotMatch");
    }

    /** The secret with its first character changed (a random secret may already start with "x"). */
    static String wrongSecret() {
        return (secret().charAt(0) == 'x' ? "y" : "x") + secret().substring(1);
    }

    @Test
    void tamperedBodyIsRejected() throws Exception {
        assertRejected("tampered", putItem("tampered", key(), secret(), NOW, NONE, true, true), "SignatureDoesNotMatch");
        assertThat(itemExists("TAMPERED")).isFalse();
    }

    @Test
    void tamperedSignedHeaderIsRejected() throws Exception {
        int before = forwarded.get();
        Outcome o = putItem("hdr", key(), secret(), NOW, h -> h.put("X-Amz-Target", "DynamoDB_20120810.DeleteTable"),
                false, true);
        assertRejected("hdr", o, "SignatureDoesNotMatch");
        assertThat(directDynamo.listTables().tableNames()).contains("rej");
        assertThat(forwarded.get()).isEqualTo(before);
    }

    @Test
    void oldDateIsRejected() throws Exception {
        Clock old = Clock.fixed(Instant.now().minus(Duration.ofMinutes(20)), ZoneOffset.UTC);
        Outcome o = putItem("old", key(), secret(), old, NONE, false, true);
        assertRejected("old", o, "InvalidSignatureException");
        assertThat(o.body()).contains("15 minutes");
    }

    @Test
    void unsignedRequestIsRejected() throws Exception {
        assertRejected("unsigned", putItem("unsigned", key(), secret(), NOW, NONE, false, false),
                "MissingAuthenticationToken");
    }

    void assertRejected(String id, Outcome o, String code) {
        assertThat(o.status()).as(o.body()).isEqualTo(403);
        assertThat(o.body()).contains("\"__type\":\"" + code + "\"");
        assertThat(o.body()).doesNotContain(secret());
        assertThat(itemExists(id)).isFalse();
        assertThat(proxy.stats().snapshot().rejectedRequests()).isPositive();
        assertThat(proxy.stats().snapshot().lastError()).isNotBlank().doesNotContain(secret());
    }

    // ---- S3 streaming uploads --------------------------------------------------------------

    Outcome putObject(String key, byte[] body, boolean chunked, boolean tamper) throws Exception {
        SdkHttpRequest.Builder b = SdkHttpRequest.builder().method(SdkHttpMethod.PUT).protocol("https")
                .host("127.0.0.1").port(proxy.localAddress().getPort()).encodedPath("/rej-bucket/" + key)
                .putHeader("Content-Length", Integer.toString(body.length));
        SignedRequest signed = AwsV4HttpSigner.create().sign(SignRequest.builder(
                        AwsCredentialsIdentity.create(key(), secret()))
                .request(b.build())
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false)
                .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false)
                .putProperty(AwsV4HttpSigner.CHUNK_ENCODING_ENABLED, chunked)
                .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, true)
                .build());
        byte[] wire = signed.payload().orElseThrow().newStream().readAllBytes();
        if (tamper) {
            wire[wire.length / 2] ^= 1;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        signed.request().forEachHeader((k, v) -> {
            if (!k.equalsIgnoreCase("host")) {
                headers.put(k, v.get(0));
            }
        });
        return send("PUT", "/rej-bucket/" + key, headers, wire);
    }

    boolean objectExists(String key) {
        try {
            directS3.headObject(b -> b.bucket("rej-bucket").key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    static byte[] data(int n) {
        byte[] b = new byte[n];
        new java.util.Random(n).nextBytes(b);
        return b;
    }

    @Test
    void s3SignedHexBodyStreamsAndTamperingNeverCompletes() throws Exception {
        byte[] body = data(3 * 1024 * 1024 + 17);
        Outcome ok = putObject("hex-ok", body, false, false);
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(directS3.getObjectAsBytes(b -> b.bucket("rej-bucket").key("hex-ok")).asByteArray()).isEqualTo(body);
        Outcome bad = putObject("hex-bad", body, false, true);
        assertThat(bad.status()).as(bad.body()).isEqualTo(403);
        assertThat(bad.body()).contains("<Code>");
        assertThat(objectExists("hex-bad")).isFalse();
    }

    @Test
    void s3ChunkSignedUploadIsVerifiedPerChunk() throws Exception {
        byte[] body = data(600 * 1024 + 5);
        Outcome ok = putObject("chunk-ok", body, true, false);
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(directS3.getObjectAsBytes(b -> b.bucket("rej-bucket").key("chunk-ok")).asByteArray()).isEqualTo(body);
        Outcome bad = putObject("chunk-bad", body, true, true);
        assertThat(bad.status()).as(bad.body()).isEqualTo(403);
        assertThat(bad.body()).contains("SignatureDoesNotMatch");
        assertThat(objectExists("chunk-bad")).isFalse();
    }

    static String key() {
        return proxy.localCredentials().accessKeyId();
    }

    static String secret() {
        return proxy.localCredentials().secretAccessKey();
    }

}
