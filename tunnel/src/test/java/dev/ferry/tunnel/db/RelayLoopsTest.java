package dev.ferry.tunnel.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.tunnel.TunnelStats;
import dev.ferry.tunnel.ca.LocalCa;
import dev.ferry.tunnel.pg.TlsMode;
import dev.ferry.tunnel.testsupport.Wait;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay loops between a plain client socket and a TLS link to the JDK's own TLS server
 * (SSLServerSocket, certificate for 127.0.0.1): data both ways intact, back-pressure, what the
 * link read ahead, the ends from either side, a KeyUpdate in the middle, and loop threads that
 * end when idle.
 */
class RelayLoopsTest {
    private static final Duration KEEP_ALIVE = Duration.ofMillis(200);

    @TempDir
    Path dir;

    private final TunnelStats stats = new TunnelStats();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private TestTlsServer server;
    private ExecutorService threads;
    private ServerSocketChannel front;
    private LocalCa ca;
    private RelayLoops loops;

    @BeforeEach
    void listen() throws Exception {
        ca = LocalCa.loadOrCreate(dir.resolve("ca"));
        server = new TestTlsServer(ca, 50);
        threads = server.threads();
        front = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        loops = new RelayLoops("ferry-test", 1, KEEP_ALIVE);
    }

    @AfterEach
    void stop() throws Exception {
        loops.close();
        for (AutoCloseable c : closing) {
            c.close();
        }
        server.close();
        front.close();
    }

    /** A relayed connection: the test's client socket, and what the relay was told to run at the end. */
    private record Relayed(Socket client, AtomicInteger closes) {
    }

    private Future<?> serve(TestTlsServer.Session session) {
        return server.serve(session);
    }

    /** Connects a client through a new relay, with the production engine (OpenSSL) upstream. */
    private Relayed relay() throws Exception {
        UpstreamTls tls = new UpstreamTls("127.0.0.1", server.port(), TlsMode.VERIFY_FULL,
                List.of(ca.certificatePemPath()), Duration.ofSeconds(10));
        return relay(tls.startTls(upstreamSocket()));
    }

    private Relayed relay(TlsLink link) throws Exception {
        Socket client = new Socket(InetAddress.getLoopbackAddress(), front.socket().getLocalPort());
        client.setSoTimeout((int) Wait.TIMEOUT.toMillis());
        closing.add(client);
        Socket accepted = front.accept().socket();
        AtomicInteger closes = new AtomicInteger();
        loops.relay(accepted, link, stats, () -> {
            closes.incrementAndGet();
            UpstreamTls.closeQuietly(accepted);
            link.close();
        });
        return new Relayed(client, closes);
    }

    private Socket upstreamSocket() throws IOException {
        return server.connect();
    }

