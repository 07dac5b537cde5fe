package dev.ferry.tunnel.db;

import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.internal.tcnative.SSL;
import io.netty.util.ReferenceCounted;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * The tunnel's TLS connection upstream: an {@link SSLEngine} (BoringSSL's via Netty when it
 * loads, else the JDK's; see {@link UpstreamTls}) over a connected blocking {@link Socket},
 * with one reader thread and one writer thread at a time. Buffers are sized from the
 * engine's session, and {@link #close()} releases a reference-counted engine.
 *
 * <p>Written by hand because the relay must batch. A bulk result arrives as many small TLS
 * records (PostgreSQL writes one per 8 kB). {@code SSLSocket} reads every record with two
 * read calls and returns one record per read, and tls-channel also returns one record per
 * read and hides the ciphertext it holds, so a relay on either does two or three system
 * calls per 8 kB. Here {@link #read(ByteBuffer)} takes whatever the socket has in one read
 * and decrypts every complete record that fits, so the relay moves up to 64 kB per read and
 * per write to the client. Everything cryptographic (handshake, verification, records,
 * post-handshake messages) is still the engine's.
 *
 * <p>The socket's read timeout applies to reads (the startup phase relies on it); closing
 * the socket from another thread ends a blocked read or write.
 */
public final class TlsLink {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** Ciphertext read per system call, at most (plus room for one partial record). */
    private static final int READ_AHEAD = 64 * 1024;
    /** Plaintext wrapped per system call, at most. */
    private static final int WRITE_CHUNK = 64 * 1024;

    private final Socket socket;
    private final InputStream rawIn;
    private final OutputStream rawOut;
    private final SSLEngine engine;
    /** Largest TLS record, with overhead: the room {@link #write} keeps in netOut per wrap. */
    private final int packetSize;
    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Ciphertext from the socket, in write mode (filled up to position); null once the relay loop has it. */
    private ByteBuffer netIn;
    /** Ciphertext to the socket; used under writeLock. */
    private ByteBuffer netOut;
    /** Plaintext decrypted for {@link #in()} but not handed out yet, in read mode. */
    private ByteBuffer plainIn;
    private final InputStream in = new In();
    private final OutputStream out = new Out();
    private boolean inboundClosed;

    private TlsLink(Socket socket, SSLEngine engine) throws IOException {
        this.socket = socket;
        this.rawIn = socket.getInputStream();
        this.rawOut = socket.getOutputStream();
        this.engine = engine;
        SSLSession session = engine.getSession();
        packetSize = session.getPacketBufferSize();
        netIn = ByteBuffer.allocate(READ_AHEAD + packetSize);
        netOut = ByteBuffer.allocate((WRITE_CHUNK / session.getApplicationBufferSize() + 2) * packetSize);
        plainIn = ByteBuffer.allocate(session.getApplicationBufferSize()).flip();
    }

    /**
     * Runs the TLS handshake as a client over {@code socket} (already connected) and returns
     * the link. Verification failures come out as the engine's {@link SSLException}.
     */
    public static TlsLink handshake(Socket socket, SSLEngine engine) throws IOException {
        TlsLink link;
        try {
            engine.setUseClientMode(true);
            link = new TlsLink(socket, engine);
        } catch (IOException | RuntimeException | Error e) {
            release(engine);
            throw e;
        }
        try {
            link.runHandshake();
        } catch (SSLException e) {
            link.closeOutbound();
            release(engine);
            throw e;
        } catch (IOException | RuntimeException | Error e) {
            release(engine);
            throw e;
        }
        return link;
    }

    /**
     * Closes the socket (a FIN first, see {@link UpstreamTls#closeQuietly}) and releases the
     * engine's native state (BoringSSL's engines are reference counted); safe from any thread
     * and more than once. A read or write blocked in another thread ends; afterwards the
     * engine reports the link closed.
     */
    public void close() {
        UpstreamTls.closeQuietly(socket);
        release(engine);
    }

    /**
     * Releases a reference-counted engine (OpenSSL's) once; nothing for the JDK's or null. Its
     * methods are synchronized and check for a released engine, so a thread inside
     * {@code wrap}/{@code unwrap} finishes first and later calls see a closed engine.
     */
    static void release(SSLEngine engine) {
        if (engine instanceof ReferenceCounted rc) {
            synchronized (rc) {
                if (rc.refCnt() > 0) {
                    rc.release();
                }
            }
        }
    }

    /** The engine (the relay loop; tests: which provider, whether it was released). */
    SSLEngine engine() {
        return engine;
    }

    /** The connected socket (the relay loop takes its channel). */
    Socket socket() {
        return socket;
    }

    /** Ciphertext read but not decrypted yet, in write mode (the relay loop carries on with it). */
    ByteBuffer netIn() {
        return netIn;
    }

    /** Plaintext decrypted but not handed out yet, in read mode (the relay loop sends it first). */
    ByteBuffer plainIn() {
        return plainIn;
    }

    /**
     * Drops the buffers once the relay loop has taken what they held: from then on the loop owns
     * the engine and the socket, and this link is only closed.
     */
    void releaseBuffers() {
        netIn = null;
        netOut = null;
        plainIn = null;
    }

    /** Largest TLS record with its overhead: the room a wrap needs in netOut. */
    int packetSize() {
        return packetSize;
    }

    public SSLSession session() {
        return engine.getSession();
    }

    /**
     * Whether the handshake resumed a cached session (no certificate exchange). BoringSSL says
     * so itself: its session times are whole seconds, so a full handshake's session often
     * seems older than the handshake. The JDK's session keeps the creation time (ms) of the
     * handshake that made it.
     */
    boolean resumed(long handshakeStartMillis) {
        if (engine instanceof ReferenceCountedOpenSslEngine openSsl) {
            synchronized (openSsl) {
                return openSsl.refCnt() > 0 && SSL.isSessionReused(openSsl.sslPointer());
            }
        }
        return engine.getSession().getCreationTime() < handshakeStartMillis;
    }

    /** True while the engine has handshake messages to send or receive (tests: a KeyUpdate was answered). */
    boolean handshakePending() {
        HandshakeStatus hs = engine.getHandshakeStatus();
        return hs != HandshakeStatus.NOT_HANDSHAKING && hs != HandshakeStatus.FINISHED;
    }

    /** Blocking stream over {@link #read(ByteBuffer)}, for the startup phase. */
    public InputStream in() {
        return in;
    }

    /** Blocking stream over {@link #write(byte[], int, int)}; writes are not buffered. */
    public OutputStream out() {
        return out;
    }

    /**
     * Reads plaintext into {@code dst}, blocking until there is some: everything already
     * decrypted, then every complete record on hand that fits, reading the socket only when
     * no complete record is left. {@code dst} needs room for one record (16 kB).
     *
     * @return the number of bytes added to dst, or -1 at the end of the stream
     */
    public int read(ByteBuffer dst) throws IOException {
        readLock.lock();
        try {
            if (plainIn.hasRemaining()) {
                int n = Math.min(plainIn.remaining(), dst.remaining());
                dst.put(dst.position(), plainIn, plainIn.position(), n).position(dst.position() + n);
                plainIn.position(plainIn.position() + n);
                return n;
            }
            return readRecords(dst);
        } finally {
            readLock.unlock();
        }
    }

    /** Encrypts and sends all of {@code b[off, off+len)}, up to 64 kB per system call. */
    public void write(byte[] b, int off, int len) throws IOException {
        ByteBuffer src = ByteBuffer.wrap(b, off, len);
        writeLock.lock();
        try {
            do {
                netOut.clear();
                while (src.hasRemaining() && netOut.remaining() >= packetSize) {
                    SSLEngineResult r = engine.wrap(src, netOut);
                    if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                        throw new SSLException("the TLS connection is closed");
                    }
                    runTasks(r.getHandshakeStatus());
                }
                flushNetOut();
            } while (src.hasRemaining());
        } finally {
            writeLock.unlock();
        }
    }

    private int readRecords(ByteBuffer dst) throws IOException {
        while (true) {
            if (inboundClosed) {
                return -1;
            }
            int produced = unwrapAvailable(dst);
            if (produced > 0) {
                return produced;
            }
            if (!inboundClosed && !fill()) {
                return -1; // the socket ended without close_notify: the same to the relay
            }
        }
    }

    /** Decrypts the complete records in netIn that fit into dst; no I/O except handshake answers. */
    private int unwrapAvailable(ByteBuffer dst) throws IOException {
        int produced = 0;
        netIn.flip();
        try {
            while (netIn.hasRemaining()) {
                SSLEngineResult r = engine.unwrap(netIn, dst);
                produced += r.bytesProduced();
                switch (r.getStatus()) {
                    case CLOSED -> {
                        inboundClosed = true;
                        return produced;
                    }
                    case BUFFER_UNDERFLOW -> {
                        return produced;
                    }
                    case BUFFER_OVERFLOW -> {
                        if (produced == 0) {
                            throw new IllegalStateException("read buffer smaller than a TLS record");
                        }
                        return produced;
                    }
                    case OK -> {
                        HandshakeStatus hs = r.getHandshakeStatus();
                        if (hs == HandshakeStatus.NEED_TASK) {
                            hs = runTasks(hs);
                        }
                        if (hs == HandshakeStatus.NEED_WRAP) {
                            answerHandshake(); // a TLS 1.3 KeyUpdate asking for ours
                        }
                        if (r.bytesConsumed() == 0) {
                            return produced;
                        }
                    }
                    default -> throw new SSLException("unexpected TLS engine state " + r.getStatus());
                }
            }
            return produced;
        } finally {
            netIn.compact();
        }
    }

    /** One read from the socket into netIn; false at the end of the stream. */
    private boolean fill() throws IOException {
        if (!netIn.hasRemaining()) {
            throw new SSLException("TLS record larger than " + netIn.capacity() + " bytes");
        }
        int n = rawIn.read(netIn.array(), netIn.arrayOffset() + netIn.position(), netIn.remaining());
        if (n < 0) {
            return false;
        }
        netIn.position(netIn.position() + n);
        return true;
    }

    private void runHandshake() throws IOException {
        engine.beginHandshake();
        HandshakeStatus hs = engine.getHandshakeStatus();
        ByteBuffer scratch = ByteBuffer.allocate(plainIn.capacity());
        while (hs != HandshakeStatus.FINISHED && hs != HandshakeStatus.NOT_HANDSHAKING) {
            switch (hs) {
                case NEED_WRAP -> {
                    netOut.clear();
                    SSLEngineResult r = engine.wrap(EMPTY, netOut);
                    flushNetOut();
                    if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                        throw new SSLException("the server closed the TLS connection during the handshake");
                    }
                    hs = r.getHandshakeStatus();
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    netIn.flip();
                    SSLEngineResult r;
                    try {
                        r = engine.unwrap(netIn, scratch);
                    } finally {
                        netIn.compact();
                    }
                    if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                        throw new SSLException("the server closed the TLS connection during the handshake");
                    }
                    if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW && !fill()) {
                        throw new EOFException("the server closed the connection during the TLS handshake");
                    }
                    hs = r.getHandshakeStatus();
                }
                case NEED_TASK -> hs = runTasks(hs);
                default -> throw new SSLException("unexpected TLS handshake state " + hs);
            }
        }
        scratch.flip();
        plainIn.clear();
        plainIn.put(scratch).flip(); // application data sent with the last handshake flight, if any
    }

    /** Sends what the engine has to say during a session (a KeyUpdate answer), under writeLock. */
    private void answerHandshake() throws IOException {
        writeLock.lock();
        try {
            netOut.clear();
            HandshakeStatus hs;
            do {
                SSLEngineResult r = engine.wrap(EMPTY, netOut);
                hs = runTasks(r.getHandshakeStatus());
                if (r.bytesProduced() == 0) {
                    break;
                }
            } while (hs == HandshakeStatus.NEED_WRAP);
            flushNetOut();
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Sends the engine's closing record: after a failed handshake the alert it prepared (so
     * the server logs why), on an established link a close_notify (a clean end the server
     * does not log). Best effort; the caller closes the socket.
     */
    public void closeOutbound() {
        writeLock.lock();
        try {
            engine.closeOutbound();
            netOut.clear();
            engine.wrap(EMPTY, netOut);
            flushNetOut();
        } catch (IOException | RuntimeException ignored) {
            // best effort: the connection is being dropped anyway
        } finally {
            writeLock.unlock();
        }
    }

    HandshakeStatus runTasks(HandshakeStatus hs) {
        if (hs != HandshakeStatus.NEED_TASK) {
            return hs;
        }
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
        return engine.getHandshakeStatus();
    }

    private void flushNetOut() throws IOException {
        netOut.flip();
        if (netOut.hasRemaining()) {
            rawOut.write(netOut.array(), netOut.arrayOffset() + netOut.position(), netOut.remaining());
        }
        netOut.clear();
    }

    private final class In extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            readLock.lock();
            try {
                if (!plainIn.hasRemaining()) {
                    plainIn.clear();
                    int n = readRecords(plainIn);
                    plainIn.flip();
                    if (n < 0) {
                        return -1;
                    }
                }
                int n = Math.min(len, plainIn.remaining());
                plainIn.get(b, off, n);
                return n;
            } finally {
                readLock.unlock();
            }
        }
    }

    private final class Out extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            TlsLink.this.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            TlsLink.this.write(b, off, len);
        }
    }
}
