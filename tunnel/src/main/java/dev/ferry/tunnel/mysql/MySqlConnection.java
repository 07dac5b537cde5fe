package dev.ferry.tunnel.mysql;

import dev.ferry.tunnel.TunnelStats;
import dev.ferry.tunnel.db.Credentials;
import dev.ferry.tunnel.db.TlsLink;
import dev.ferry.tunnel.db.TunnelFailure;
import dev.ferry.tunnel.db.TunnelFailure.Reason;
import dev.ferry.tunnel.db.TunnelListener;
import dev.ferry.tunnel.db.UpstreamTls;
import dev.ferry.tunnel.mysql.MySqlWire.Greeting;
import dev.ferry.tunnel.mysql.MySqlWire.HandshakeResponse;
import dev.ferry.tunnel.mysql.MySqlWire.MalformedPacketException;
import dev.ferry.tunnel.mysql.MySqlWire.Packet;
import dev.ferry.tunnel.pg.PasswordSupplier;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client connection of a {@link MySqlTunnel}:
 * <ol>
 * <li>asks the supplier for this connection's login;</li>
 * <li>connects to the database and reads its greeting (Protocol::HandshakeV10);</li>
 * <li>greets the client with the database's version, connection id, status and the
 *     capabilities the relay can honour, but with its own scramble and without TLS;</li>
 * <li>takes the client's HandshakeResponse41 whatever user and password it holds;</li>
 * <li>sends the SSLRequest with the capabilities the client chose, runs the verified TLS
 *     handshake, and logs in as the db user with the supplier's password, answering
 *     AuthSwitchRequest and AuthMoreData ({@link MySqlAuth});</li>
 * <li>passes the database's OK (or its own error) to the client and relays bytes both ways.</li>
 * </ol>
 * Anything the tunnel cannot do reaches the client as an ERR packet whose message starts
 * with "ferry:".
 */
final class MySqlConnection implements TunnelListener.Connection {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_AUTH_ROUNDS = 8;
    /** Error code of the tunnel's own failures (servers never send the 2xxx client codes). */
    private static final int ER_HANDSHAKE_ERROR = 1043;
    private static final int ER_ACCESS_DENIED = 1045;

    private final MySqlTunnel tunnel;
    private final MySqlTunnelConfig config;
    private final Socket client;
    private final TunnelStats stats;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Socket upstream;
    /** The TLS over {@link #upstream} once started; {@link #close()} closes it (its engine may hold native memory). */
    private volatile TlsLink upstreamTls;
    /** The client has our greeting: errors now answer its HandshakeResponse (sequence 2). */
    private boolean greeted;
    /** The client's HandshakeResponse was read: errors carry a SQL state. */
    private boolean clientKnown;

    MySqlConnection(MySqlTunnel tunnel, Socket client) {
        this(tunnel, client, false);
    }

    /** @param overCap past the tunnel's connection cap: the client gets ERR 1040 and nothing is opened upstream */
    MySqlConnection(MySqlTunnel tunnel, Socket client, boolean overCap) {
        this.tunnel = tunnel;
        this.config = tunnel.config();
        this.client = client;
        this.stats = tunnel.stats();
        this.overCap = overCap;
    }

    private final boolean overCap;

    @Override
    public void run() {
        boolean relaying = false;
        boolean relayed = false;
        try {
            client.setTcpNoDelay(true);
            client.setSendBufferSize(UpstreamTls.SOCKET_BUFFER);
            client.setSoTimeout(tunnel.upstream().timeoutMillis());
            if (overCap) {
                throw new TunnelFailure(Reason.TOO_MANY_CONNECTIONS, "ferry: this tunnel already has "
                        + tunnel.listener().limits().maxConnections() + " client connections, the most it allows; "
                        + "close some (or use a connection pool) and connect again");
            }
            PasswordSupplier.Session session = Credentials.session(config.passwords(), config.dbUser(),
                    config.dbName());
            String password = Credentials.password(session);
            Socket up = tunnel.upstream().connect();
            upstream = up;
            if (closed.get()) {
                return;
            }
            Greeting server = readGreeting(up);
            if (server == null) {
                return;
            }
            send(0, greetingFor(server).encode());
            greeted = true;
            HandshakeResponse request = readClientLogin();
            if (request == null) {
                return;
            }
            TlsLink tls = login(up, server, request, session.user(), password);
            if (tls == null) {
                return;
            }
            relaying = true;
            stats.upstreamReached();
            tunnel.listener().relay(client, tls, this::close);
            relayed = true; // the relay loop closes the connection when it ends
        } catch (TunnelFailure f) {
            fail(f);
        } catch (IOException e) {
            if (!relaying && !closed.get()) {
                fail(new TunnelFailure(Reason.CONNECTION, "ferry: connection to " + config.upstream()
                        + " failed: " + e.getMessage()));
            }
        } finally {
            if (!relayed) {
                close();
            }
        }
    }

