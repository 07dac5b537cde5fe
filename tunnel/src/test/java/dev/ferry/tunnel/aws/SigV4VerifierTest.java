package dev.ferry.tunnel.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/** Vectors made by the SDK's own signer; the verifier must accept them and reject any change. */
class SigV4VerifierTest {

    static final LocalCredentials CREDS = new LocalCredentials("AKIDFERRYTEST0000001", "s3cr3t/SECRET+key0123456789abcdefghijklm");
    final SigV4Verifier verifier = new SigV4Verifier(CREDS, Clock.systemUTC());

    static SignedRequest sign(SdkHttpRequest req, byte[] body, String service, boolean s3,
                              java.util.function.Consumer<SignRequest.Builder<AwsCredentialsIdentity>> extra) {
        SignRequest.Builder<AwsCredentialsIdentity> b = SignRequest.builder(
                        AwsCredentialsIdentity.create(CREDS.accessKeyId(), CREDS.secretAccessKey()))
                .request(req)
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, "eu-west-1")
                .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, !s3)
                .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, !s3);
        if (body != null) {
            b.payload(ContentStreamProvider.fromByteArray(body));
        }
        extra.accept(b);
        return AwsV4HttpSigner.create().sign(b.build());
    }

    static SigV4Verifier.Request view(SdkHttpRequest r) {
        URI u = r.getUri();
        Map<String, List<String>> h = new LinkedHashMap<>();
        r.forEachHeader((k, v) -> h.put(k.toLowerCase(Locale.ROOT), new ArrayList<>(v)));
        h.putIfAbsent("host", List.of(u.getPort() > 0 ? u.getHost() + ":" + u.getPort() : u.getHost()));
        return new SigV4Verifier.Request(r.method().name(), u.getRawPath(), u.getRawQuery(), h);
    }

    void verify(SigV4Verifier.Request r, String payloadHash) throws SigV4Exception {
        SigV4Verifier.Auth a = verifier.authenticate(r);
        verifier.verifySignature(r, a, payloadHash);
    }

    @Test
    void headerSignedJsonRequest() throws Exception {
        byte[] body = "{\"TableName\":\"t\"}".getBytes(StandardCharsets.UTF_8);
        SdkHttpRequest req = SdkHttpRequest.builder().method(SdkHttpMethod.POST).protocol("https")
                .host("dynamodb.eu-west-1.amazonaws.com").encodedPath("/")
                .putHeader("X-Amz-Target", "DynamoDB_20120810.DescribeTable")
                .putHeader("Content-Type", "application/x-amz-json-1.0").build();
        SigV4Verifier.Request r = view(sign(req, body, "dynamodb", false, b -> { }).request());
        String hash = SigV4Verifier.hex(SigV4Verifier.sha256(body));
        verify(r, hash);
        body[3] ^= 1;
        assertThatThrownBy(() -> verify(r, SigV4Verifier.hex(SigV4Verifier.sha256(body))))
                .isInstanceOf(SigV4Exception.class).extracting("reason").isEqualTo(SigV4Exception.Reason.SIGNATURE_MISMATCH);
        Map<String, List<String>> h = new LinkedHashMap<>(r.headers());
        h.put("x-amz-target", List.of("DynamoDB_20120810.DeleteTable"));
        assertThatThrownBy(() -> verify(new SigV4Verifier.Request(r.method(), r.rawPath(), r.rawQuery(), h), hash))
                .isInstanceOf(SigV4Exception.class);
    }

    @Test
    void nonS3PathIsNormalisedAndDoubleEncoded() throws Exception {
        SdkHttpRequest req = SdkHttpRequest.builder().method(SdkHttpMethod.GET).protocol("https")
                .host("execute-api.eu-west-1.amazonaws.com").encodedPath("/stage/a%20b/./c")
                .appendRawQueryParameter("b", "2 3").appendRawQueryParameter("a", "x/y").build();
        SignedRequest s = sign(req, new byte[0], "execute-api", false, b -> { });
        verify(view(s.request()), SigV4Verifier.EMPTY_SHA256);
    }

    @Test
    void s3PathIsSignedAsSent() throws Exception {
        SdkHttpRequest req = SdkHttpRequest.builder().method(SdkHttpMethod.GET).protocol("https")
                .host("bucket.s3.eu-west-1.amazonaws.com").encodedPath("/dir//a%20b%2Bc/../k")
                .appendRawQueryParameter("versionId", "v+1=").build();
        SignedRequest s = sign(req, null, "s3", true, b -> b.putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, false));
        SigV4Verifier.Request r = view(s.request());
        assertThat(r.header("x-amz-content-sha256")).isEqualTo("UNSIGNED-PAYLOAD");
        verify(r, "UNSIGNED-PAYLOAD");
        SigV4Verifier.Request moved = new SigV4Verifier.Request("GET", "/dir/a%20b%2Bc/../k", r.rawQuery(), r.headers());
        assertThatThrownBy(() -> verify(moved, "UNSIGNED-PAYLOAD")).isInstanceOf(SigV4Exception.class);
    }

    @Test
    void presignedUrl() throws Exception {
        SdkHttpRequest req = SdkHttpRequest.builder().method(SdkHttpMethod.GET).protocol("https")
                .host("bucket.s3.eu-west-1.amazonaws.com").encodedPath("/key.txt").build();
        SignedRequest s = sign(req, null, "s3", true, b -> b
                .putProperty(AwsV4HttpSigner.AUTH_LOCATION, AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
                .putProperty(AwsV4HttpSigner.EXPIRATION_DURATION, Duration.ofMinutes(5))
                .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, false));
        SigV4Verifier.Request r = view(s.request());
        assertThat(r.rawQuery()).contains("X-Amz-Signature=");
        SigV4Verifier.Auth a = verifier.authenticate(r);
        assertThat(a.presigned()).isTrue();
        verifier.verifySignature(r, a, "UNSIGNED-PAYLOAD");
        SigV4Verifier.Request other = new SigV4Verifier.Request("GET", "/key2.txt", r.rawQuery(), r.headers());
        assertThatThrownBy(() -> verifier.verifySignature(other, a, "UNSIGNED-PAYLOAD")).isInstanceOf(SigV4Exception.class);
        SigV4Verifier late = new SigV4Verifier(CREDS, Clock.offset(Clock.systemUTC(), Duration.ofMinutes(6)));
        assertThatThrownBy(() -> late.authenticate(r)).extracting("reason").isEqualTo(SigV4Exception.Reason.EXPIRED);
    }

    @Test
    void wrongKeyAndSkewAreRejectedBeforeTheSignature() {
        SdkHttpRequest req = SdkHttpRequest.builder().method(SdkHttpMethod.GET).protocol("https")
                .host("sts.amazonaws.com").encodedPath("/").build();
        SigV4Verifier.Request r = view(sign(req, new byte[0], "sts", false, b -> { }).request());
        SigV4Verifier otherKey = new SigV4Verifier(new LocalCredentials("AKIDOTHER", "x"), Clock.systemUTC());
        assertThatThrownBy(() -> otherKey.authenticate(r)).extracting("reason")
                .isEqualTo(SigV4Exception.Reason.INVALID_ACCESS_KEY);
        SigV4Verifier future = new SigV4Verifier(CREDS, Clock.offset(Clock.systemUTC(), Duration.ofMinutes(16)));
        assertThatThrownBy(() -> future.authenticate(r)).extracting("reason").isEqualTo(SigV4Exception.Reason.TIME_SKEWED);
    }

    @Test
    void s3ChunkSignatures() throws Exception {
        byte[] body = new byte[300 * 1024];
        new java.util.Random(1).nextBytes(body);
        SdkHttpRequest req = SdkHttpRequest.builder().method(SdkHttpMethod.PUT).protocol("http")
                .host("bucket.s3.eu-west-1.amazonaws.com").encodedPath("/big")
                .putHeader("Content-Length", Integer.toString(body.length)).build();
        SignedRequest s = sign(req, body, "s3", true, b -> b
                .putProperty(AwsV4HttpSigner.CHUNK_ENCODING_ENABLED, true)
                .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, true));
        SigV4Verifier.Request r = view(s.request());
        assertThat(r.header("x-amz-content-sha256")).isEqualTo(SigV4Verifier.STREAMING_SIGNED);
        SigV4Verifier.Auth a = verifier.authenticate(r);
        verifier.verifySignature(r, a, SigV4Verifier.STREAMING_SIGNED);
        byte[] wire = s.payload().orElseThrow().newStream().readAllBytes();
        assertThat(decode(a, wire, body.length)).isEqualTo(body);
        for (int pos : new int[] {100, wire.length / 2, wire.length - 40}) {
            byte[] bad = wire.clone();
            bad[pos] ^= 1;
            assertThatThrownBy(() -> decode(a, bad, body.length)).isInstanceOf(SigV4Exception.class);
        }
    }

    byte[] decode(SigV4Verifier.Auth a, byte[] wire, long length) throws SigV4Exception {
        BodyCheck check = new BodyCheck.AwsChunked(verifier.chunkVerifier(a), length, null);
        List<io.netty.buffer.ByteBuf> out = new ArrayList<>();
        // feed in odd-sized pieces to exercise the incremental parser
        for (int i = 0; i < wire.length; i += 7777) {
            check.accept(Unpooled.wrappedBuffer(wire, i, Math.min(7777, wire.length - i)), out);
        }
        check.finish();
        io.netty.buffer.ByteBuf all = Unpooled.wrappedBuffer(out.toArray(new io.netty.buffer.ByteBuf[0]));
        return io.netty.buffer.ByteBufUtil.getBytes(all);
    }
}