    private static byte[] pattern(int size, int seed) {
        byte[] data = new byte[size];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * seed + (i >> 11));
        }
        return data;
    }

    private static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

    @Test
    void largeDataGoesBothWaysAtOnceIntact() throws Exception {
        byte[] up = pattern(6 << 20, 31);
        byte[] down = pattern(5 << 20, 17);
        CompletableFuture<byte[]> serverGot = new CompletableFuture<>();
        Future<?> served = serve(s -> {
            Future<?> writing = threads.submit(() -> {
                OutputStream out = s.getOutputStream();
                for (int i = 0; i < down.length; i += 10_000) { // records of every size, not only full ones
                    out.write(down, i, Math.min(10_000, down.length - i));
                }
                out.flush();
                return null;
            });
            serverGot.complete(s.getInputStream().readNBytes(up.length));
            writing.get(60, TimeUnit.SECONDS);
            s.getInputStream().read(); // until the client is done
        });
        Relayed r = relay();
        Future<?> sending = threads.submit(() -> {
            r.client().getOutputStream().write(up);
            return null;
        });
        byte[] got = r.client().getInputStream().readNBytes(down.length);
        sending.get(60, TimeUnit.SECONDS);
        assertThat(sha256(got)).as("server to client").isEqualTo(sha256(down));
        assertThat(sha256(serverGot.get(60, TimeUnit.SECONDS))).as("client to server").isEqualTo(sha256(up));
        assertThat(stats.snapshot().bytesToClient()).isEqualTo(down.length);
        assertThat(stats.snapshot().bytesFromClient()).isEqualTo(up.length);
        r.client().close();
        served.get(60, TimeUnit.SECONDS);
        Wait.until("the relay ended", () -> r.closes().get() == 1);
    }

    @Test
    void aClientThatDoesNotReadHoldsTheServerBack() throws Exception {
        int size = 64 << 20;
        byte[] chunk = pattern(64 * 1024, 7);
        AtomicLong written = new AtomicLong();
        Future<?> served = serve(s -> {
            OutputStream out = s.getOutputStream();
            for (int i = 0; i < size / chunk.length; i++) {
                out.write(chunk);
                written.addAndGet(chunk.length);
            }
            out.flush();
            s.getInputStream().read();
        });
        Relayed r = relay();
        // the server writes until the socket buffers and the relay's own are full, then waits
        Wait.until("the server's writes stall", new java.util.concurrent.Callable<Boolean>() {
            long last = -1;

            @Override
            public Boolean call() {
                long now = written.get();
                boolean stalled = now > 0 && now == last;
                last = now;
                return stalled;
            }
        });
        assertThat(written.get()).as("what the server could write while nobody read").isLessThan(size / 2);
        InputStream in = r.client().getInputStream();
        byte[] buf = new byte[64 * 1024];
        long read = 0;
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        while (read < size) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, size - read));
            assertThat(n).as("data until all of it came").isPositive();
            digest.update(buf, 0, n);
            read += n;
        }
        MessageDigest expected = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < size / chunk.length; i++) {
            expected.update(chunk);
        }
        assertThat(digest.digest()).isEqualTo(expected.digest());
        r.client().close();
        served.get(60, TimeUnit.SECONDS);
    }

    @Test
    void whatTheLinkReadAheadIsRelayedFirst() throws Exception {
        int records = 20;
        byte[] payload = pattern(records * 1000, 13);
        Future<?> served = serve(s -> {
            OutputStream out = s.getOutputStream();
            for (int i = 0; i < records; i++) {
                out.write(payload, i * 1000, 1000); // one record per write
            }
            out.flush();
            s.getInputStream().read();
        });
        UpstreamTls tls = new UpstreamTls("127.0.0.1", server.port(), TlsMode.VERIFY_FULL,
                List.of(ca.certificatePemPath()), Duration.ofSeconds(10));
        TlsLink link = tls.startTls(upstreamSocket());
        assertThat(link.in().read()).as("the set-up read one byte").isEqualTo(payload[0] & 0xff);
        Relayed r = relay(link);
        byte[] rest = r.client().getInputStream().readNBytes(payload.length - 1);
        assertThat(rest).isEqualTo(Arrays.copyOfRange(payload, 1, payload.length));
        r.client().close();
        served.get(60, TimeUnit.SECONDS);
    }

    @Test
    void theClientLeavingEndsTheRelayOnceAndTheServerSeesTheEnd() throws Exception {
        CompletableFuture<Integer> serverRead = new CompletableFuture<>();
        Future<?> served = serve(s -> {
            InputStream in = s.getInputStream();
            int first = in.read();
            s.getOutputStream().write(first);
            s.getOutputStream().flush();
            serverRead.complete(in.read());
        });
        Relayed r = relay();
        r.client().getOutputStream().write('a');
        assertThat(r.client().getInputStream().read()).isEqualTo('a');
        r.client().close();
        assertThat(serverRead.get(60, TimeUnit.SECONDS)).as("the server sees the end of the stream").isEqualTo(-1);
        served.get(60, TimeUnit.SECONDS);
        Wait.until("the relay ended", () -> r.closes().get() == 1);
        Wait.until("the loop ended idle", () -> loops.running() == 0);
        assertThat(r.closes().get()).as("the end ran once").isEqualTo(1);
    }

    @Test
    void theServerClosingEndsTheRelayAfterItsDataReachedTheClient() throws Exception {
        byte[] last = pattern(300_000, 5);
        serve(s -> {
            s.getInputStream().read();
            s.getOutputStream().write(last);
            s.getOutputStream().flush();
            // closed here: close_notify after the data
        });
        Relayed r = relay();
        r.client().getOutputStream().write('q');
        InputStream in = r.client().getInputStream();
        assertThat(in.readNBytes(last.length)).isEqualTo(last);
        assertThat(readEnd(in)).as("end of stream once the data was delivered").isEqualTo(-1);
        Wait.until("the relay ended", () -> r.closes().get() == 1);
    }

    private static int readEnd(InputStream in) throws IOException {
        try {
            return in.read();
        } catch (SocketException reset) {
            return -1; // closed with unread data in flight: a reset is an end as well
        }
    }

    @Test
    void aKeyUpdateFromTheServerIsAnsweredInTheLoop() throws Exception {
        byte[] before = "before the key update".getBytes();
        byte[] after = "after the key update".getBytes();
        Future<?> served = serve(s -> {
            OutputStream out = s.getOutputStream();
            s.getInputStream().read();
            out.write(before);
            out.flush();
            s.startHandshake(); // TLS 1.3: a KeyUpdate that asks the client for its own
            out.write(after);
            out.flush();
            int b = s.getInputStream().read(); // sent with the client's new keys
            out.write(b);
            out.flush();
            s.getInputStream().read();
        });
        Relayed r = relay(TlsLink.handshake(upstreamSocket(), jdkEngine()));
        r.client().getOutputStream().write('g');
        byte[] got = r.client().getInputStream().readNBytes(before.length + after.length);
        assertThat(new String(got)).isEqualTo(new String(before) + new String(after));
        r.client().getOutputStream().write('k');
        assertThat(r.client().getInputStream().read()).as("the server read our byte after the key update").isEqualTo('k');
        r.client().close();
        served.get(60, TimeUnit.SECONDS);
    }

    @Test
    void manyConnectionsShareOneLoopThreadWhichEndsWhenIdle() throws Exception {
        int n = 40;
        List<Future<?>> served = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            served.add(serve(s -> {
                InputStream in = s.getInputStream();
                int b;
                while ((b = in.read()) >= 0) {
                    s.getOutputStream().write(b);
                    s.getOutputStream().flush();
                }
            }));
        }
        List<Relayed> relayed = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            relayed.add(relay());
        }
        for (int i = 0; i < n; i++) {
            Socket c = relayed.get(i).client();
            c.getOutputStream().write(i);
            assertThat(c.getInputStream().read()).as("echo on connection " + i).isEqualTo(i);
        }
        assertThat(loops.running()).as("loop threads for " + n + " open connections").isEqualTo(1);
        assertThat(relayThreads()).isEqualTo(1);
        for (Relayed r : relayed) {
            r.client().close();
        }
        for (Future<?> f : served) {
            f.get(60, TimeUnit.SECONDS);
        }
        Wait.until("every relay ended", () -> relayed.stream().allMatch(r -> r.closes().get() == 1));
        Wait.until("the loop thread ended idle", () -> loops.running() == 0 && relayThreads() == 0);
        // and a new connection starts it again
        serve(s -> {
            s.getOutputStream().write(s.getInputStream().read());
            s.getOutputStream().flush();
            s.getInputStream().read();
        });
        Relayed again = relay();
        again.client().getOutputStream().write(9);
        assertThat(again.client().getInputStream().read()).isEqualTo(9);
        assertThat(loops.running()).isEqualTo(1);
    }

    private static long relayThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("ferry-test-relay-") && t.isAlive())
                .count();
    }

    private SSLEngine jdkEngine() throws Exception {
        return server.trustingEngine();
    }
}
