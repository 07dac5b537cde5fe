package dev.ferry.tunnel.db;

import dev.ferry.tunnel.aws.ProxyClients;
import dev.ferry.tunnel.ca.LocalCa;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * The JDK's own TLS server (SSLServerSocket) on loopback with a leaf for 127.0.0.1 from a test
 * CA: each {@link #serve} runs one accepted session on a thread of its own; client sockets and
 * engines that trust it.
 */
final class TestTlsServer implements AutoCloseable {
    interface Session {
        void run(SSLSocket s) throws Exception;
    }

    private final LocalCa ca;
    private final SSLServerSocket listener;
    private final ExecutorService threads = Executors.newCachedThreadPool();

    TestTlsServer(LocalCa ca, int backlog) throws IOException, GeneralSecurityException {
        this.ca = ca;
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        KeyPair pair = g.generateKeyPair();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("server", pair.getPrivate(), new char[0], ca.issueLeaf(pair, "127.0.0.1"));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        listener = (SSLServerSocket) context.getServerSocketFactory()
                .createServerSocket(0, backlog, InetAddress.getLoopbackAddress());
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Threads for a test's own side tasks; stopped with the server. */
    ExecutorService threads() {
        return threads;
    }

    /** Accepts the next connection and runs {@code session} on it, then closes it. */
    Future<?> serve(Session session) {
        return threads.submit(() -> {
            try (SSLSocket s = (SSLSocket) listener.accept()) {
                session.run(s);
            }
            return null;
        });
    }

    /** A plain TCP connection to the server, as a channel socket (what TlsLink and the relay loop take). */
    Socket connect() throws IOException {
        Socket socket = SocketChannel.open().socket();
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port()), 10_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** A JDK client engine for this server that trusts its CA and checks the host name. */
    SSLEngine trustingEngine() throws IOException, GeneralSecurityException {
        return engine(ProxyClients.trusting(ca));
    }

    /** A client engine of {@code context} for this server that checks the host name. */
    SSLEngine engine(SSLContext context) {
        SSLEngine engine = context.createSSLEngine("127.0.0.1", port());
        SSLParameters params = engine.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(params);
        return engine;
    }

    @Override
    public void close() throws IOException {
        listener.close();
        threads.shutdownNow();
    }
}
