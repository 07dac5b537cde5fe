package dev.ferry.tunnel.aws;

import dev.ferry.tunnel.testsupport.MotoServer;
import dev.ferry.tunnel.ca.LocalCa;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.net.ssl.TrustManagerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.SdkHttpClient;
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

/**
 * Benchmark (not a test): DynamoDB GetItem latency and 50 MB S3 GET throughput, through
 * the proxy (endpoint-URL mode, TLS) versus straight to moto, measured in the same run. Real
 * AWS is only reachable over TLS, so the S3 target compares with "direct over TLS": stunnel
 * (server mode, TLS 1.3 AES-128-GCM like the proxy) in front of moto, which costs the client
 * the same decryption as the proxy path. Plain HTTP to moto is printed too, as a bound.
 * moto runs behind bench/moto_keepalive.py (HTTP/1.1 keep-alive) and the proxy's upstream is
 * TLS to another stunnel service in front of the same moto, as to AWS.
 * S3 figures are medians of interleaved rounds, split into time to the response headers and
 * time for the body.
 * Run with bench/aws-proxy.sh.
 */
public final class AwsProxyBench {

    /** stunnel services, each its own port to the same keep-alive moto, so connections are counted per peer. */
    static final List<String> FRONTS = List.of("floor", "ferry-upstream", "mitm-upstream");

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1500;
        // HttpURLConnection keeps 5 idle connections per destination by default: at concurrency 8
        // three of the clients would open (and handshake) a new connection for every request.
        System.setProperty("http.maxConnections", "16");
        Path tmp = Files.createTempDirectory("ferry-bench");
        // moto behind an HTTP/1.1 keep-alive server (moto_server answers "Connection: close", which
        // made every TLS peer pay a handshake per request): see bench/moto_keepalive.py.
        try (MotoServer moto = new MotoServer(List.of("python3", "bench/moto_keepalive.py"), Map.of()).start()) {
            LocalCa ca = LocalCa.loadOrCreate(tmp.resolve("ca"));
            LocalCredentials local = LocalCredentials.random();
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setCertificateEntry("ferry", ca.certificate());
            TlsFront front = startTlsFrontForMoto(tmp, moto.uri(), ks);
            Process stunnel = front.process();
            Runtime.getRuntime().addShutdownHook(new Thread(stunnel::destroy));
            // Ferry's upstream is TLS, as to AWS: the JDK default trust (which the proxy's upstream
            // context uses) is pointed at the bench CA that signed stunnel's localhost certificate.
            Path upstreamTrust = tmp.resolve("upstream-trust.p12");
            KeyStore benchCa = KeyStore.getInstance("PKCS12");
            benchCa.load(null, null);
            benchCa.setCertificateEntry("bench-ca", ks.getCertificate("bench-ca"));
            try (var out = Files.newOutputStream(upstreamTrust)) {
                benchCa.store(out, "changeit".toCharArray());
            }
            System.setProperty("javax.net.ssl.trustStore", upstreamTrust.toString());
            System.setProperty("javax.net.ssl.trustStorePassword", "changeit");
            System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
            URI ferryUpstream = URI.create("https://localhost:" + front.port("ferry-upstream"));
            try (AwsProxy proxy = AwsProxy.start(new AwsProxyConfig(0, ProxyMode.ENDPOINT_URL, local,
                    () -> AwsCredentialsIdentity.create("testing", "testing"), UpstreamResolver.fixed(ferryUpstream), ca))) {
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ks);
                SdkHttpClient http = UrlConnectionHttpClient.builder().tlsTrustManagersProvider(tmf::getTrustManagers).build();
                var testing = StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
                var viaProxy = StaticCredentialsProvider.create(AwsBasicCredentials.create(local.accessKeyId(),
                        local.secretAccessKey()));
                DynamoDbClient direct = DynamoDbClient.builder().endpointOverride(moto.uri()).region(Region.US_EAST_1)
                        .credentialsProvider(testing).httpClient(http).build();
                direct.createTable(b -> b.tableName("bench").billingMode(BillingMode.PAY_PER_REQUEST)
                        .attributeDefinitions(AttributeDefinition.builder().attributeName("id")
                                .attributeType(ScalarAttributeType.S).build())
                        .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build()));
                direct.putItem(b -> b.tableName("bench").item(Map.of("id", AttributeValue.fromS("k"),
                        "v", AttributeValue.fromS("small value"))));

