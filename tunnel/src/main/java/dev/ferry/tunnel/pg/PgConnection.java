package dev.ferry.tunnel.pg;

import dev.ferry.tunnel.TunnelStats;
import dev.ferry.tunnel.db.Credentials;
import dev.ferry.tunnel.db.TlsLink;
import dev.ferry.tunnel.db.TunnelFailure;
import dev.ferry.tunnel.db.TunnelFailure.Reason;
import dev.ferry.tunnel.db.TunnelListener;
import dev.ferry.tunnel.db.UpstreamTls;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client connection: reads the client's startup packet, opens the verified TLS
 * connection upstream, authenticates as the tunnel's db user, swaps the backend key and
 * then relays bytes both ways.
 *
 * <p>The set-up is blocking I/O on a pool thread, so the startup handshake reads as
 * straight-line code; once the session is ready the connection is handed to the listener's
 * relay loops ({@link TunnelListener#relay}) and its thread is free. Upstream TLS is a
 * {@link TlsLink}, whose engine and read-ahead the loop carries on with; a read decrypts every
 * record it brings, so a bulk result moves up to 64 kB per system call.
 */
final class PgConnection implements TunnelListener.Connection {
    private static final int MAX_NEGOTIATION_REQUESTS = 4;
    /**
     * Startup parameters the Amazon Redshift JDBC/ODBC drivers always send. Redshift knows
     * them; PostgreSQL refuses the connection, so the tunnel drops them after a refusal.
     */
    static final Set<String> REDSHIFT_ONLY = Set.of("driver_version", "os_version", "plugin_name",
            "client_protocol_version", "idp_type", "provider_name", "token_type", "idc_client_display_name");

    private final PgTunnel tunnel;
    private final PgTunnelConfig config;
    private final Socket client;
    private final TunnelStats stats;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Socket upstream;
    /** The TLS over {@link #upstream}; {@link #close()} closes it (its engine may hold native memory). */
    private volatile TlsLink upstreamTls;
    private volatile PgTunnel.CancelKey cancelKey;
    /** Past the tunnel's connection cap: read the startup packet, then answer 53300. */
    private final boolean overCap;
    /** Bytes of the current startup packet received so far (for "the client sent nothing" errors). */
    private int packetBytes;

    PgConnection(PgTunnel tunnel, Socket client) {
        this(tunnel, client, false);
    }

    PgConnection(PgTunnel tunnel, Socket client, boolean overCap) {
        this.tunnel = tunnel;
        this.config = tunnel.config();
        this.client = client;
        this.stats = tunnel.stats();
        this.overCap = overCap;
    }

    @Override
    public void run() {
        boolean relaying = false;
        boolean relayed = false;
        try {
            client.setTcpNoDelay(true);
            client.setSendBufferSize(UpstreamTls.SOCKET_BUFFER);
            client.setSoTimeout(config.limits().headerTimeoutMillis());
            Startup startup = readStartup();
            if (startup == null) {
                return;
            }
            if (overCap) {
                throw new TunnelFailure(Reason.TOO_MANY_CONNECTIONS, "ferry: this tunnel already has "
                        + config.limits().maxConnections() + " client connections, the most it allows; close some "
                        + "(or use a connection pool) and connect again");
            }
            client.setSoTimeout(timeoutMillis());
            PasswordSupplier.Session session = Credentials.session(config.passwords(), config.dbUser(), config.dbName());
            TlsLink tls = null;
            boolean fresh = false;
            for (int attempt = 0; tls == null; attempt++) {
                Upstream.Connection conn = fresh ? tunnel.upstream().open() : tunnel.upstream().take();
                upstreamTls = conn.tls();
                upstream = conn.plain();
                if (closed.get()) {
                    conn.tls().close();
                    return;
                }
                try {
                    if (!startSession(conn.tls(), conn.spare(), startup.packet(tunnel.stripRedshiftParameters(), session.user()), session)) {
                        return; // the database refused; its error went to the client unchanged
                    }
                    tls = conn.tls();
                } catch (SpareGone e) {
                    conn.tls().close(); // closed by the server while it waited: a new one
                    tunnel.upstream().spareLost();
                    fresh = true;
                    attempt--;
                } catch (RedshiftParameterRejected e) {
                    conn.tls().close();
                    if (attempt > 0) { // refused again: the database's own error, unchanged
                        stats.error("ferry: the database refused the connection: " + e.getMessage());
                        sendToClient(e.serverError);
                        return;
                    }
                    tunnel.upstreamRejectsRedshiftParameters();
                }
            }
            relaying = true;
            stats.upstreamReached();
            tunnel.listener().relay(client, tls, this::close);
            relayed = true; // the relay loop closes the connection when it ends
        } catch (TunnelFailure f) {
            stats.connectionFailed(f);
            sendToClient(PgWire.fatal(PgWire.sqlState(f.reason()), f.getMessage()));
        } catch (IOException e) {
            if (!relaying && !closed.get()) {
                boolean clientSide = e instanceof java.net.SocketTimeoutException && upstream == null;
                String message = clientSide
                        ? "ferry: the client stopped answering during the connection's set-up"
                        : "ferry: connection to " + config.upstream() + " failed: " + e.getMessage();
                if (clientSide || upstream == null) {
                    stats.error(message);
                } else {
                    stats.upstreamFailed(new TunnelFailure(Reason.CONNECTION, message, "connection failed: " + e.getMessage()));
                }
                sendToClient(PgWire.fatal(PgWire.sqlState(Reason.CONNECTION), message));
            }
        } finally {
            if (!relayed) {
                close();
            }
        }
    }

    /**
     * Answers SSL/GSSAPI encryption requests with 'N', handles a CancelRequest, and returns
     * the upstream startup packet for a v3 StartupMessage (null when the connection ends).
     */
    private Startup readStartup() throws IOException, TunnelFailure {
        InputStream raw = client.getInputStream();
        InputStream in = new java.io.FilterInputStream(raw) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    packetBytes++;
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    packetBytes += n;
                }
                return n;
            }
        };
        for (int i = 0; i < MAX_NEGOTIATION_REQUESTS; i++) {
            packetBytes = 0;
            int len;
            byte[] body;
            try {
                len = PgWire.readInt(in);
                if (len < 8 || len > PgWire.MAX_STARTUP_LENGTH) {
                    return rejectStartup("invalid startup packet length " + len);
                }
                body = PgWire.readFully(in, len - 4);
            } catch (java.net.SocketTimeoutException e) {
                long seconds = config.limits().headerTimeout().toSeconds();
                throw new TunnelFailure(Reason.PROTOCOL, packetBytes == 0 && i == 0
                        ? "ferry: the client connected but sent nothing for " + seconds + " s (no startup packet); "
                                + "closing the connection"
                        : "ferry: the client's startup packet stopped after " + packetBytes + " bytes and nothing more "
                                + "came for " + seconds + " s; closing the connection");
            } catch (EOFException e) {
                if (packetBytes > 0) {
                    rejectStartup("the client closed the connection in the middle of its startup packet, after "
                            + packetBytes + " bytes");
                }
                return null; // port probe or a client that gave up
            }
            int code = ByteBuffer.wrap(body).getInt();
            if (code == PgWire.SSL_REQUEST || code == PgWire.GSSENC_REQUEST) {
                client.getOutputStream().write('N');
                continue;
            }
            if (code == PgWire.CANCEL_REQUEST) {
                if (len < 16) {
                    return rejectStartup("invalid cancel request length " + len);
                }
                tunnel.cancel(ByteBuffer.wrap(body).getInt(4), Arrays.copyOfRange(body, 8, body.length));
                return null;
            }
            if (code >>> 16 != 3) {
                return rejectStartup("unsupported protocol version " + (code >>> 16) + "." + (code & 0xffff));
            }
            List<PgWire.Param> params;
            try {
                params = PgWire.startupParams(body, 4);
            } catch (IOException e) {
                return rejectStartup(e.getMessage());
            }
            List<PgWire.Param> upstreamParams = new ArrayList<>();
            upstreamParams.add(new PgWire.Param("user", bytes(config.dbUser())));
            upstreamParams.add(new PgWire.Param("database", bytes(config.dbName())));
            for (PgWire.Param p : params) {
                if (!p.key().equals("user") && !p.key().equals("database")) {
                    upstreamParams.add(p);
                }
            }
            return new Startup(code, upstreamParams);
        }
        return rejectStartup("too many encryption requests");
    }

    private Startup rejectStartup(String why) {
        stats.error("ferry: closed a client connection with a malformed startup packet (" + why + ")");
        return null;
    }

    /** The client's startup request, with the database already replaced; the user is set per connection. */
    private record Startup(int protocol, List<PgWire.Param> params) {
        byte[] packet(boolean stripRedshift, String user) {
            List<PgWire.Param> out = new ArrayList<>();
            for (PgWire.Param p : params) {
                if (stripRedshift && REDSHIFT_ONLY.contains(p.key())) {
                    continue;
                }
                out.add(p.key().equals("user") ? new PgWire.Param("user", bytes(user)) : p);
            }
            return PgWire.startupPacket(protocol, out);
        }
    }

    /**
     * The warm spare had been closed by the server (its authentication_timeout, a restart, a
     * terminated backend) before it answered anything: retry once on a new connection.
     */
    private static final class SpareGone extends Exception {
        SpareGone() {
            super(null, null, false, false);
        }
    }

    /** PostgreSQL refused a Redshift driver's informational startup parameter; retry without them. */
    private static final class RedshiftParameterRejected extends Exception {
        final byte[] serverError;

        RedshiftParameterRejected(String message, byte[] serverError) {
            super(message, null, false, false);
            this.serverError = serverError;
        }
    }

    /**
     * Sends the startup packet, authenticates, and forwards the server's greeting until
     * ReadyForQuery. The greeting is held back until then (or an error), so that a retry
     * after {@link RedshiftParameterRejected} shows the client one clean greeting.
     *
     * @return true when ready for queries, false when the database sent an error (forwarded)
     * @throws SpareGone when {@code spare} and it ended before the server's first answer
     */
    private boolean startSession(TlsLink tls, boolean spare, byte[] startup, PasswordSupplier.Session session)
            throws IOException, TunnelFailure, RedshiftParameterRejected, SpareGone {
        OutputStream up = tls.out();
        InputStream upIn = tls.in();
        ByteArrayOutputStream toClient = new ByteArrayOutputStream();
        UpstreamAuth auth = new UpstreamAuth(config, session, tls.session().getPeerCertificates());
        boolean authenticated = false;
        boolean answered = false;
        try {
            up.write(startup);
        } catch (IOException e) {
            if (spare) {
                throw new SpareGone();
            }
            throw e;
        }
        while (true) {
            PgWire.Message m;
            try {
                m = PgWire.read(upIn, PgWire.MAX_STARTUP_MESSAGE);
            } catch (EOFException e) {
                if (spare && !answered) {
                    throw new SpareGone();
                }
                throw new TunnelFailure(Reason.CONNECTION, "ferry: the database at "
                        + config.upstream() + " closed the connection during startup");
            } catch (java.net.SocketTimeoutException e) {
                throw e;
            } catch (IOException e) {
                if (spare && !answered) {
                    throw new SpareGone();
                }
                throw e;
            }
            boolean first = !answered;
            answered = true;
            switch (m.type()) {
                case 'R' -> {
                    if (authenticated) {
                        throw new TunnelFailure(Reason.PROTOCOL,
                                "ferry: the database sent an authentication request after authentication");
                    }
                    byte[] answer = auth.answer(m);
                    if (answer != null) {
                        up.write(answer);
                    } else if (m.intAt(0) == UpstreamAuth.OK) {
                        authenticated = true;
                        toClient.write(m.encode());
                    }
                }
                case 'K' -> {
                    byte[] body = m.body();
                    cancelKey = tunnel.register(ByteBuffer.wrap(body).getInt(),
                            Arrays.copyOfRange(body, 4, body.length));
                    toClient.write(PgWire.message((byte) 'K', ByteBuffer.allocate(8)
                            .putInt(cancelKey.pid()).putInt(cancelKey.secret()).array()));
                }
                case 'E' -> {
                    String message = m.field('M');
                    if (spare && first && m.field('C') != null && m.field('C').startsWith("57P0")) {
                        throw new SpareGone(); // terminated or shut down while it waited
                    }
                    if ("42704".equals(m.field('C')) && message != null && REDSHIFT_ONLY.stream()
                            .anyMatch(p -> message.contains("\"" + p + "\""))) {
                        throw new RedshiftParameterRejected(message, m.encode());
                    }
                    // The database's own error (wrong password, unknown database...): unchanged.
                    stats.error("ferry: the database refused the connection: " + m.field('C') + " " + message);
                    if (!authenticated && ("28P01".equals(m.field('C')) || "28000".equals(m.field('C')))) {
                        config.passwords().rejected(config.dbUser(), config.dbName()); // a rotated secret
                    }
                    toClient.write(m.encode());
                    client.getOutputStream().write(toClient.toByteArray());
                    return false;
                }
                case 'Z' -> {
                    toClient.write(m.encode());
                    client.getOutputStream().write(toClient.toByteArray());
                    return true;
                }
                default -> toClient.write(m.encode()); // ParameterStatus, Notice, NegotiateProtocolVersion
            }
        }
    }

    private void sendToClient(byte[] message) {
        try {
            OutputStream out = client.getOutputStream();
            out.write(message);
            out.flush();
        } catch (IOException ignored) {
            // the client is gone already
        }
    }

    /** Closes both sides once; safe from any thread. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        UpstreamTls.closeQuietly(client);
        TlsLink link = upstreamTls;
        Socket up = upstream;
        if (link != null) {
            link.close(); // its socket too, and the engine's native state
        } else if (up != null) {
            UpstreamTls.closeQuietly(up);
        }
        PgTunnel.CancelKey key = cancelKey;
        if (key != null) {
            tunnel.unregister(key);
        }
        tunnel.listener().ended(this);
    }

    private int timeoutMillis() {
        return (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
