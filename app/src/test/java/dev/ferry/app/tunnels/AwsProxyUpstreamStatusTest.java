package dev.ferry.app.tunnels;

import dev.ferry.app.FerryCore;
import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.testsupport.TestWorkspaces;
import dev.ferry.tunnel.aws.ProxyMode;
import dev.ferry.tunnel.db.TunnelFailure;
import dev.ferry.tunnel.testsupport.FreePorts;
import dev.ferry.tunnel.testsupport.MotoServer;
import dev.ferry.tunnel.testsupport.Wait;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An AWS API proxy whose AWS endpoint cannot be reached: it listens, and its tunnel says
 * "upstream unreachable since ...: connection refused" (what the tab and the tray show) until a
 * request gets an answer again. The real AWS CLI is the client; DynamoDB's endpoint is a port
 * nothing serves, then a socat relay to moto on that port.
 */
class AwsProxyUpstreamStatusTest {
    @RegisterExtension
    static MotoServer moto = new MotoServer();

    @TempDir
    Path dir;

    /** {@code aws dynamodb list-tables} through the proxy, one attempt; its exit status. */
    static int listTables(Tunnel proxy) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("aws", "dynamodb", "list-tables", "--region", "us-east-1");
        pb.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.toUpperCase().endsWith("_PROXY"));
        ((AwsProxyInfo) proxy.info().orElseThrow()).environment().forEach(pb.environment()::put);
        pb.environment().put("AWS_CONFIG_FILE", "/nonexistent");
        pb.environment().put("AWS_MAX_ATTEMPTS", "1");
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void anUnreachableAwsEndpointShowsInTheTunnelUntilARequestIsAnswered() throws Exception {
        int endpointPort = FreePorts.find();
        FerryEnvironment env = TestWorkspaces.motoEnv(dir, moto.endpoint())
                .with("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:" + endpointPort);
        String ws = TestWorkspaces.exampleFor(dir, "http://127.0.0.1:9/federation").toString();
        Process relay = null;
        try (FerryCore core = new FerryCore(env)) {
            Tunnel proxy = core.tunnels().openNow(TunnelSpec.awsProxy(ws, "aws-prod",
                    "arn:aws:iam::111111111111:role/ReadOnly", ProxyMode.HTTPS_PROXY, 0));
            assertThat(proxy.upstream()).as("no result before a request").isEmpty();

            assertThat(listTables(proxy)).as("the endpoint is down").isNotZero();
            assertThat(proxy.status()).isEqualTo(TunnelStatus.READY);
            assertThat(proxy.upstreamFailing()).isTrue();
            assertThat(proxy.upstream()).get().extracting(r -> r.reason()).isEqualTo(TunnelFailure.Reason.UNREACHABLE);
            String since = proxy.upstreamText(ZoneId.systemDefault());
            assertThat(since).matches("upstream unreachable since \\d\\d:\\d\\d:\\d\\d: connection refused");
            assertThat(listTables(proxy)).isNotZero();
            assertThat(proxy.upstreamText(ZoneId.systemDefault())).as("a run of failures keeps its first time").isEqualTo(since);

            URI m = URI.create(moto.endpoint());
            relay = new ProcessBuilder("socat", "TCP-LISTEN:" + endpointPort + ",bind=127.0.0.1,reuseaddr,fork",
                    "TCP:127.0.0.1:" + m.getPort()).redirectErrorStream(true).start();
            Wait.until("the relay listens", () -> accepts(endpointPort));
            assertThat(listTables(proxy)).as("the endpoint is back").isZero();
            assertThat(proxy.upstreamText(ZoneId.systemDefault())).isEqualTo("upstream OK");
            assertThat(proxy.upstreamFailing()).isFalse();
            assertThat(proxy.stats().snapshot().lastError()).as("the failure's last error went").isNull();
        } finally {
            if (relay != null) {
                relay.destroy();
                relay.waitFor();
            }
        }
    }
}
