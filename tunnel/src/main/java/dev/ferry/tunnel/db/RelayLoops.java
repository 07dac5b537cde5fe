package dev.ferry.tunnel.db;

import dev.ferry.tunnel.TunnelStats;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * The byte relay of a listener's database connections once their sessions are set up: a few
 * event loops (one per processor at most, started when a connection comes and ended after a
 * quiet spell with none), each relaying many connections with non-blocking channels, between
 * the plaintext client socket and the upstream {@link TlsLink}'s engine and buffers.
 *
 * <p>Why loops and not a thread per direction: a query and its answer then wake one thread, not
 * two, and a loop with several connections ready serves them all in one wake-up, as haproxy
 * does. On a machine whose cores are busy with the clients and the database, that is the
 * difference between the tunnel keeping up with a C relay and falling behind it. Idle
 * connections hold no thread at all.
 *
 * <p>Written by hand because the session was set up on blocking sockets with the same engine:
 * Netty's {@code SslHandler} begins a handshake of its own on the engine it is given, and
 * tls-channel hides the ciphertext that the set-up had read ahead. Everything cryptographic is
 * still the engine's. Back-pressure: a direction stops reading while what it has read is not
 * yet written, so a slow reader holds at most the buffers of its connection.
 */
final class RelayLoops implements AutoCloseable {
    /** Plaintext read from the client per read, at most. */
    private static final int BUFFER = 64 * 1024;
    /** Ciphertext read from upstream per read, at most (plus a partial record kept from the last one). */
    private static final int READ_AHEAD = 64 * 1024;
    /** A TLS record's plaintext, at most (RFC 8446 5.1). */
    private static final int MAX_PLAINTEXT = 16 * 1024;
    /** A TLS record with its header, padding and tag, at most (RFC 8446 5.2 allows 2^14 + 256 of ciphertext; 1.2 2^14 + 2048). */
    private static final int MAX_RECORD = MAX_PLAINTEXT + 2048 + 5;

    private final String threadName;
    private final Duration keepAlive;
    private final Loop[] loops;
    /** Round robin over the loops. */
    private final AtomicInteger next = new AtomicInteger();
    private volatile boolean closed;

    RelayLoops(String threadName, int count, Duration keepAlive) throws IOException {
        this.threadName = threadName;
        this.keepAlive = keepAlive;
        loops = new Loop[Math.max(1, count)];
        for (int i = 0; i < loops.length; i++) {
            loops[i] = new Loop(i + 1);
        }
    }

    /**
     * Relays between {@code client} and {@code tls} until either side ends, then calls {@code close}
     * (which must close both sockets) on a loop thread. Returns at once: the connection's thread is
     * free. Both sockets must be channel sockets; they are switched to non-blocking mode. Any
     * plaintext or ciphertext the link already holds is relayed first.
     */
    void relay(Socket client, TlsLink tls, TunnelStats stats, Runnable close) throws IOException {
        SocketChannel clientChannel = client.getChannel();
        SocketChannel upChannel = tls.socket().getChannel();
        if (clientChannel == null || upChannel == null) {
            throw new IllegalArgumentException("the relay loop needs channel sockets");
        }
        client.setSoTimeout(0);
        tls.socket().setSoTimeout(0);
        clientChannel.configureBlocking(false);
        upChannel.configureBlocking(false);
        Loop loop = loops[Math.floorMod(next.getAndIncrement(), loops.length)];
        loop.add(new Pipe(clientChannel, upChannel, tls, stats, close));
    }

    /** Loop threads running now (tests: they end when idle). */
    int running() {
        int n = 0;
        for (Loop l : loops) {
            synchronized (l) {
                n += l.thread != null ? 1 : 0;
            }
        }
        return n;
    }

    @Override
    public void close() {
        closed = true;
        for (Loop l : loops) {
            l.selector.wakeup();
            Thread t;
            synchronized (l) {
                t = l.thread;
            }
            if (t == null) {
                closeQuietly(l.selector);
            }
        }
    }

