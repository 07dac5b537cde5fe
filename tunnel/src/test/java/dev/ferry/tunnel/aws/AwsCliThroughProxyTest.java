package dev.ferry.tunnel.aws;

import dev.ferry.tunnel.testsupport.MotoServer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.tunnel.ca.LocalCa;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * The real AWS CLI (v1) through HTTPS_PROXY mode, no --endpoint-url: the CLI CONNECTs to
 * *.amazonaws.com, the proxy intercepts, verifies, re-signs and sends everything to moto.
 */
class AwsCliThroughProxyTest {

    @TempDir
    static Path dir;
    static MotoServer moto;
    static AwsProxy proxy;
    static LocalCa ca;
    static final AtomicInteger resolved = new AtomicInteger();
    static final List<String> hosts = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        moto = new MotoServer().start();
        ca = LocalCa.loadOrCreate(dir.resolve("ca"));
        proxy = AwsProxy.start(new AwsProxyConfig(0, ProxyMode.HTTPS_PROXY, LocalCredentials.random(),
                () -> AwsCredentialsIdentity.create("testing", "testing"),
                (service, region, host) -> {
                    resolved.incrementAndGet();
                    hosts.add(service + "@" + host);
                    return moto.uri();
                }, ca));
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

    static String aws(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("aws", "--region", "us-east-1", "--output", "json"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("AWS_") || k.equalsIgnoreCase("no_proxy")
                || k.equalsIgnoreCase("https_proxy") || k.equalsIgnoreCase("http_proxy"));
        env.put("HTTPS_PROXY", proxy.proxyUrl());
        env.put("AWS_CA_BUNDLE", ca.certificatePemPath().toString());
        env.put("AWS_ACCESS_KEY_ID", proxy.localCredentials().accessKeyId());
        env.put("AWS_SECRET_ACCESS_KEY", proxy.localCredentials().secretAccessKey());
        env.put("AWS_CONFIG_FILE", dir.resolve("no-config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("no-credentials").toString());
        env.put("AWS_MAX_ATTEMPTS", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("aws %s failed: %s", String.join(" ", args), out).isZero();
        return out;
    }

    @Test
    void stsGetCallerIdentity() throws Exception {
        int before = resolved.get();
        String out = aws("sts", "get-caller-identity");
        assertThat(out).contains("\"Account\"").contains("123456789012");
        assertThat(resolved.get()).isGreaterThan(before);
        assertThat(hosts).anyMatch(h -> h.startsWith("sts@sts.") && h.endsWith("amazonaws.com"));
    }

    @Test
    void dynamodbCreatePutGet() throws Exception {
        aws("dynamodb", "create-table", "--table-name", "cli", "--attribute-definitions",
                "AttributeName=id,AttributeType=S", "--key-schema", "AttributeName=id,KeyType=HASH",
                "--billing-mode", "PAY_PER_REQUEST");
        aws("dynamodb", "put-item", "--table-name", "cli", "--item", "{\"id\":{\"S\":\"a1\"},\"v\":{\"S\":\"hello\"}}");
        String got = aws("dynamodb", "get-item", "--table-name", "cli", "--key", "{\"id\":{\"S\":\"a1\"}}");
        assertThat(got).contains("hello");
    }

    @Test
    void s3CopyFiftyMegabytesUpAndDown() throws Exception {
        aws("s3", "mb", "s3://ferry-cli-bucket");
        Path up = dir.resolve("up.bin");
        byte[] data = new byte[50 * 1024 * 1024];
        new Random(42).nextBytes(data);
        Files.write(up, data);
        aws("s3", "cp", up.toString(), "s3://ferry-cli-bucket/big.bin");
        Path down = dir.resolve("down.bin");
        aws("s3", "cp", "s3://ferry-cli-bucket/big.bin", down.toString());
        assertThat(sha256(down)).isEqualTo(sha256(up));
        String ls = aws("s3", "ls", "s3://ferry-cli-bucket/");
        assertThat(ls).contains("big.bin").contains(Integer.toString(data.length));
    }

    @Test
    void athenaListWorkGroups() throws Exception {
        assertThat(aws("athena", "list-work-groups")).contains("primary");
    }

    /** A non-loopback address of this machine: pass-through never relays to loopback or link-local ones. */
    static java.net.InetAddress externalAddress() throws Exception {
        for (var nif : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
            for (var a : java.util.Collections.list(nif.getInetAddresses())) {
                if (a instanceof java.net.Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                    return a;
                }
            }
        }
        throw new AssertionError("This test needs a network interface with a non-loopback IPv4 address");
    }

    @Test
    void otherHostsPassThroughUntouchedOnAllowedPortsOnly() throws Exception {
        java.net.InetAddress external = externalAddress();
        try (ServerSocket echo = new ServerSocket(0, 10, external)) {
            Thread t = new Thread(() -> {
                try (Socket s = echo.accept()) {
                    s.getInputStream().transferTo(s.getOutputStream());
                } catch (Exception ignored) {
                    // test ends
                }
            });
            t.start();
            String target = external.getHostAddress() + ":" + echo.getLocalPort();
            long requestsBefore = proxy.stats().snapshot().requests();
            try (Socket s = connectThrough(proxy, target)) {
                assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).startsWith("HTTP/1.1 403")
                        .contains("only relays to port 443").contains(target);
            }
            try (AwsProxy allowing = AwsProxy.start(new AwsProxyConfig(0, ProxyMode.HTTPS_PROXY, LocalCredentials.random(),
                    () -> AwsCredentialsIdentity.create("testing", "testing"), UpstreamResolver.fixed(moto.uri()), ca)
                    .withPassThroughPorts(AwsProxyConfig.parsePorts(Integer.toString(echo.getLocalPort()))));
                 Socket s = connectThrough(allowing, target)) {
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                String status = readHead(in);
                assertThat(status).startsWith("HTTP/1.1 200");
                byte[] payload = "\u0016\u0003\u0001 not an AWS request, just bytes".getBytes(StandardCharsets.ISO_8859_1);
                out.write(payload);
                out.flush();
                byte[] back = in.readNBytes(payload.length);
                assertThat(back).isEqualTo(payload);
                assertThat(allowing.stats().snapshot().requests()).isZero();
            }
            t.join(5000);
            assertThat(proxy.stats().snapshot().requests()).isEqualTo(requestsBefore);
        }
    }

    static Socket connectThrough(AwsProxy p, String target) throws Exception {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", p.localAddress().getPort()), 5000);
        s.setSoTimeout(10_000);
        s.getOutputStream().write(("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return s;
    }

    static String readHead(InputStream in) throws Exception {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            sb.append((char) b);
        }
        return sb.toString();
    }

    static String sha256(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }
}
