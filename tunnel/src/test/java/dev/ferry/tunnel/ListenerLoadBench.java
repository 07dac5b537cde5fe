package dev.ferry.tunnel;

import dev.ferry.tunnel.aws.AwsProxy;
import dev.ferry.tunnel.aws.AwsProxyConfig;
import dev.ferry.tunnel.aws.LocalCredentials;
import dev.ferry.tunnel.testsupport.MotoServer;
import dev.ferry.tunnel.aws.ProxyMode;
import dev.ferry.tunnel.aws.UpstreamResolver;
import dev.ferry.tunnel.ca.LocalCa;
import dev.ferry.tunnel.pg.PasswordSupplier;
import dev.ferry.tunnel.pg.PgTunnel;
import dev.ferry.tunnel.pg.PgTunnelConfig;
import dev.ferry.tunnel.pg.TlsMode;
import dev.ferry.tunnel.testsupport.PostgresServer;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * bench/limits.sh's two processes. {@code serve pg|aws on|off DIR}: runs one listener (the
 * PostgreSQL tunnel to a private PostgreSQL, or the AWS proxy in HTTPS_PROXY mode to moto) with
 * Ferry's limits or without them, writes its port and its credentials to DIR, and prints its own
 * RSS and open connections when asked on stdin. {@code load pg|aws DIR ACTIVE SLOW IDLE}: opens
 * ACTIVE busy clients (JDBC queries / signed DynamoDB GetItem over the proxy), SLOW clients that
 * send half a request head and stop, and IDLE clients that connect and send nothing.
 */
public final class ListenerLoadBench {