    private static void closeQuietly(Selector selector) {
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private final class Loop implements Runnable {
        private final int number;
        /** Replaced (under this) only when it broke and no thread uses it. */
        private volatile Selector selector;
        private final Queue<Pipe> incoming = new ConcurrentLinkedQueue<>();
        /** Guarded by this. */
        private Thread thread;
        /** Guarded by this: the selector failed; the next connection opens a new one. */
        private boolean broken;

        Loop(int number) throws IOException {
            this.number = number;
            this.selector = Selector.open();
        }

        void add(Pipe pipe) {
            incoming.add(pipe);
            synchronized (this) {
                if (broken) {
                    try {
                        selector = Selector.open();
                        broken = false;
                    } catch (IOException e) {
                        // out of file descriptors, say: this connection ends, the next one tries again
                    }
                }
                if (closed || broken) {
                    incoming.remove(pipe);
                    pipe.end();
                    return;
                }
                if (thread == null) {
                    thread = new Thread(this, threadName + "-relay-" + number);
                    thread.setDaemon(true);
                    thread.start();
                    return;
                }
            }
            selector.wakeup();
        }

        @Override
        public void run() {
            long idleSince = System.nanoTime();
            Scratch scratch = new Scratch(); // dropped with the thread when it ends idle
            try {
                while (!closed) {
                    Pipe pipe;
                    while ((pipe = incoming.poll()) != null) {
                        pipe.start(selector, scratch);
                    }
                    // A timeout even with connections: a key cancelled by a close on another thread
                    // leaves the selector (and its socket is freed) at the next select.
                    selector.select(key -> ((Pipe) key.attachment()).ready(key), keepAlive.toMillis());
                    if (!selector.keys().isEmpty() || !incoming.isEmpty()) {
                        idleSince = System.nanoTime();
                    } else if (System.nanoTime() - idleSince >= keepAlive.toNanos()) {
                        synchronized (this) {
                            if (incoming.isEmpty()) {
                                thread = null;
                                return;
                            }
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the selector itself broke: end every connection it had; this loop takes no more
                endAll();
                closeQuietly(selector);
                synchronized (this) {
                    broken = true;
                    thread = null;
                }
            } finally {
                if (closed) {
                    endAll();
                    closeQuietly(selector);
                }
            }
        }

        private void endAll() {
            try {
                for (SelectionKey key : selector.keys()) {
                    ((Pipe) key.attachment()).end();
                }
            } catch (RuntimeException ignored) {
                // a closed selector has no keys to end
            }
            Pipe pipe;
            while ((pipe = incoming.poll()) != null) {
                pipe.end();
            }
        }
    }

    /**
     * One connection on a loop; every method runs on the loop's thread. Data is read, encrypted or
     * decrypted and written in the loop's scratch buffers (direct, so neither the JDK nor the engine
     * copies it); only what a socket does not take at once, or a TLS record not complete yet, is
     * kept in the connection's own (heap) buffers, made when needed and dropped once empty.
     */
    private static final class Pipe {
        private final SocketChannel client;
        private final SocketChannel up;
        private final TlsLink tls;
        private final SSLEngine engine;
        private final int packetSize;
        private final TunnelStats stats;
        private final Runnable close;
        private Scratch scratch;
        /** Ciphertext the upstream socket has not taken yet, in read mode; null when none. */
        private ByteBuffer toUpstream;
        /** Plaintext the client socket has not taken yet, in read mode; null when none. */
        private ByteBuffer toClient;
        /** Ciphertext from upstream not decrypted yet (a partial record, or records held back by toClient), read mode. */
        private ByteBuffer fromUpstream;
        private SelectionKey clientKey;
        private SelectionKey upKey;
        /** The server sent close_notify: end once what came before it is written. */
        private boolean upstreamClosed;
        private boolean ended;

        Pipe(SocketChannel client, SocketChannel up, TlsLink tls, TunnelStats stats, Runnable close) {
            this.client = client;
            this.up = up;
            this.tls = tls;
            this.engine = tls.engine();
            this.packetSize = tls.packetSize();
            this.stats = stats;
            this.close = close;
        }

        void start(Selector selector, Scratch scratch) {
            this.scratch = scratch;
            try {
                clientKey = client.register(selector, 0, this);
                upKey = up.register(selector, 0, this);
                // what the set-up had read ahead: plaintext to pass on, ciphertext to decrypt
                ByteBuffer early = tls.plainIn();
                stats.addBytesToClient(early.remaining());
                toClient = copyOf(early);
                fromUpstream = copyOf(tls.netIn().flip());
                tls.releaseBuffers();
                fromUpstream();
                interests();
            } catch (IOException | RuntimeException e) {
                end();
            }
        }

        void ready(SelectionKey key) {
            try {
                int ops = key.readyOps();
                if (key == clientKey) {
                    if ((ops & SelectionKey.OP_WRITE) != 0) {
                        fromUpstream();
                    }
                    if ((ops & SelectionKey.OP_READ) != 0 && toUpstream == null) {
                        fromClient();
                    }
                } else {
                    if ((ops & SelectionKey.OP_WRITE) != 0) {
                        toUpstream = flush(toUpstream, up);
                    }
                    if ((ops & SelectionKey.OP_READ) != 0 && toClient == null) {
                        readUpstream();
                    }
                }
                interests();
            } catch (IOException | RuntimeException e) {
                end(); // one side went away (or the engine was released by a close elsewhere)
            }
        }

        /** Reads what the client sent, encrypts it and writes it upstream; keeps what the socket does not take. */
        private void fromClient() throws IOException {
            ByteBuffer plain = scratch.plain.clear().limit(BUFFER);
            int n = client.read(plain);
            if (n < 0) {
                sayGoodbye();
                throw new EOFException();
            }
            if (n == 0) {
                return;
            }
            stats.addBytesFromClient(n);
            plain.flip();
            ByteBuffer net = scratch.net.clear();
            while (plain.hasRemaining()) {
                if (net.remaining() < packetSize) {
                    throw new SSLException("no room for the TLS records of " + n + " bytes");
                }
                SSLEngineResult r = engine.wrap(plain, net);
                if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                    throw new SSLException("the TLS connection is closed");
                }
                if (r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
                    throw new SSLException("the TLS engine took no data (" + r.getHandshakeStatus() + ")");
                }
                tls.runTasks(r.getHandshakeStatus());
            }
            sendUpstream(net.flip());
        }

        /** Writes ciphertext upstream after anything still waiting; keeps what the socket does not take. */
        private void sendUpstream(ByteBuffer net) throws IOException {
            if (toUpstream != null) {
                toUpstream = append(toUpstream, net);
                toUpstream = flush(toUpstream, up);
                return;
            }
            up.write(net);
            toUpstream = copyOf(net);
        }

        private void readUpstream() throws IOException {
            ByteBuffer net = scratch.net.clear();
            if (fromUpstream != null) {
                net.put(fromUpstream);
                fromUpstream = null;
            }
            net.limit(Math.min(net.capacity(), net.position() + READ_AHEAD));
            int n = up.read(net);
            if (n < 0) {
                throw new EOFException(); // without close_notify: the same to the relay
            }
            decrypt(net.flip());
        }

        /** Writes what waits for the client, then decrypts what waits in fromUpstream (client writable, or at start). */
        private void fromUpstream() throws IOException {
            toClient = flush(toClient, client);
            if (toClient != null) {
                return;
            }
            if (upstreamClosed) {
                throw new EOFException();
            }
            if (fromUpstream != null) {
                ByteBuffer net = scratch.net.clear().put(fromUpstream);
                fromUpstream = null;
                decrypt(net.flip());
            }
        }

        /**
         * Decrypts the complete records in {@code net} (read mode) and writes them to the client;
         * when the client does not take it all, or a record is not complete yet, keeps the rest.
         */
        private void decrypt(ByteBuffer net) throws IOException {
            ByteBuffer plain = scratch.plain;
            boolean more = true;
            while (more && net.hasRemaining()) {
                plain.clear();
                more = unwrap(net, plain);
                plain.flip();
                stats.addBytesToClient(plain.remaining());
                client.write(plain);
                if (plain.hasRemaining()) {
                    toClient = copyOf(plain);
                    break;
                }
            }
            fromUpstream = copyOf(net);
            if (upstreamClosed && toClient == null) {
                throw new EOFException();
            }
        }

        /** Decrypts records from net into plain while they fit; false when no complete record is left (or the server closed). */
        private boolean unwrap(ByteBuffer net, ByteBuffer plain) throws IOException {
            while (net.hasRemaining()) {
                SSLEngineResult r = engine.unwrap(net, plain);
                switch (r.getStatus()) {
                    case CLOSED -> {
                        upstreamClosed = true;
                        return false;
                    }
                    case BUFFER_UNDERFLOW -> {
                        return false; // a partial record: the rest comes with the next read
                    }
                    case BUFFER_OVERFLOW -> {
                        if (plain.position() == 0) {
                            throw new SSLException("TLS record larger than " + plain.capacity() + " bytes");
                        }
                        return true; // plain is full: written first
                    }
                    case OK -> {
                        HandshakeStatus hs = tls.runTasks(r.getHandshakeStatus());
                        if (hs == HandshakeStatus.NEED_WRAP) {
                            answerHandshake();
                        }
                        if (r.bytesConsumed() == 0) {
                            return false;
                        }
                    }
                    default -> throw new SSLException("unexpected TLS engine state " + r.getStatus());
                }
            }
            return false;
        }

        /**
         * The client went away: tells the server with a close_notify (best effort, in one
         * non-blocking write), as a TLS client closing its side would.
         */
        private void sayGoodbye() {
            try {
                engine.closeOutbound();
                ByteBuffer net = scratch.net.clear();
                engine.wrap(ByteBuffer.allocate(0), net);
                if (toUpstream == null) {
                    up.write(net.flip());
                }
            } catch (IOException | RuntimeException ignored) {
                // the connection ends anyway
            }
        }

        /** Sends what the engine has to say during the session (a TLS 1.3 KeyUpdate answer). */
        private void answerHandshake() throws IOException {
            ByteBuffer out = ByteBuffer.allocate(2 * packetSize);
            HandshakeStatus hs;
            do {
                if (out.remaining() < packetSize) {
                    break;
                }
                SSLEngineResult r = engine.wrap(ByteBuffer.allocate(0), out);
                hs = tls.runTasks(r.getHandshakeStatus());
                if (r.bytesProduced() == 0) {
                    break;
                }
            } while (hs == HandshakeStatus.NEED_WRAP);
            sendUpstream(out.flip());
        }

        /** Writes as much of a read-mode buffer as the channel takes now; null when all of it went. */
        private static ByteBuffer flush(ByteBuffer pending, SocketChannel channel) throws IOException {
            if (pending == null) {
                return null;
            }
            channel.write(pending);
            return pending.hasRemaining() ? pending : null;
        }

        /** A heap copy of what remains in a read-mode buffer (consumed), or null when nothing does. */
        private static ByteBuffer copyOf(ByteBuffer b) {
            if (!b.hasRemaining()) {
                return null;
            }
            ByteBuffer copy = ByteBuffer.allocate(b.remaining());
            copy.put(b).flip();
            return copy;
        }

        private static ByteBuffer append(ByteBuffer pending, ByteBuffer more) {
            ByteBuffer joined = ByteBuffer.allocate(pending.remaining() + more.remaining());
            joined.put(pending).put(more).flip();
            return joined;
        }

        /** Reads where nothing waits to be written, waits to write where something does. */
        private void interests() {
            clientKey.interestOps((toUpstream == null ? SelectionKey.OP_READ : 0)
                    | (toClient != null ? SelectionKey.OP_WRITE : 0));
            upKey.interestOps((toClient == null ? SelectionKey.OP_READ : 0)
                    | (toUpstream != null ? SelectionKey.OP_WRITE : 0));
        }

        void end() {
            if (ended) {
                return;
            }
            ended = true;
            try {
                close.run();
            } catch (RuntimeException ignored) {
                // closing anyway
            }
        }
    }

    /** A loop thread's working buffers (direct): nothing stays in them between two events. */
    private static final class Scratch {
        /** Plaintext: a client read (up to BUFFER) or decrypted records (BUFFER and one more record). */
        final ByteBuffer plain = ByteBuffer.allocateDirect(BUFFER + MAX_RECORD);
        /** Ciphertext: an upstream read (a partial record and READ_AHEAD), or a client read's records. */
        final ByteBuffer net = ByteBuffer.allocateDirect(READ_AHEAD + 2 * MAX_RECORD + BUFFER / MAX_PLAINTEXT * MAX_RECORD);
    }
}