    /** The database's greeting; null when it refused at once (its ERR went to the client). */
    private Greeting readGreeting(Socket up) throws TunnelFailure, IOException {
        Packet p;
        try {
            p = MySqlWire.read(up.getInputStream(), MySqlWire.MAX_HANDSHAKE_PACKET);
        } catch (SocketTimeoutException e) {
            throw new TunnelFailure(Reason.CONNECTION, "ferry: the server at " + config.upstream()
                    + " sent no MySQL greeting within " + tunnel.upstream().timeoutMillis() / 1000.0
                    + " s; check that it is a MySQL or MariaDB server");
        } catch (EOFException e) {
            throw new TunnelFailure(Reason.CONNECTION, "ferry: the database at " + config.upstream()
                    + " closed the connection before greeting");
        } catch (MalformedPacketException e) {
            throw notMySql(e.getMessage());
        }
        if (p.first() == (MySqlWire.ERR & 0xff)) {
            // Too many connections, host blocked...: the database's own words, unchanged.
            stats.error("ferry: the database refused the connection: " + MySqlWire.describeErr(p.payload()));
            send(p.seq(), p.payload());
            return null;
        }
        Greeting g;
        try {
            g = Greeting.parse(p.payload());
        } catch (MalformedPacketException e) {
            throw notMySql(e.getMessage());
        }
        if ((g.capabilities() & MySqlWire.CLIENT_SSL) == 0) {
            throw tunnel.upstream().noTls();
        }
        if ((g.capabilities() & MySqlWire.CLIENT_PROTOCOL_41) == 0) {
            throw notMySql("no 4.1 protocol");
        }
        return g;
    }

    private TunnelFailure notMySql(String why) {
        return new TunnelFailure(Reason.PROTOCOL, "ferry: the server at " + config.upstream()
                + " did not greet like a MySQL server (" + why + ")");
    }

    /**
     * The client's greeting: the database's own version, connection id, character set and
     * status; the capabilities the relay can pass on; a fresh scramble (the client's answer
     * to it is ignored) and no TLS.
     */
    private static Greeting greetingFor(Greeting server) {
        int caps = server.capabilities() & MySqlWire.RELAYED | MySqlWire.CONNECTION_PHASE;
        return new Greeting(server.serverVersion(), server.connectionId(), scramble(), caps, server.charset(),
                server.status(), server.mariaDbCapabilities(), MySqlAuth.NATIVE);
    }

    /** The client's HandshakeResponse; null when the client left without one. */
    private HandshakeResponse readClientLogin() throws TunnelFailure, IOException {
        Packet p;
        try {
            p = MySqlWire.read(client.getInputStream(), MySqlWire.MAX_HANDSHAKE_PACKET);
        } catch (EOFException e) {
            return null; // a port probe or a client that gave up
        } catch (SocketTimeoutException e) {
            throw badHandshake("no login within " + tunnel.upstream().timeoutMillis() / 1000.0 + " s");
        } catch (MalformedPacketException e) {
            throw badHandshake(e.getMessage());
        }
        if (p.seq() != 1) {
            throw badHandshake("sequence id " + p.seq() + " instead of 1");
        }
        if (HandshakeResponse.isSslRequest(p.payload())) {
            clientKnown = true;
            throw new TunnelFailure(Reason.PROTOCOL, "ferry: the tunnel does not offer TLS on its loopback "
                    + "port (it connects to the database over TLS itself); connect without TLS "
                    + "(mysql --skip-ssl or --ssl-mode=DISABLED, JDBC sslMode=DISABLED)");
        }
        HandshakeResponse r;
        try {
            r = HandshakeResponse.parse(p.payload());
        } catch (MalformedPacketException e) {
            throw badHandshake(e.getMessage());
        }
        clientKnown = true;
        return r;
    }

