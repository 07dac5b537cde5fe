package dev.ferry.tunnel.db;

import dev.ferry.tunnel.db.TunnelFailure.Reason;
import dev.ferry.tunnel.pg.TlsMode;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.net.IDN;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The database side of a database tunnel, whatever its protocol: the TCP connect and the
 * verified TLS handshake, with one TLS context per tunnel (BoringSSL's when netty-tcnative
 * loads, see {@link #provider()}, else the JDK's) that trusts the JVM's default roots,
 * the bundled Amazon RDS/Redshift CAs and the configured extra CA files. Each protocol asks
 * for TLS its own way in between ({@link #connect()}, then its TLS request on the plain
 * socket, then {@link #startTls(Socket)}). Failures are {@link TunnelFailure}s whose
 * messages are shown to the database client.
 */
public final class UpstreamTls {

    static final String RDS_BUNDLE = "aws-rds-ca-bundle.pem";
    /** Large socket buffers keep bulk results streaming while the relay loop decrypts. */
    public static final int SOCKET_BUFFER = 1 << 20;

    /**
     * One context per upstream: its client session cache keeps the sessions (TLS 1.3 tickets,
     * TLS 1.2 ids/tickets) of this host:port, so a server that allows resumption (MariaDB,
     * MySQL) skips the certificate exchange and verification on the next connection.
     * PostgreSQL turns both off (SSL_OP_NO_TICKET, no session cache): a full handshake each time.
     */
    private final SSLContext context;
    /**
     * The same trust in BoringSSL (netty-tcnative), when its native library loads: it encrypts
     * and decrypts the many small records of a session with less CPU than the JDK. Its client
     * session cache keys sessions by the host:port given to newEngine, like the JDK's. Null: the
     * JDK's engine ({@link #context}).
     */
    private final SslContext openSsl;
    private final java.util.concurrent.atomic.LongAdder full = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder resumed = new java.util.concurrent.atomic.LongAdder();
    private final TlsMode mode;
    private final String host;
    private final int port;
    private final int timeoutMillis;

    /**
     * @throws IOException when a CA file cannot be read or TLS cannot be set up
     */
    public UpstreamTls(String host, int port, TlsMode mode, List<Path> extraCaPemFiles, Duration connectTimeout)
            throws IOException {
        this.mode = mode;
        this.host = host;
        this.port = port;
        this.timeoutMillis = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
        try {
            TrustManager[] trust = mode == TlsMode.INSECURE
                    ? new TrustManager[] {new TrustAll()}
                    : trustManagers(extraCaPemFiles);
            context = SSLContext.getInstance("TLS");
            context.init(null, trust, null);
            openSsl = OpenSsl.isAvailable() ? openSslContext(trust) : null;
        } catch (GeneralSecurityException e) {
            throw new IOException("Could not set up TLS for " + where() + ": " + e.getMessage(), e);
        }
    }

    private static SslContext openSslContext(TrustManager[] trust) throws SSLException {
        X509TrustManager x509 = null;
        for (TrustManager tm : trust) {
            if (tm instanceof X509TrustManager t) {
                x509 = t;
                break;
            }
        }
        if (x509 == null) {
            return null;
        }
        return SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL_REFCNT).trustManager(x509).build();
    }

    /** Whose TLS the engines are: {@link SslProvider#OPENSSL_REFCNT} (BoringSSL) or {@link SslProvider#JDK}. */
    public SslProvider provider() {
        return openSsl != null ? SslProvider.OPENSSL_REFCNT : SslProvider.JDK;
    }

    /** Handshakes that resumed a cached session (no certificate exchange). */
    public long resumedHandshakes() {
        return resumed.sum();
    }

    /** Full handshakes (certificate verified). */
    public long fullHandshakes() {
        return full.sum();
    }

    /** host:port, for messages. */
    public String where() {
        return host + ":" + port;
    }

    /** The connect timeout in milliseconds (also the read timeout until a session is set up). */
    public int timeoutMillis() {
        return timeoutMillis;
    }

    /**
     * Opens the TCP connection. The returned socket has the connect timeout as read timeout;
     * callers reset it once the session is set up.
     */
    public Socket connect() throws TunnelFailure {
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw unreachable("unknown host " + host);
        }
        // The socket adaptor of a SocketChannel, not a plain Socket. A plain Socket (NioSocketImpl)
        // turns non-blocking for good at its first timed connect or read, and then every read
        // that waits costs three system calls (read, poll, read) for the rest of the session. The
        // adaptor applies connect and read timeouts the same way, then goes back to blocking
        // mode: once the relay clears the timeout, a read is one system call.
        Socket plain;
        try {
            plain = SocketChannel.open().socket();
        } catch (IOException e) {
            throw unreachable(e.getMessage());
        }
        try {
            plain.setTcpNoDelay(true);
            plain.setReceiveBufferSize(SOCKET_BUFFER);
            plain.setSendBufferSize(SOCKET_BUFFER);
            plain.connect(address, timeoutMillis);
            plain.setSoTimeout(timeoutMillis);
            return plain;
        } catch (SocketTimeoutException e) {
            closeQuietly(plain);
            throw unreachable("no answer within " + timeoutMillis / 1000.0 + " s");
        } catch (IOException e) {
            closeQuietly(plain);
            throw unreachable(e.getMessage());
        }
    }

    /** "ferry: upstream unreachable (host:port): why". */
    public TunnelFailure unreachable(String why) {
        String words = why == null || why.isEmpty() ? "no answer" : Character.toLowerCase(why.charAt(0)) + why.substring(1);
        return new TunnelFailure(Reason.UNREACHABLE, "ferry: upstream unreachable (" + where() + "): " + why, words);
    }

    /** The server does not offer TLS: the tunnel never talks to a database in plaintext. */
    public TunnelFailure noTls() {
        return new TunnelFailure(Reason.UNREACHABLE, "ferry: the database at " + where()
                + " does not accept TLS connections; the tunnel only connects over TLS");
    }

    /**
     * Layers TLS over the connected socket (after the protocol's TLS request) and completes a
     * verified handshake. Closes the socket (and releases the engine) when it fails; once it
     * succeeds, {@link TlsLink#close()} does both.
     */
    public TlsLink startTls(Socket plain) throws TunnelFailure {
        SSLEngine engine = null;
        try {
            engine = openSsl != null
                    ? openSsl.newEngine(ByteBufAllocator.DEFAULT, host, port)
                    : context.createSSLEngine(host, port);
            SSLParameters params = engine.getSSLParameters();
            if (mode == TlsMode.VERIFY_FULL) {
                params.setEndpointIdentificationAlgorithm("HTTPS");
            }
            if (!isIpLiteral(host)) {
                params.setServerNames(List.of(new SNIHostName(IDN.toASCII(host))));
            }
            engine.setSSLParameters(params);
            long start = System.currentTimeMillis();
            TlsLink link = TlsLink.handshake(plain, engine);
            (link.resumed(start) ? resumed : full).increment();
            return link;
        } catch (SSLException e) {
            TlsLink.release(engine);
            closeQuietly(plain);
            if (isVerificationFailure(e)) {
                throw new TunnelFailure(Reason.TLS, "ferry: TLS verification failed (" + where() + "): "
                        + describe(e, host));
            }
            throw new TunnelFailure(Reason.TLS, "ferry: TLS handshake with " + where() + " failed: " + e.getMessage());
        } catch (IOException e) {
            TlsLink.release(engine);
            closeQuietly(plain);
            throw new TunnelFailure(Reason.CONNECTION, "ferry: connection to " + where()
                    + " failed while setting up TLS: " + e.getMessage());
        } catch (RuntimeException | Error e) {
            TlsLink.release(engine);
            closeQuietly(plain);
            throw e;
        }
    }

    /**
     * Closes with a FIN first, as a plain Socket does: a channel's socket closed with unread
     * input would send only a reset, and the peer could lose what was sent to it last.
     */
    public static void closeQuietly(Socket s) {
        try {
            if (s.isConnected() && !s.isClosed() && !s.isOutputShutdown()) {
                s.shutdownOutput();
            }
        } catch (IOException ignored) {
            // already broken: close anyway
        }
        try {
            s.close();
        } catch (IOException ignored) {
            // already broken
        }
    }

    /** Plain-words reason of a failed handshake, for the "ferry: TLS verification failed" error. */
    private static String describe(SSLException e, String host) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException) {
                return "the server certificate has expired";
            }
            if (t instanceof CertPathBuilderException || t instanceof CertPathValidatorException) {
                return "the server certificate is not signed by a trusted CA (" + t.getMessage()
                        + "); add the CA as an extra CA file or check the host";
            }
            if (t instanceof CertificateException && t.getMessage() != null
                    && t.getMessage().toLowerCase(Locale.ROOT).contains("match")) {
                return "the server certificate does not match the host name " + host + " ("
                        + t.getMessage() + ")";
            }
        }
        return e.getMessage();
    }

    private static boolean isVerificationFailure(SSLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateException || t instanceof CertPathBuilderException
                    || t instanceof CertPathValidatorException) {
                return true;
            }
        }
        return false;
    }

    private static TrustManager[] trustManagers(List<Path> extraCaFiles)
            throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        int n = 0;
        TrustManagerFactory jvm = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        jvm.init((KeyStore) null);
        for (TrustManager tm : jvm.getTrustManagers()) {
            if (tm instanceof X509TrustManager x509) {
                for (X509Certificate c : x509.getAcceptedIssuers()) {
                    store.setCertificateEntry("jvm-" + n++, c);
                }
            }
        }
        try (InputStream in = UpstreamTls.class.getResourceAsStream(RDS_BUNDLE)) {
            if (in == null) {
                throw new IOException("The bundled Amazon RDS CA file " + RDS_BUNDLE + " is missing");
            }
            for (Certificate c : readPem(in)) {
                store.setCertificateEntry("aws-" + n++, c);
            }
        }
        for (Path file : extraCaFiles) {
            Collection<? extends Certificate> certs;
            try (InputStream in = Files.newInputStream(file)) {
                certs = readPem(in);
            } catch (IOException | CertificateException e) {
                throw new IOException("Could not read the CA file " + file + ": " + e.getMessage(), e);
            }
            if (certs.isEmpty()) {
                throw new IOException("The CA file " + file + " holds no PEM certificate");
            }
            for (Certificate c : certs) {
                store.setCertificateEntry("extra-" + n++, c);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        return tmf.getTrustManagers();
    }

    private static Collection<? extends Certificate> readPem(InputStream in) throws CertificateException {
        return new ArrayList<>(CertificateFactory.getInstance("X.509").generateCertificates(in));
    }

    private static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.matches("[0-9.]+");
    }

    /** INSECURE mode: accepts any server certificate. */
    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
