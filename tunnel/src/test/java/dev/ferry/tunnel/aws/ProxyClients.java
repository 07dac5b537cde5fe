package dev.ferry.tunnel.aws;

import dev.ferry.tunnel.ca.LocalCa;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/** Raw clients of the AWS proxy for tests and benches: TLS trusting Ferry's CA, SDK-signed requests as bytes. */
public final class ProxyClients {
    private ProxyClients() {
    }

    /** A TLS context that trusts only this CA. */
    public static SSLContext trusting(LocalCa ca) throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("ferry", ca.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return ssl;
    }

    /**
     * A JSON-protocol POST (DynamoDB style, {@code X-Amz-Target}) signed by the SDK's signer for
     * {@code service}/{@code region} with the local credentials, as raw HTTP/1.1 bytes.
     *
     * @param connection the Connection header value ("close" or "keep-alive"), or null for none
     */
    public static byte[] signedJsonPost(LocalCredentials local, String hostHeader, String target, String json,
                                        String service, String region, String connection) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        SdkHttpRequest req = SdkHttpRequest.builder().method(SdkHttpMethod.POST).protocol("https")
                .host(hostHeader).encodedPath("/")
                .putHeader("Content-Type", "application/x-amz-json-1.0")
                .putHeader("X-Amz-Target", target).build();
        SignedRequest signed = AwsV4HttpSigner.create().sign(SignRequest.builder(
                        AwsCredentialsIdentity.create(local.accessKeyId(), local.secretAccessKey()))
                .request(req).payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region).build());
        Map<String, String> headers = new LinkedHashMap<>();
        signed.request().forEachHeader((k, v) -> headers.put(k, v.get(0)));
        StringBuilder head = new StringBuilder("POST / HTTP/1.1\r\n");
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        head.append("Content-Length: ").append(body.length).append("\r\n");
        if (connection != null) {
            head.append("Connection: ").append(connection).append("\r\n");
        }
        byte[] h = head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    /** One line of an HTTP head, without its line end ("" ends the head). */
    public static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            sb.append((char) b);
        }
        return sb.toString().trim();
    }
}