    private TunnelFailure badHandshake(String why) {
        return new TunnelFailure(Reason.PROTOCOL, "ferry: bad handshake from the client (" + why + ")");
    }

    /**
     * Asks for TLS with the client's capabilities, logs in as the db user and passes the
     * database's answer on. Returns the TLS link when logged in, null when the database
     * refused (its error went to the client unchanged).
     */
    private TlsLink login(Socket up, Greeting server, HandshakeResponse request, String user, String password)
            throws TunnelFailure, IOException {
        int serverCaps = server.capabilities();
        int caps = request.capabilities() & serverCaps & MySqlWire.RELAYED
                | MySqlWire.CLIENT_PROTOCOL_41 | MySqlWire.CLIENT_SECURE_CONNECTION | MySqlWire.CLIENT_PLUGIN_AUTH
                | MySqlWire.CLIENT_SSL | serverCaps & MySqlWire.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA;
        byte[] db = database(request);
        if (db != null) {
            caps |= MySqlWire.CLIENT_CONNECT_WITH_DB;
        }
        byte[] attrs = request.connectAttributes();
        if (attrs != null && (serverCaps & MySqlWire.CLIENT_CONNECT_ATTRS) != 0) {
            caps |= MySqlWire.CLIENT_CONNECT_ATTRS;
        }
        int mariaDb = request.mariaDbCapabilities() & server.mariaDbCapabilities();
        HandshakeResponse ssl = new HandshakeResponse(caps, request.maxPacketSize(), request.charset(), mariaDb,
                null, null, null, null, null);
        MySqlWire.write(up.getOutputStream(), 1, ssl.sslRequest());
        TlsLink tls = tunnel.upstream().startTls(up);
        upstreamTls = tls;
        if (closed.get()) {
            tls.close(); // close() ran before upstreamTls was set
        }

        MySqlAuth auth = new MySqlAuth(password, user, true);
        MySqlAuth.Answer first = auth.first(server.authPlugin(), server.scramble());
        HandshakeResponse response = new HandshakeResponse(caps, request.maxPacketSize(), request.charset(), mariaDb,
                user.getBytes(StandardCharsets.UTF_8), first.response(), db, first.plugin(), attrs);
        OutputStream upOut = tls.out();
        InputStream upIn = tls.in();
        MySqlWire.write(upOut, 2, response.encode());
        for (int round = 0; round < MAX_AUTH_ROUNDS; round++) {
            Packet p;
            try {
                p = MySqlWire.read(upIn, MySqlWire.MAX_HANDSHAKE_PACKET);
            } catch (EOFException e) {
                throw new TunnelFailure(Reason.CONNECTION, "ferry: the database at " + config.upstream()
                        + " closed the connection during login");
            } catch (MalformedPacketException e) {
                throw new TunnelFailure(Reason.PROTOCOL, "ferry: the database sent a malformed packet during login ("
                        + e.getMessage() + ")");
            }
            byte[] answer;
            switch (p.payload().length == 0 ? 0 : p.payload()[0]) {
                case MySqlWire.OK -> {
                    if (!sendOrQuit(p.payload(), tls)) {
                        return null;
                    }
                    return tls;
                }
                case MySqlWire.ERR -> {
                    // Access denied, unknown database...: the database's own error, unchanged.
                    stats.error("ferry: the database refused the login of " + user + ": "
                            + MySqlWire.describeErr(p.payload()));
                    if (p.payload().length >= 3 && ((p.payload()[1] & 0xff) | (p.payload()[2] & 0xff) << 8)
                            == ER_ACCESS_DENIED) {
                        config.passwords().rejected(config.dbUser(), config.dbName());
                    }
                    send(2, p.payload());
                    return null;
                }
                case MySqlWire.AUTH_SWITCH -> answer = auth.switchTo(p.payload());
                case MySqlWire.AUTH_MORE_DATA -> answer = auth.moreData(p.payload());
                default -> throw new TunnelFailure(Reason.PROTOCOL, "ferry: the database sent an unexpected packet "
                        + "(0x" + Integer.toHexString(p.first()) + ") during login");
            }
            if (answer != null) {
                MySqlWire.write(upOut, p.seq() + 1, answer);
            }
        }
        throw new TunnelFailure(Reason.PROTOCOL, "ferry: the database's login exchange did not end after "
                + MAX_AUTH_ROUNDS + " rounds");
    }

