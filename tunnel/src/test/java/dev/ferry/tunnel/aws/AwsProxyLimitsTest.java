package dev.ferry.tunnel.aws;

import dev.ferry.tunnel.testsupport.MotoServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.tunnel.ListenerLimits;
import dev.ferry.tunnel.ca.LocalCa;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * The AWS proxy's limits in both modes: connections that send no request head, or a partial
 * one, and keep-alive connections left idle are closed; past the connection cap the client gets
 * a 503 that says why.
 */
class AwsProxyLimitsTest {

    @TempDir
    static Path dir;
    static MotoServer moto;
    static LocalCa ca;
    static javax.net.ssl.SSLContext trustCa;

    @BeforeAll
    static void start() throws Exception {
        moto = new MotoServer().start();
        ca = LocalCa.loadOrCreate(dir.resolve("ca"));
        trustCa = ProxyClients.trusting(ca);
    }

    @AfterAll
    static void stop() throws Exception {
        moto.close();
    }

    static AwsProxy proxy(ProxyMode mode, ListenerLimits limits) throws Exception {
        return AwsProxy.start(new AwsProxyConfig(0, mode, LocalCredentials.random(),
                () -> AwsCredentialsIdentity.create("testing", "testing"), UpstreamResolver.fixed(moto.uri()), ca)
                .withLimits(limits));
    }

    static Socket open(AwsProxy p) throws Exception {
        Socket s = new Socket();
        s.connect(p.localAddress(), 5000);
        s.setSoTimeout(60_000);
        return s;
    }

    /** True once the proxy has closed the connection (end of stream or reset). */
    static boolean closedByProxy(InputStream in) {
        try {
            while (in.read() >= 0) {
                // drain what the proxy sent before closing
            }
            return true;
        } catch (SocketException reset) {
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void silentAndSlowHeaderConnectionsAreClosed() throws Exception {
        ListenerLimits limits = new ListenerLimits(100, Duration.ofSeconds(1), Duration.ofSeconds(2));
        for (ProxyMode mode : ProxyMode.values()) {
            try (AwsProxy p = proxy(mode, limits)) {
                List<Socket> sockets = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    sockets.add(open(p));
                }
                Socket slow = open(p);
                slow.getOutputStream().write("CONNECT sts.amazonaws.com:4".getBytes(StandardCharsets.US_ASCII));
                sockets.add(slow);
                await().atMost(Duration.ofSeconds(30)).until(() -> p.stats().snapshot().openConnections() == 0);
                for (Socket s : sockets) {
                    assertThat(closedByProxy(s.getInputStream())).as(mode.toString()).isTrue();
                    s.close();
                }
            }
        }
    }

    @Test
    void keepAliveConnectionIsClosedWhenIdle() throws Exception {
        ListenerLimits limits = new ListenerLimits(100, Duration.ofSeconds(5), Duration.ofSeconds(1));
        try (AwsProxy p = proxy(ProxyMode.ENDPOINT_URL, limits); Socket plain = open(p);
             SSLSocket tls = (SSLSocket) trustCa.getSocketFactory().createSocket(plain, "localhost", 443, true)) {
            byte[] request = new String(HostileTargetsTest.createTable(p, "127.0.0.1", "limits_idle", "dynamodb", "us-east-1"),
                    StandardCharsets.ISO_8859_1).replace("Connection: close", "Connection: keep-alive")
                    .getBytes(StandardCharsets.ISO_8859_1);
            tls.getOutputStream().write(request);
            tls.getOutputStream().flush();
            InputStream in = tls.getInputStream();
            assertThat(HostileTargetsTest.statusLine(in)).startsWith("HTTP/1.1 200");
            assertThat(closedByProxy(in)).isTrue(); // the response, then nothing for the idle timeout: closed
            await().atMost(Duration.ofSeconds(30)).until(() -> p.stats().snapshot().openConnections() == 0);
        }
    }

    @Test
    void connectionsPastTheCapGetA503ThatSaysWhy() throws Exception {
        ListenerLimits limits = new ListenerLimits(3, Duration.ofSeconds(20), Duration.ofSeconds(20));
        try (AwsProxy p = proxy(ProxyMode.HTTPS_PROXY, limits)) {
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    held.add(open(p));
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> p.stats().snapshot().openConnections() == 3);
                try (Socket extra = open(p)) {
                    extra.getOutputStream().write("CONNECT sts.amazonaws.com:443 HTTP/1.1\r\nHost: sts.amazonaws.com:443\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    String response = new String(extra.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    assertThat(response).startsWith("HTTP/1.1 503").contains("already serves 3 connections, the most it allows");
                }
                held.remove(0).close();
                await().atMost(Duration.ofSeconds(10)).until(() -> p.stats().snapshot().openConnections() == 2);
                try (Socket again = open(p)) {
                    again.getOutputStream().write("CONNECT sts.amazonaws.com:443 HTTP/1.1\r\nHost: sts.amazonaws.com:443\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    assertThat(HostileTargetsTest.statusLine(again.getInputStream())).startsWith("HTTP/1.1 200");
                }
            } finally {
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }
}
