package dev.ferry.tunnel.aws;

import dev.ferry.tunnel.testsupport.MotoServer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.tunnel.ca.LocalCa;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Hostile CONNECT targets and signature scopes, both proxy modes, over raw sockets. Every
 * hostile case must be refused before any TLS (CONNECT) or before anything is forwarded
 * (scope), and no connection may reach anything but the genuine endpoint: a loopback
 * listener counts every connection made to it, and the upstream resolver records every host
 * it is asked for. The resolver sends genuine AWS hosts to moto and anything else where a
 * plain {@code https://} URL of it would go, so a look-alike that got through would be counted.
 */
class HostileTargetsTest {

    @TempDir
    static Path dir;
    static MotoServer moto;
    static LocalCa ca;
    static AwsProxy connectProxy;
    static AwsProxy endpointProxy;
    static ServerSocket counting;
    static ServerSocket counting443;
    static String trap;
    static final AtomicInteger trapped = new AtomicInteger();
    static final List<String> resolvedHosts = new CopyOnWriteArrayList<>();
    static final Set<String> GENUINE = Set.of("dynamodb.us-east-1.amazonaws.com", "sts.amazonaws.com");
    static SSLContext trustCa;
    static DynamoDbClient directEast;
    static DynamoDbClient directWest;

    @BeforeAll
    static void start() throws Exception {
        moto = new MotoServer().start();
        ca = LocalCa.loadOrCreate(dir.resolve("ca"));
        counting = listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        // A listener on port 443 of a loopback address of its own, when the test may bind it
        // (root): a look-alike CONNECT target that resolves to https://127.0.0.N would land here.
        for (int i = 0; i < 5 && counting443 == null; i++) {
            int n = ThreadLocalRandom.current().nextInt(2, 250);
            try {
                counting443 = listen(new InetSocketAddress(InetAddress.getByName("127.0.0." + n), 443));
            } catch (IOException notAllowed) {
                // not root, or taken: the resolver record still catches what would go there
            }
        }
        trap = counting443 != null ? counting443.getInetAddress().getHostAddress() : "127.0.0.1";
        UpstreamResolver resolver = (service, region, endpoint) -> {
            String host = String.valueOf(endpoint);
            resolvedHosts.add(host);
            return GENUINE.contains(host) ? moto.uri() : URI.create("https://" + host);
        };
        connectProxy = AwsProxy.start(new AwsProxyConfig(0, ProxyMode.HTTPS_PROXY, LocalCredentials.random(),
                () -> AwsCredentialsIdentity.create("testing", "testing"), resolver, ca));
        endpointProxy = AwsProxy.start(new AwsProxyConfig(0, ProxyMode.ENDPOINT_URL, LocalCredentials.random(),
                () -> AwsCredentialsIdentity.create("testing", "testing"), resolver, ca));
        trustCa = ProxyClients.trusting(ca);
        StaticCredentialsProvider testing = StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
        directEast = DynamoDbClient.builder().endpointOverride(moto.uri()).region(Region.US_EAST_1)
                .credentialsProvider(testing).httpClient(UrlConnectionHttpClient.create()).build();
        directWest = DynamoDbClient.builder().endpointOverride(moto.uri()).region(Region.US_WEST_2)
                .credentialsProvider(testing).httpClient(UrlConnectionHttpClient.create()).build();
    }

    static ServerSocket listen(InetSocketAddress at) throws IOException {
        ServerSocket s = new ServerSocket();
        s.bind(at, 50);
        Thread t = new Thread(() -> {
            while (!s.isClosed()) {
                try (Socket c = s.accept()) {
                    trapped.incrementAndGet();
                } catch (IOException closed) {
                    return;
                }
            }
        }, "counting-listener");
        t.setDaemon(true);
        t.start();
        return s;
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {connectProxy, endpointProxy, counting, counting443, moto}) {
            if (c != null) {
                c.close();
            }
        }
    }

    // ---- HTTPS_PROXY mode: CONNECT targets --------------------------------------------------

    /** Sends {@code CONNECT target} and returns the proxy's status line (the connection is then dropped). */
    static String connect(String target) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(connectProxy.localAddress(), 5000);
            s.setSoTimeout(15_000);
            OutputStream out = s.getOutputStream();
            out.write(("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return statusLine(s.getInputStream());
        }
    }

    static String statusLine(InputStream in) throws IOException {
        return ProxyClients.line(in);
    }

    @Test
    void lookAlikeConnectTargetsAreRefusedBeforeTls() throws Exception {
        String port = Integer.toString(counting.getLocalPort());
        String longName = "a".repeat(60) + "." + "b".repeat(60) + "." + "c".repeat(60) + "." + "d".repeat(60)
                + ".s3.amazonaws.com";
        List<String> hostile = List.of(
                "localhost#.amazonaws.com:443",
                trap + "#.amazonaws.com:443",
                trap + "/.amazonaws.com:443",
                trap + "?.amazonaws.com:443",
                "x@" + trap + "#.amazonaws.com:443",
                "127.0.0.1:" + port + "#.amazonaws.com:443",
                "127.0.0.1:" + port + "/.amazonaws.com:443",
                trap + "%23.amazonaws.com:443",
                trap + "%2F.amazonaws.com:443",
                trap + "\\.amazonaws.com:443",
                trap + "\u0000.amazonaws.com:443",
                trap + "\t.amazonaws.com:443",
                "[::1]#.amazonaws.com:443",
                "[::ffff:" + trap + "].amazonaws.com:443",
                "sts.amazonaws.com.:443",
                "sts.amazonaws.com..:443",
                ".sts.amazonaws.com:443",
                "-sts.amazonaws.com:443",
                "sts_1.amazonaws.com:443",
                "sts.amazonaws.com:443:443",
                "sts.amazonaws.com:0",
                "sts.amazonaws.com:99999",
                "sts.amazonaws.com:+443",
                "sts.amazonaws.com:",
                "sts.amazonaws.com:" + port,
                "d\u00f6namodb.us-east-1.amazonaws.com:443",
                longName + ":443",
                "x".repeat(64) + ".amazonaws.com:443",
                "[fe80::1%25lo]:443",
                "[::1:443",
                "");
        List<String> notRefused = new ArrayList<>();
        for (String target : hostile) {
            String status = connect(target);
            if (!status.startsWith("HTTP/1.1 400")) {
                notRefused.add(printable(target) + " -> " + status);
            }
        }
        assertThat(notRefused).as("CONNECT targets not refused with 400").isEmpty();
        assertNothingReachedButGenuine();
    }

    @Test
    void passThroughReachesOnlyPort443OfHostsThatAreNotLocal() throws Exception {
        String port = Integer.toString(counting.getLocalPort());
        List<String> local = List.of("127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port,
                "[::ffff:127.0.0.1]:" + port, trap + ":443", "localhost:443", "[::ffff:" + trap + "]:443",
                "169.254.169.254:443", "169.254.169.254:80", "0.0.0.0:" + port, "example.com:22");
        List<String> notRefused = new ArrayList<>();
        for (String target : local) {
            String status = connect(target);
            if (!status.startsWith("HTTP/1.1 403")) {
                notRefused.add(target + " -> " + status);
            }
        }
        assertThat(notRefused).as("pass-through targets not refused with 403").isEmpty();
        assertNothingReachedButGenuine();
    }

    @Test
    void upperCaseGenuineHostIsInterceptedAsItsLowerCaseName() throws Exception {
        assertThat(connect("STS.AmazonAWS.com:443")).startsWith("HTTP/1.1 200");
        assertNothingReachedButGenuine();
    }

    @Test
    void longGenuineNameGetsACertificateNotAHangingHandshake() throws Exception {
        // A 63-character bucket in a virtual-hosted S3 name: longer than a certificate's common name may be.
        String host = "b".repeat(63) + ".s3.us-east-1.amazonaws.com";
        try (Socket plain = new Socket()) {
            plain.connect(connectProxy.localAddress(), 5000);
            plain.setSoTimeout(15_000);
            plain.getOutputStream().write(("CONNECT " + host + ":443 HTTP/1.1\r\nHost: " + host + ":443\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(statusLine(plain.getInputStream())).startsWith("HTTP/1.1 200");
            while (!statusLine(plain.getInputStream()).isEmpty()) {
                // rest of the CONNECT response head
            }
            try (SSLSocket tls = (SSLSocket) trustCa.getSocketFactory().createSocket(plain, host, 443, true)) {
                javax.net.ssl.SSLParameters params = tls.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                tls.setSSLParameters(params);
                tls.startHandshake();
                assertThat(tls.getSession().getPeerPrincipal().getName()).doesNotContain(host);
            }
        }
        assertNothingReachedButGenuine();
    }

    // ---- scopes -------------------------------------------------------------------------

    /** A DynamoDB CreateTable for {@code table}, signed for {@code service}/{@code region}, as raw HTTP bytes. */
    static byte[] createTable(AwsProxy proxy, String hostHeader, String table, String service, String region) {
        return ProxyClients.signedJsonPost(proxy.localCredentials(), hostHeader, "DynamoDB_20120810.CreateTable",
                "{\"TableName\":\"" + table + "\",\"BillingMode\":\"PAY_PER_REQUEST\","
                        + "\"AttributeDefinitions\":[{\"AttributeName\":\"id\",\"AttributeType\":\"S\"}],"
                        + "\"KeySchema\":[{\"AttributeName\":\"id\",\"KeyType\":\"HASH\"}]}", service, region, "close");
    }

    /** Sends raw request bytes over TLS (after CONNECT to {@code connectHost} in HTTPS_PROXY mode); returns the status line and body. */
    static String exchange(AwsProxy proxy, String connectHost, byte[] request) throws Exception {
        Socket plain = new Socket();
        plain.connect(proxy.localAddress(), 5000);
        plain.setSoTimeout(30_000);
        String sni = "localhost";
        if (connectHost != null) {
            plain.getOutputStream().write(("CONNECT " + connectHost + ":443 HTTP/1.1\r\nHost: " + connectHost
                    + ":443\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String status = statusLine(plain.getInputStream());
            assertThat(status).startsWith("HTTP/1.1 200");
            while (!statusLine(plain.getInputStream()).isEmpty()) {
                // rest of the CONNECT response head
            }
            sni = connectHost;
        }
        try (SSLSocket tls = (SSLSocket) trustCa.getSocketFactory().createSocket(plain, sni, 443, true)) {
            tls.startHandshake();
            tls.getOutputStream().write(request);
            tls.getOutputStream().flush();
            return new String(tls.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void connectModeScopeMustMatchTheInterceptedHost() throws Exception {
        String host = "dynamodb.us-east-1.amazonaws.com";
        int before = resolvedHosts.size();
        String wrongRegion = exchange(connectProxy, host, createTable(connectProxy, host, "hostile_region", "dynamodb", "us-west-2"));
        assertThat(wrongRegion).startsWith("HTTP/1.1 403").contains("us-west-2").contains("InvalidSignatureException");
        String wrongService = exchange(connectProxy, host, createTable(connectProxy, host, "hostile_service", "sts", "us-east-1"));
        assertThat(wrongService).startsWith("HTTP/1.1 403").contains("service sts");
        String badRegion = exchange(connectProxy, host, createTable(connectProxy, host, "hostile_at", "dynamodb",
                "x@127.0.0.1:" + counting.getLocalPort() + "#"));
        assertThat(badRegion).startsWith("HTTP/1.1 400");
        assertThat(resolvedHosts.size()).isEqualTo(before);
        String ok = exchange(connectProxy, host, createTable(connectProxy, host, "genuine_connect", "dynamodb", "us-east-1"));
        assertThat(ok).startsWith("HTTP/1.1 200");
        assertThat(directEast.listTables().tableNames()).contains("genuine_connect")
                .doesNotContain("hostile_region", "hostile_service", "hostile_at");
        assertThat(directWest.listTables().tableNames()).doesNotContain("hostile_region");
        assertNothingReachedButGenuine();
    }

    @Test
    void endpointModeAcceptsOnlyWellFormedRegionsAndServices() throws Exception {
        String port = Integer.toString(counting.getLocalPort());
        String[][] scopes = {
                {"dynamodb", "x@127.0.0.1:" + port + "#"},
                {"dynamodb", "x@" + trap + ":443#"},
                {"dynamodb", "us-east-1.127.0.0.1:" + port + "#"},
                {"dynamodb", "us-east-1#"},
                {"dynamodb", "us-east-1%23"},
                {"dynamodb", "us-east-1\\"},
                {"dynamodb", "us-east-1?"},
                {"dynamodb", "US-EAST-1"},
                {"dynamodb", "us-east-1."},
                {"dynamodb", "[::1]"},
                {"dynamodb", "us-east-1:" + port},
                {"dynamodb", "r".repeat(300)},
                {"dynamodb", "xx-nowhere-1"},
                {"dynamodb", ""},
                {"dynamodb.127.0.0.1:" + port + "#", "us-east-1"},
                {"dynamodb@127.0.0.1:" + port + "#", "us-east-1"},
                {"x@" + trap + "#", "us-east-1"},
                {"DYNAMODB", "us-east-1"},
                {"dynamodb%2e", "us-east-1"},
                {"-dynamodb", "us-east-1"},
                {"d".repeat(300), "us-east-1"},
        };
        int before = resolvedHosts.size();
        List<String> notRefused = new ArrayList<>();
        for (String[] scope : scopes) {
            String table = "hostile_" + Integer.toHexString(String.join("/", scope).hashCode());
            String response = exchange(endpointProxy, null, createTable(endpointProxy, "127.0.0.1", table, scope[0], scope[1]));
            if (!response.startsWith("HTTP/1.1 400")) {
                notRefused.add(printable(scope[0] + " / " + scope[1]) + " -> " + response.lines().findFirst().orElse(""));
            }
        }
        assertThat(notRefused).as("scopes not refused with 400").isEmpty();
        assertThat(resolvedHosts.size()).isEqualTo(before);
        String ok = exchange(endpointProxy, null, createTable(endpointProxy, "127.0.0.1", "genuine_endpoint", "dynamodb", "us-east-1"));
        assertThat(ok).startsWith("HTTP/1.1 200");
        assertThat(resolvedHosts).contains("dynamodb.us-east-1.amazonaws.com");
        assertThat(directEast.listTables().tableNames()).contains("genuine_endpoint").noneMatch(t -> t.startsWith("hostile_"));
        assertNothingReachedButGenuine();
    }

    @Test
    void nulInScopeIsRefused() throws Exception {
        byte[] req = createTable(endpointProxy, "127.0.0.1", "hostile_nul", "dynamodb", "us-east-1\u0000x@127.0.0.1");
        String response = exchange(endpointProxy, null, req);
        assertThat(response).startsWith("HTTP/1.1 400");
        assertNothingReachedButGenuine();
    }

    static void assertNothingReachedButGenuine() {
        assertThat(trapped.get()).as("connections that reached the counting listeners").isZero();
        assertThat(resolvedHosts).as("hosts the proxy asked the resolver for").allMatch(GENUINE::contains);
    }

    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return b.toString();
    }
}