    public static void main(String[] args) throws Exception {
        if (args[0].equals("serve")) {
            serve(args[1], args[2].equals("on"), Path.of(args[3]));
        } else {
            load(args[1], Path.of(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]), Integer.parseInt(args[5]));
        }
    }

    static long rssKb() throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    static void serve(String kind, boolean limits, Path dir) throws Exception {
        LocalTunnel tunnel;
        AutoCloseable peer;
        if (kind.equals("pg")) {
            PostgresServer pg = PostgresServer.start(260);
            peer = pg;
            PgTunnelConfig c = new PgTunnelConfig(0, "127.0.0.1", pg.port(), TlsMode.VERIFY_FULL, List.of(pg.caPem()),
                    PostgresServer.TRUST_USER, PostgresServer.DATABASE, PasswordSupplier.none(), Duration.ofSeconds(15));
            tunnel = PgTunnel.start(limits ? c : c.withLimits(ListenerLimits.unlimited()));
        } else {
            MotoServer moto = new MotoServer().start();
            peer = moto;
            // The load process makes the table: an SDK client here would load the DynamoDB model and the
            // SDK's client runtime into the listener's JVM, which `ferry proxy aws` never has.
            Files.writeString(dir.resolve("moto"), moto.uri().toString());
            LocalCa ca = LocalCa.loadOrCreate(dir.resolve("ca"));
            AwsProxyConfig c = new AwsProxyConfig(0, ProxyMode.HTTPS_PROXY, LocalCredentials.random(),
                    () -> AwsCredentialsIdentity.create("testing", "testing"), UpstreamResolver.fixed(moto.uri()), ca);
            AwsProxy proxy = AwsProxy.start(limits ? c : c.withLimits(ListenerLimits.unlimited()));
            Files.writeString(dir.resolve("credentials"), proxy.localCredentials().accessKeyId() + "\n"
                    + proxy.localCredentials().secretAccessKey() + "\n");
            tunnel = proxy;
        }
        Files.writeString(dir.resolve("port.tmp"), Integer.toString(tunnel.localAddress().getPort()));
        Files.move(dir.resolve("port.tmp"), dir.resolve("port"));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null && !line.equals("quit")) {
            if (line.equals("gc")) {
                System.gc();
            }
            System.out.println("rss_mb=" + rssKb() / 1024 + " open=" + tunnel.stats().snapshot().openConnections()
                    + " heap_mb=" + (Runtime.getRuntime().totalMemory() >> 20));
            System.out.flush();
        }
        tunnel.close();
        peer.close();
    }

    static void load(String kind, Path dir, int active, int slow, int idle) throws Exception {
        int port = Integer.parseInt(Files.readString(dir.resolve("port")).trim());
        InetSocketAddress at = new InetSocketAddress("127.0.0.1", port);
        if (kind.equals("aws")) {
            try (DynamoDbClient ddb = DynamoDbClient.builder()
                    .endpointOverride(java.net.URI.create(Files.readString(dir.resolve("moto")).trim()))
                    .region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                    .httpClient(UrlConnectionHttpClient.create()).build()) {
                ddb.createTable(b -> b.tableName("bench").billingMode(BillingMode.PAY_PER_REQUEST)
                        .attributeDefinitions(AttributeDefinition.builder().attributeName("id")
                                .attributeType(ScalarAttributeType.S).build())
                        .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build()));
            }
            trust(dir); // warm up TLS and signing before the first connection, so no client trips the header timeout
            List<String> creds = Files.readAllLines(dir.resolve("credentials"));
            getItem("dynamodb.us-east-1.amazonaws.com", "warm", creds.get(0), creds.get(1));
            javax.net.ssl.SSLEngine warm = trust(dir).createSSLEngine("warm", 443);
            warm.setUseClientMode(true);
            warm.beginHandshake();
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        List<Socket> held = new ArrayList<>();
        // The busy clients get their connections first: opened at the same moment, the slow and
        // idle sockets (cheap to open) would take the listener's slots and the busy clients would be
        // the ones refused - no load at all. After them, the slow and idle ones meet the limit.
        CountDownLatch connected = new CountDownLatch(active);
        for (int i = 0; i < active; i++) {
            int n = i;
            Runnable work = kind.equals("pg") ? () -> pgClient(port, connected, stop, done, failed)
                    : () -> awsClient(dir, at, n, connected, stop, done, failed);
            Thread t = new Thread(work, "client-" + i);
            t.start();
            threads.add(t);
        }
        if (!connected.await(120, TimeUnit.SECONDS)) {
            System.err.println("load: not every busy client connected within 120 s");
        }
        for (int i = 0; i < slow; i++) {
            Socket s = new Socket();
            s.connect(at, 10_000);
            s.getOutputStream().write(kind.equals("pg") ? new byte[] {0, 0, 0}
                    : "CONNECT dynamodb.us-east-1.amaz".getBytes(StandardCharsets.US_ASCII));
            held.add(s);
        }
        for (int i = 0; i < idle; i++) {
            Socket s = new Socket();
            s.connect(at, 10_000);
            held.add(s);
        }
        System.out.println("load started");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.equals("stop-active")) {
                stop.set(true);
                for (Thread t : threads) {
                    t.join(60_000);
                }
                System.out.println("active clients done: requests=" + done.get() + " refused_or_failed=" + failed.get());
                System.out.flush();
            } else if (line.equals("quit")) {
                break;
            }
        }
        for (Socket s : held) {
            s.close();
        }
    }

    static void pgClient(int port, CountDownLatch connected, AtomicBoolean stop, AtomicLong done, AtomicLong failed) {
        Connection connection;
        try {
            connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/x?user=x&connectTimeout=30");
        } catch (Exception e) {
            failed.incrementAndGet();
            System.err.println("pg client: " + e + (e.getCause() == null ? "" : " caused by " + e.getCause()));
            return;
        } finally {
            connected.countDown();
        }
        try (Connection c = connection) {
            while (!stop.get()) {
                try (var rs = c.createStatement().executeQuery("select repeat('x', 1000) from generate_series(1, 50)")) {
                    while (rs.next()) {
                        // read the rows
                    }
                }
                done.incrementAndGet();
            }
        } catch (Exception e) {
            failed.incrementAndGet();
            System.err.println("pg client: " + e + (e.getCause() == null ? "" : " caused by " + e.getCause()));
        }
    }

    static void awsClient(Path dir, InetSocketAddress at, int n, CountDownLatch connected, AtomicBoolean stop,
            AtomicLong done, AtomicLong failed) {
        String host = "dynamodb.us-east-1.amazonaws.com";
        boolean counted = false;
        try (Socket plain = new Socket()) {
            List<String> creds = Files.readAllLines(dir.resolve("credentials"));
            plain.connect(at, 10_000);
            plain.setSoTimeout(60_000);
            plain.getOutputStream().write(("CONNECT " + host + ":443 HTTP/1.1\r\nHost: " + host + ":443\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream pin = plain.getInputStream();
            String status = line(pin);
            while (!line(pin).isEmpty()) {
                // rest of the head
            }
            connected.countDown();
            counted = true;
            if (!status.startsWith("HTTP/1.1 200")) {
                failed.incrementAndGet();
                return;
            }
            try (SSLSocket tls = (SSLSocket) trust(dir).getSocketFactory().createSocket(plain, host, 443, true)) {
                OutputStream out = tls.getOutputStream();
                InputStream tin = tls.getInputStream();
                while (!stop.get()) {
                    out.write(getItem(host, "k" + n, creds.get(0), creds.get(1)));
                    out.flush();
                    if (!line(tin).startsWith("HTTP/1.1 200")) {
                        failed.incrementAndGet();
                        return;
                    }
                    int length = 0;
                    String h;
                    while (!(h = line(tin)).isEmpty()) {
                        if (h.toLowerCase().startsWith("content-length:")) {
                            length = Integer.parseInt(h.substring(15).trim());
                        }
                    }
                    tin.readNBytes(length);
                    done.incrementAndGet();
                }
            }
        } catch (Exception e) {
            if (!stop.get()) {
                failed.incrementAndGet();
                System.err.println("aws client: " + e);
            }
        } finally {
            if (!counted) {
                connected.countDown();
            }
        }
    }

    private static SSLContext trustContext;

    static synchronized SSLContext trust(Path dir) throws Exception {
        if (trustContext == null) {
            trustContext = dev.ferry.tunnel.aws.ProxyClients.trusting(LocalCa.loadOrCreate(dir.resolve("ca")));
        }
        return trustContext;
    }

    static String line(InputStream in) throws Exception {
        StringBuilder sb = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            sb.append((char) b);
        }
        if (b < 0 && sb.length() == 0) {
            throw new java.io.EOFException();
        }
        return sb.toString().trim();
    }

    static byte[] getItem(String host, String id, String key, String secret) {
        return dev.ferry.tunnel.aws.ProxyClients.signedJsonPost(new LocalCredentials(key, secret), host,
                "DynamoDB_20120810.GetItem", "{\"TableName\":\"bench\",\"Key\":{\"id\":{\"S\":\"" + id + "\"}}}",
                "dynamodb", "us-east-1", null);
    }
}
