package dev.ferry.tunnel.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.tunnel.ca.LocalCa;
import dev.ferry.tunnel.pg.TlsMode;
import dev.ferry.tunnel.testsupport.Wait;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCounted;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TlsLink against the JDK's own TLS server (SSLServerSocket), with a certificate for 127.0.0.1. */
class TlsLinkTest {
    @TempDir
    Path dir;

    private TestTlsServer server;
    private LocalCa ca;

    @BeforeEach
    void listen() throws Exception {
        ca = LocalCa.loadOrCreate(dir.resolve("ca"));
        server = new TestTlsServer(ca, 5);
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    @Test
    void oneReadDecryptsEveryRecordAlreadyReceived() throws Exception {
        int records = 20;
        byte[] payload = new byte[records * 1000];
        Arrays.fill(payload, (byte) 'x');
        Future<?> served = serve(s -> {
            OutputStream out = s.getOutputStream();
            for (int i = 0; i < records; i++) {
                out.write(payload, i * 1000, 1000); // SSLSocket: one TLS record per write
            }
            out.flush();
            s.getInputStream().read(); // keep the connection until the client is done
        });
        try (Socket socket = connect()) {
            TlsLink tls = TlsLink.handshake(socket, trustingEngine());
            awaitAvailable(socket, records * 1000);
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            int n = tls.read(buf);
            assertThat(n).as("plaintext bytes from a single read").isEqualTo(records * 1000);
            assertThat(Arrays.copyOf(buf.array(), n)).isEqualTo(payload);
        }
        served.get(10, TimeUnit.SECONDS);
    }

    @Test
    void largeWritesAndStreamReadsRoundTrip() throws Exception {
        byte[] data = new byte[300_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + (i >> 9));
        }
        CompletableFuture<byte[]> received = new CompletableFuture<>();
        Future<?> served = serve(s -> {
            byte[] got = new DataInputStream(s.getInputStream()).readNBytes(data.length);
            received.complete(got);
            s.getOutputStream().write(MessageDigest.getInstance("SHA-256").digest(got));
            s.getOutputStream().flush();
        });
        try (Socket socket = connect()) {
            TlsLink tls = TlsLink.handshake(socket, trustingEngine());
            tls.write(data, 0, data.length);
            byte[] digest = tls.in().readNBytes(32);
            assertThat(digest).isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
            assertThat(tls.in().read()).as("end of stream after the server closes").isEqualTo(-1);
        }
        assertThat(received.get(10, TimeUnit.SECONDS)).isEqualTo(data);
        served.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aKeyUpdateFromTheServerIsAnsweredAndDataFlowsOnBothWays() throws Exception {
        byte[] before = "before the key update".getBytes();
        byte[] after = "after the key update".getBytes();
        Future<?> served = serve(s -> {
            OutputStream out = s.getOutputStream();
            out.write(before);
            s.startHandshake(); // TLS 1.3: a KeyUpdate that asks the client for its own
            out.write(after);
            out.flush();
            int b = s.getInputStream().read(); // sent with the client's new keys
            out.write(b);
            out.flush();
        });
        try (Socket socket = connect()) {
            TlsLink tls = TlsLink.handshake(socket, trustingEngine());
            assertThat(tls.session().getProtocol()).isEqualTo("TLSv1.3");
            byte[] got = tls.in().readNBytes(before.length + after.length);
            assertThat(new String(got)).isEqualTo(new String(before) + new String(after));
            assertThat(tls.handshakePending()).as("our KeyUpdate went out without waiting for a write").isFalse();
            tls.write(new byte[] {'k'}, 0, 1);
            assertThat(tls.in().read()).as("the server read our byte after the key update").isEqualTo('k');
        }
        served.get(10, TimeUnit.SECONDS);
    }

    @Test
    void closingTheSocketEndsABlockedRead() throws Exception {
        CompletableFuture<Void> release = new CompletableFuture<>();
        serve(s -> {
            s.startHandshake();
            release.get(30, TimeUnit.SECONDS); // says nothing after the handshake
        });
        try (Socket socket = connect()) {
            TlsLink tls = TlsLink.handshake(socket, trustingEngine());
            socket.setSoTimeout(0);
            CompletableFuture<Thread> reader = new CompletableFuture<>();
            CompletableFuture<Object> read = CompletableFuture.supplyAsync(() -> {
                reader.complete(Thread.currentThread());
                try {
                    return tls.read(ByteBuffer.allocate(64 * 1024));
                } catch (IOException e) {
                    return e;
                }
            }, server.threads());
            awaitInSocketRead(reader.get(10, TimeUnit.SECONDS));
            assertThat(read).as("the read waits while the server is silent").isNotDone();
            UpstreamTls.closeQuietly(socket);
            Object result = read.get(10, TimeUnit.SECONDS);
            assertThat(result).as("a closed socket ends the read").satisfiesAnyOf(
                    r -> assertThat(r).isInstanceOf(IOException.class),
                    r -> assertThat(r).isEqualTo(-1));
        } finally {
            release.complete(null);
        }
    }

    @Test
    void anUntrustedServerFailsTheHandshakeWithTheCertificateReason() throws Exception {
        serve(s -> s.getInputStream().read());
        SSLContext nobody = SSLContext.getInstance("TLS");
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        KeyStore empty = KeyStore.getInstance("PKCS12");
        empty.load(null, null);
        empty.setCertificateEntry("other", LocalCa.loadOrCreate(dir.resolve("other")).certificate());
        tmf.init(empty);
        nobody.init(null, tmf.getTrustManagers(), null);
        try (Socket socket = connect()) {
            assertThatThrownBy(() -> TlsLink.handshake(socket, engine(nobody)))
                    .isInstanceOf(SSLException.class)
                    .hasRootCauseInstanceOf(java.security.cert.CertPathBuilderException.class);
        }
    }

    @Test
    void upstreamTlsUsesBoringSslAndClosingTheLinkReleasesTheEngine() throws Exception {
        serve(s -> {
            s.getOutputStream().write(s.getInputStream().read());
            s.getOutputStream().flush();
            s.getInputStream().read();
        });
        UpstreamTls tls = new UpstreamTls("127.0.0.1", server.port(), TlsMode.VERIFY_FULL,
                List.of(ca.certificatePemPath()), Duration.ofSeconds(5));
        assertThat(tls.provider()).isEqualTo(SslProvider.OPENSSL_REFCNT); // netty-tcnative loads on this machine
        TlsLink link = tls.startTls(connect());
        assertThat(link.engine().getClass().getName()).contains("OpenSsl");
        ReferenceCounted engine = (ReferenceCounted) link.engine();
        assertThat(engine.refCnt()).isEqualTo(1);
        link.out().write(42);
        assertThat(link.in().read()).isEqualTo(42);
        assertThat(tls.fullHandshakes()).isEqualTo(1);
        link.close();
        link.close();
        assertThat(engine.refCnt()).isZero();
    }

    @Test
    void aFailedOpenSslHandshakeReleasesTheEngine() throws Exception {
        serve(s -> s.getInputStream().read());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        KeyStore other = KeyStore.getInstance("PKCS12");
        other.load(null, null);
        other.setCertificateEntry("other", LocalCa.loadOrCreate(dir.resolve("other")).certificate());
        tmf.init(other);
        SSLEngine engine = SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL_REFCNT)
                .trustManager(tmf).build().newEngine(ByteBufAllocator.DEFAULT, "127.0.0.1", server.port());
        try (Socket socket = connect()) {
            assertThatThrownBy(() -> TlsLink.handshake(socket, engine))
                    .isInstanceOf(SSLException.class)
                    .hasRootCauseInstanceOf(java.security.cert.CertPathBuilderException.class);
        }
        assertThat(((ReferenceCounted) engine).refCnt()).isZero();
    }