                MitmFront mitm = MitmFront.start(tmp, URI.create("https://localhost:" + front.port("mitm-upstream")),
                        tmp.resolve("stunnel").resolve("ca.pem"));
                try {
                    if (mitm != null) {
                        ks.setCertificateEntry("mitmproxy", mitm.ca());
                    }
                    TrustManagerFactory all = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                    all.init(ks);
                    SdkHttpClient httpAll = UrlConnectionHttpClient.builder().tlsTrustManagersProvider(all::getTrustManagers).build();
                    System.out.println("Peers (one keep-alive moto behind all of them; every client reuses its connections):");
                    System.out.println("  plain HTTP to moto        client -HTTP/1.1-> moto");
                    System.out.println("  stunnel+moto (TLS floor)  client -TLS 1.3-> stunnel -HTTP/1.1-> moto");
                    System.out.println("  Ferry proxy               client -TLS 1.3-> Ferry (verify, re-sign) -TLS 1.3-> stunnel"
                            + " -HTTP/1.1-> moto (stunnel stands for AWS's TLS end)");
                    System.out.println("  mitmproxy reverse         client -TLS-> mitmdump -TLS-> stunnel -HTTP/1.1-> moto");
                    System.out.println("Ferry's TLS (both sides): " + (io.netty.handler.ssl.OpenSsl.isAvailable()
                            ? io.netty.handler.ssl.OpenSsl.versionString() + " (netty-tcnative)"
                            : "the JDK's (netty-tcnative did not load: " + io.netty.handler.ssl.OpenSsl.unavailabilityCause() + ")")
                            + "; " + System.getProperty("java.vm.name") + " " + Runtime.version());
                    java.util.List<SmallRequests.Peer> peers = new java.util.ArrayList<>();
                    peers.add(new SmallRequests.Peer("plain HTTP to moto", direct));
                    peers.add(new SmallRequests.Peer("stunnel+moto (TLS floor)", dynamo(URI.create("https://localhost:" + front.port("floor")), testing, httpAll)));
                    peers.add(new SmallRequests.Peer("Ferry proxy", dynamo(URI.create(proxy.endpointUrl()), viaProxy, httpAll)));
                    if (mitm != null) {
                        peers.add(new SmallRequests.Peer("mitmproxy reverse", dynamo(URI.create("https://127.0.0.1:" + mitm.port()), testing, httpAll)));
                    } else {
                        System.out.println("mitmproxy: not installed (apt-get install -y mitmproxy), left out of this run");
                    }
                    SmallRequests.run(peers, n, proxy);
                    System.out.printf("TLS connections accepted by stunnel: %s; Ferry's client-side connections: %d"
                            + " (a new connection per request would show as thousands)%n", front.accepted(tmp),
                            proxy.stats().snapshot().totalConnections());
                } finally {
                    if (mitm != null) {
                        mitm.process().destroy();
                        mitm.process().waitFor();
                    }
                }
                if (Boolean.getBoolean("bench.skipS3") || Boolean.getBoolean("bench.costOnly")) {
                    stunnel.destroy();
                    stunnel.waitFor();
                    System.out.printf("proxy counters: %s%n", proxy.stats().snapshot());
                    return;
                }

