package dev.ferry.tunnel.aws;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/** Re-signs a verified request with the real credentials, using the AWS SDK's own SigV4 signer. */
final class UpstreamSigner {

    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    private final Supplier<? extends AwsCredentialsIdentity> credentials;

    UpstreamSigner(Supplier<? extends AwsCredentialsIdentity> credentials) {
        this.credentials = credentials;
    }

    /**
     * @param query   decoded query parameters (value null for a bare key), presign parameters removed
     * @param headers headers to send and sign (no hop-by-hop, no old signature headers)
     * @param payload the whole body to hash, or null to sign UNSIGNED-PAYLOAD (S3 streaming)
     */
    HttpRequest sign(String method, URI base, String encodedPath, List<Map.Entry<String, String>> query,
                     List<Map.Entry<String, String>> headers, String service, String region, boolean s3,
                     byte[] payload) {
        int port = base.getPort();
        SdkHttpRequest.Builder b = SdkHttpRequest.builder()
                .method(SdkHttpMethod.fromValue(method))
                .protocol(base.getScheme())
                .host(base.getHost())
                .encodedPath(encodedPath);
        if (port > 0) {
            b.port(port);
        }
        for (Map.Entry<String, String> q : query) {
            b.appendRawQueryParameter(q.getKey(), q.getValue());
        }
        for (Map.Entry<String, String> h : headers) {
            b.appendHeader(h.getKey(), h.getValue());
        }
        AwsCredentialsIdentity identity = credentials.get();
        if (identity == null) {
            throw new IllegalStateException("No AWS credentials are available for the role right now.");
        }
        SignRequest.Builder<AwsCredentialsIdentity> sr = SignRequest.builder(identity)
                .request(b.build())
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, !s3)
                .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, !s3)
                .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, payload != null);
        if (payload != null) {
            sr.payload(ContentStreamProvider.fromInputStreamSupplier(() -> new ByteArrayInputStream(payload)));
        }
        SignedRequest signed = signer.sign(sr.build());
        SdkHttpRequest out = signed.request();
        URI uri = out.getUri();
        String target = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            target += "?" + uri.getRawQuery();
        }
        HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(method), target);
        out.forEachHeader((name, values) -> req.headers().add(name, values));
        if (!req.headers().contains(HttpHeaderNames.HOST)) {
            req.headers().set(HttpHeaderNames.HOST, port > 0 ? base.getHost() + ":" + port : base.getHost());
        }
        return req;
    }
}