    @Test
    void openSslVerificationFailuresKeepTheirPlainWords() throws Exception {
        serve(s -> s.getInputStream().read());
        serve(s -> s.getInputStream().read());
        UpstreamTls untrusted = new UpstreamTls("127.0.0.1", server.port(), TlsMode.VERIFY_FULL,
                List.of(), Duration.ofSeconds(5));
        assertThatThrownBy(() -> untrusted.startTls(connect()))
                .hasMessageStartingWith("ferry: TLS verification failed (127.0.0.1:" + server.port() + "): "
                        + "the server certificate is not signed by a trusted CA");
        // the certificate names 127.0.0.1, not localhost
        UpstreamTls wrongName = new UpstreamTls("localhost", server.port(), TlsMode.VERIFY_FULL,
                List.of(ca.certificatePemPath()), Duration.ofSeconds(5));
        assertThatThrownBy(() -> wrongName.startTls(connect()))
                .hasMessageStartingWith("ferry: TLS verification failed (localhost:" + server.port() + "): "
                        + "the server certificate does not match the host name localhost");
    }

    private Future<?> serve(TestTlsServer.Session session) {
        return server.serve(session);
    }

    private Socket connect() throws IOException {
        return server.connect();
    }

    private SSLEngine trustingEngine() throws Exception {
        return server.trustingEngine();
    }

    private SSLEngine engine(SSLContext context) {
        return server.engine(context);
    }

    /** Waits until the kernel holds at least {@code bytes} of ciphertext for the socket. */
    private static void awaitAvailable(Socket socket, int bytes) throws Exception {
        InputStream raw = socket.getInputStream();
        Wait.until("ciphertext arrived", () -> raw.available() >= bytes);
    }

    /** Waits until the thread is inside TlsLink's socket read. */
    private static void awaitInSocketRead(Thread reader) {
        Wait.until("the reader reached the socket read",
                () -> Arrays.stream(reader.getStackTrace()).anyMatch(f -> f.getMethodName().equals("fill")));
    }
}