                S3Client s3Direct = S3Client.builder().endpointOverride(moto.uri()).region(Region.US_EAST_1)
                        .forcePathStyle(true).credentialsProvider(testing).httpClient(http).build();
                S3Client s3Proxy = S3Client.builder().endpointOverride(URI.create(proxy.endpointUrl()))
                        .region(Region.US_EAST_1).forcePathStyle(true).credentialsProvider(viaProxy).httpClient(http).build();
                s3Direct.createBucket(b -> b.bucket("bench"));
                byte[] big = new byte[50 * 1024 * 1024];
                new Random(7).nextBytes(big);
                s3Direct.putObject(b -> b.bucket("bench").key("big"), RequestBody.fromBytes(big));
                // Warm-up, the same for both paths: JIT of the TLS (AES-GCM) code in the proxy and in
                // this client takes a few hundred MB to reach full speed; GetItem traffic does not get there.
                try {
                TrustManagerFactory tmf2 = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf2.init(ks);
                SdkHttpClient http2 = UrlConnectionHttpClient.builder().tlsTrustManagersProvider(tmf2::getTrustManagers).build();
                S3Client s3DirectTls = S3Client.builder().endpointOverride(URI.create("https://localhost:" + front.port("floor")))
                        .region(Region.US_EAST_1).forcePathStyle(true).credentialsProvider(testing).httpClient(http2).build();
                int warmUp = Integer.getInteger("bench.s3WarmUp", 8);
                for (int i = 0; i < warmUp; i++) {
                    s3Get(s3Direct, big.length);
                    s3Get(s3DirectTls, big.length);
                    s3Get(s3Proxy, big.length);
                }
                int rounds = 7;
                double[][] getDirect = new double[rounds][];
                double[][] getDirectTls = new double[rounds][];
                double[][] getProxied = new double[rounds][];
                for (int i = 0; i < rounds; i++) {
                    getDirect[i] = s3Get(s3Direct, big.length);
                    getDirectTls[i] = s3Get(s3DirectTls, big.length);
                    getProxied[i] = s3Get(s3Proxy, big.length);
                }
                double dMbs = median(getDirect, 0);
                double tMbs = median(getDirectTls, 0);
                double pMbs = median(getProxied, 0);
                System.out.printf("S3 GET 50 MB x%d interleaved, medians  direct over TLS: %.1f MB/s | proxy: %.1f MB/s"
                        + " | ratio %.2f (target >= 0.80)%n", rounds, tMbs, pMbs, pMbs / tMbs);
                System.out.printf("  information: direct plain HTTP to moto %.1f MB/s, proxy / plain %.2f%n", dMbs, pMbs / dMbs);
                System.out.printf("  where the time goes (medians): direct TLS  headers after %.1f ms, body %.1f ms"
                        + " | proxy  headers after %.1f ms, body %.1f ms | plain  body %.1f ms%n",
                        median(getDirectTls, 1), median(getDirectTls, 2), median(getProxied, 1), median(getProxied, 2),
                        median(getDirect, 2));
                } finally {
                    stunnel.destroy();
                    stunnel.waitFor();
                }
                System.out.printf("proxy counters: %s%n", proxy.stats().snapshot());
            }
        }
    }

    static DynamoDbClient dynamo(URI endpoint, StaticCredentialsProvider creds, SdkHttpClient http) {
        return DynamoDbClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(creds).httpClient(http).build();
    }

    record TlsFront(Process process, Map<String, Integer> ports) {
        int port(String service) {
            return ports.get(service);
        }

        /** Connections each stunnel service accepted so far, from its log. */
        String accepted(Path tmp) throws java.io.IOException {
            String log = Files.readString(tmp.resolve("stunnel.log"));
            StringBuilder b = new StringBuilder();
            for (String service : FRONTS) {
                long count = log.lines().filter(l -> l.contains("Service [" + service + "] accepted connection")).count();
                b.append(b.length() == 0 ? "" : ", ").append(service).append(' ').append(count);
            }
            return b.toString();
        }
    }

    /**
     * stunnel in server mode on 127.0.0.1 with a localhost certificate from a test CA (added to
     * {@code trust}), relaying to moto's plain HTTP port: one service (port) per {@link #FRONTS}
     * entry, TCP_NODELAY on both sides, and a TLS connection kept as long as moto keeps its one.
     */
    static TlsFront startTlsFrontForMoto(Path tmp, URI moto, KeyStore trust) throws Exception {
        Path certs = Files.createDirectories(tmp.resolve("stunnel"));
        dev.ferry.tunnel.testsupport.TestCertificates.write(certs);
        try (InputStream in = Files.newInputStream(certs.resolve("ca.pem"))) {
            trust.setCertificateEntry("bench-ca", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        Map<String, Integer> ports = new java.util.LinkedHashMap<>();
        List<String> conf = new java.util.ArrayList<>(List.of("foreground = yes", "pid =", "debug = 5",
                "socket = l:TCP_NODELAY=1", "socket = r:TCP_NODELAY=1"));
        for (String service : FRONTS) {
            try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                ports.put(service, s.getLocalPort());
            }
            conf.addAll(List.of("[" + service + "]", "accept = 127.0.0.1:" + ports.get(service),
                    "connect = " + moto.getHost() + ":" + moto.getPort(),
                    "cert = " + certs.resolve("server.crt"), "key = " + certs.resolve("server.key"),
                    "sslVersionMin = TLSv1.3", "ciphersuites = TLS_AES_128_GCM_SHA256"));
        }
        Path confFile = certs.resolve("stunnel.conf");
        Files.writeString(confFile, String.join("\n", conf) + "\n");
        Process p = new ProcessBuilder("stunnel", confFile.toString()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("stunnel.log").toFile()).start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        int last = ports.get(FRONTS.get(FRONTS.size() - 1));
        while (System.nanoTime() < deadline) {
            try (java.net.Socket ignored = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), last)) {
                return new TlsFront(p, ports);
            } catch (java.io.IOException notYet) {
                if (!p.isAlive()) {
                    break;
                }
                Thread.onSpinWait();
            }
        }
        p.destroy();
        throw new IllegalStateException("stunnel did not start: " + Files.readString(tmp.resolve("stunnel.log")));
    }

    static double median(double[][] rows, int column) {
        double[] v = Arrays.stream(rows).mapToDouble(r -> r[column]).sorted().toArray();
        return v[v.length / 2];
    }

    /** @return {MB/s, ms until the response headers, ms for the body} */
    static double[] s3Get(S3Client c, long expected) throws Exception {
        long t = System.nanoTime();
        long total = 0;
        long headers;
        try (InputStream in = c.getObject(b -> b.bucket("bench").key("big"), ResponseTransformer.toInputStream())) {
            headers = System.nanoTime();
            byte[] buf = new byte[256 * 1024];
            int r;
            while ((r = in.read(buf)) > 0) {
                total += r;
            }
        }
        if (total != expected) {
            throw new IllegalStateException("S3 GET returned " + total + " bytes, expected " + expected);
        }
        long end = System.nanoTime();
        return new double[] {total / 1e6 / ((end - t) / 1e9), (headers - t) / 1e6, (end - headers) / 1e6};
    }
}
