package dev.ferry.tunnel.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.tunnel.ca.LocalCa;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.ReferenceCountedOpenSslContext;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * The AWS proxy's TLS, both to the client (the local CA's leaf contexts) and to AWS, runs on
 * BoringSSL (netty-tcnative) on the packages' platform, Linux x86_64; the JDK's TLS is only the
 * fallback where the native library does not load.
 */
class TlsProviderTest {

    @TempDir
    Path dir;

    @Test
    void bothSidesUseBoringSsl() throws Exception {
        assertThat(OpenSsl.isAvailable()).as("netty-tcnative loads: %s", OpenSsl.unavailabilityCause()).isTrue();
        assertThat(OpenSsl.versionString()).contains("BoringSSL");
        LocalCa ca = LocalCa.loadOrCreate(dir.resolve("ca"));
        assertThat(ca.serverContext("sts.amazonaws.com")).isInstanceOf(ReferenceCountedOpenSslContext.class);
        try (AwsProxy proxy = AwsProxy.start(new AwsProxyConfig(0, ProxyMode.ENDPOINT_URL, LocalCredentials.random(),
                () -> AwsCredentialsIdentity.create("testing", "testing"),
                UpstreamResolver.fixed(URI.create("https://localhost:1")), ca))) {
            assertThat(proxy.upstreamTls()).isInstanceOf(ReferenceCountedOpenSslContext.class);
            assertThat(proxy.upstreamTls().isClient()).isTrue();
        }
    }
}