    /**
     * The default database asked for upstream: the tunnel's db name, or when the user chose
     * none, the one the client named in its HandshakeResponse (none: no default database, as
     * {@code mysql} without one).
     */
    private byte[] database(HandshakeResponse request) {
        if (config.dbName() != null) {
            return config.dbName().getBytes(StandardCharsets.UTF_8);
        }
        byte[] own = request.database();
        boolean named = (request.capabilities() & MySqlWire.CLIENT_CONNECT_WITH_DB) != 0 && own != null && own.length > 0;
        return named ? own : null;
    }

    /** Passes the database's OK to the client; if the client is gone, says COM_QUIT upstream. */
    private boolean sendOrQuit(byte[] ok, TlsLink tls) {
        try {
            MySqlWire.write(client.getOutputStream(), 2, ok);
            return true;
        } catch (IOException e) {
            try {
                MySqlWire.write(tls.out(), 0, new byte[] {MySqlWire.COM_QUIT});
            } catch (IOException ignored) {
                // closing anyway
            }
            return false;
        }
    }

    /**
     * Sends the failure as an ERR packet in answer to the client's login, as a server refuses
     * a login: a client that has no greeting yet gets a stand-in greeting first (an ERR in
     * place of the greeting is shown by some clients as an error whose "authenticity cannot be
     * verified", and it can carry no SQL state).
     */
    private void fail(TunnelFailure f) {
        stats.connectionFailed(f);
        int code;
        String state;
        switch (f.reason()) {
            case UNREACHABLE, TLS -> {
                code = ER_HANDSHAKE_ERROR;
                state = "08001"; // unable to establish the connection
            }
            case CREDENTIALS -> {
                code = ER_ACCESS_DENIED;
                state = "28000";
            }
            case UNSUPPORTED_AUTH -> {
                code = 1251; // ER_NOT_SUPPORTED_AUTH_MODE
                state = "08004";
            }
            case TOO_MANY_CONNECTIONS -> {
                code = 1040; // ER_CON_COUNT_ERROR
                state = "08004";
            }
            default -> {
                code = ER_HANDSHAKE_ERROR;
                state = "08S01";
            }
        }
        try {
            if (!greeted) {
                send(0, standInGreeting().encode());
                greeted = true;
                if (readClientLogin() == null) {
                    return;
                }
            }
            send(2, MySqlWire.err(code, state, f.getMessage(), clientKnown));
        } catch (TunnelFailure | IOException ignored) {
            // the client is gone or does not speak MySQL: nothing more to tell it
        }
    }

    /** A greeting for a client the tunnel cannot connect: enough for it to send its login. */
    private static Greeting standInGreeting() {
        int caps = MySqlWire.CLIENT_LONG_PASSWORD | MySqlWire.CLIENT_PROTOCOL_41 | MySqlWire.CLIENT_TRANSACTIONS
                | MySqlWire.CONNECTION_PHASE;
        return new Greeting("5.7.0-ferry-tunnel".getBytes(StandardCharsets.US_ASCII), 0, scramble(), caps, 45, 2, 0,
                MySqlAuth.NATIVE);
    }

    private void send(int seq, byte[] payload) throws IOException {
        MySqlWire.write(client.getOutputStream(), seq, payload);
    }

    /** 20 printable bytes, without NUL or '$', as servers make them. */
    private static byte[] scramble() {
        byte[] s = new byte[MySqlWire.SCRAMBLE_LENGTH];
        for (int i = 0; i < s.length; i++) {
            byte b;
            do {
                b = (byte) (0x21 + RANDOM.nextInt(0x7f - 0x21));
            } while (b == '$');
            s[i] = b;
        }
        return s;
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
        tunnel.listener().ended(this);
    }
}
