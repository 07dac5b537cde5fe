package dev.ferry.tunnel.mysql;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * MySQL client/server protocol pieces the tunnel reads and writes during the connection
 * phase (after it, the tunnel relays bytes): packet framing, integers and strings, capability
 * flags, Protocol::HandshakeV10, HandshakeResponse41, SSLRequest, OK/ERR. Field layouts follow
 * the MySQL source documentation (page_protocol_connection_phase_packets) and MariaDB's
 * "Connection" page for its extended capabilities.
 */
final class MySqlWire {
    private MySqlWire() {
    }

    // Capability flags (Capabilities Flags in the protocol documentation).
    static final int CLIENT_LONG_PASSWORD = 1; // MariaDB: CLIENT_MYSQL
    static final int CLIENT_FOUND_ROWS = 1 << 1;
    static final int CLIENT_LONG_FLAG = 1 << 2;
    static final int CLIENT_CONNECT_WITH_DB = 1 << 3;
    static final int CLIENT_NO_SCHEMA = 1 << 4;
    static final int CLIENT_COMPRESS = 1 << 5;
    static final int CLIENT_ODBC = 1 << 6;
    static final int CLIENT_LOCAL_FILES = 1 << 7;
    static final int CLIENT_IGNORE_SPACE = 1 << 8;
    static final int CLIENT_PROTOCOL_41 = 1 << 9;
    static final int CLIENT_INTERACTIVE = 1 << 10;
    static final int CLIENT_SSL = 1 << 11;
    static final int CLIENT_IGNORE_SIGPIPE = 1 << 12;
    static final int CLIENT_TRANSACTIONS = 1 << 13;
    static final int CLIENT_RESERVED = 1 << 14;
    static final int CLIENT_SECURE_CONNECTION = 1 << 15;
    static final int CLIENT_MULTI_STATEMENTS = 1 << 16;
    static final int CLIENT_MULTI_RESULTS = 1 << 17;
    static final int CLIENT_PS_MULTI_RESULTS = 1 << 18;
    static final int CLIENT_PLUGIN_AUTH = 1 << 19;
    static final int CLIENT_CONNECT_ATTRS = 1 << 20;
    static final int CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA = 1 << 21;
    static final int CLIENT_CAN_HANDLE_EXPIRED_PASSWORDS = 1 << 22;
    static final int CLIENT_SESSION_TRACK = 1 << 23;
    static final int CLIENT_DEPRECATE_EOF = 1 << 24;
    static final int CLIENT_OPTIONAL_RESULTSET_METADATA = 1 << 25;
    static final int CLIENT_QUERY_ATTRIBUTES = 1 << 27;

    /**
     * Flags that change what travels after the login. The tunnel relays those bytes
     * unchanged, so the client and the database must agree on them: the client is offered
     * only those the database has, and what the client picks is asked for upstream.
     * Left out: CLIENT_SSL (the tunnel's own business on each side), zstd compression and
     * multi-factor authentication (they change the connection phase itself).
     */
    static final int RELAYED = CLIENT_LONG_PASSWORD | CLIENT_FOUND_ROWS | CLIENT_LONG_FLAG | CLIENT_NO_SCHEMA
            | CLIENT_COMPRESS | CLIENT_ODBC | CLIENT_LOCAL_FILES | CLIENT_IGNORE_SPACE | CLIENT_PROTOCOL_41
            | CLIENT_INTERACTIVE | CLIENT_IGNORE_SIGPIPE | CLIENT_TRANSACTIONS | CLIENT_RESERVED
            | CLIENT_MULTI_STATEMENTS | CLIENT_MULTI_RESULTS | CLIENT_PS_MULTI_RESULTS
            | CLIENT_CAN_HANDLE_EXPIRED_PASSWORDS | CLIENT_SESSION_TRACK | CLIENT_DEPRECATE_EOF
            | CLIENT_OPTIONAL_RESULTSET_METADATA | CLIENT_QUERY_ATTRIBUTES;

    /** Flags of the connection phase only, which the tunnel handles itself on the client side. */
    static final int CONNECTION_PHASE = CLIENT_CONNECT_WITH_DB | CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH
            | CLIENT_CONNECT_ATTRS | CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA;

    /** Largest connection-phase packet accepted (a HandshakeResponse with connect attributes is < 2 kB). */
    static final int MAX_HANDSHAKE_PACKET = 64 * 1024;
    static final int SCRAMBLE_LENGTH = 20;
    static final byte OK = 0x00;
    static final byte AUTH_MORE_DATA = 0x01;
    static final byte AUTH_SWITCH = (byte) 0xFE;
    static final byte ERR = (byte) 0xFF;
    static final byte COM_QUIT = 0x01;

    /** One packet: sequence id and payload. */
    record Packet(int seq, byte[] payload) {
        int first() {
            return payload.length == 0 ? -1 : payload[0] & 0xff;
        }
    }

    /** Reads one packet; EOFException when the stream ends before its first byte. */
    static Packet read(InputStream in, int maxLength) throws IOException {
        int b0 = in.read();
        if (b0 < 0) {
            throw new EOFException("end of stream");
        }
        byte[] header = in.readNBytes(3);
        if (header.length < 3) {
            throw new MalformedPacketException("the connection ended inside a packet header");
        }
        int length = b0 | (header[0] & 0xff) << 8 | (header[1] & 0xff) << 16;
        if (length > maxLength) {
            throw new MalformedPacketException("packet of " + length + " bytes during the handshake (at most "
                    + maxLength + ")");
        }
        byte[] payload = in.readNBytes(length);
        if (payload.length < length) {
            throw new MalformedPacketException("the connection ended inside a packet");
        }
        return new Packet(header[2] & 0xff, payload);
    }

    static byte[] packet(int seq, byte[] payload) {
        byte[] out = new byte[4 + payload.length];
        out[0] = (byte) payload.length;
        out[1] = (byte) (payload.length >>> 8);
        out[2] = (byte) (payload.length >>> 16);
        out[3] = (byte) seq;
        System.arraycopy(payload, 0, out, 4, payload.length);
        return out;
    }

    static void write(OutputStream out, int seq, byte[] payload) throws IOException {
        out.write(packet(seq, payload));
        out.flush();
    }

    /**
     * An ERR packet. Before the client's HandshakeResponse the capabilities are not agreed
     * yet and servers send no SQL state ({@code withSqlState} false), as for "Too many
     * connections".
     */
    static byte[] err(int code, String sqlState, String message, boolean withSqlState) {
        Writer w = new Writer().int1(0xff).int2(code);
        if (withSqlState) {
            w.int1('#').bytes(sqlState.getBytes(StandardCharsets.US_ASCII));
        }
        return w.bytes(message.getBytes(StandardCharsets.UTF_8)).toBytes();
    }

    /** Error code and SQL state of an ERR payload sent after the handshake (for logs and tests). */
    static String describeErr(byte[] payload) {
        if (payload.length < 3) {
            return "an empty error packet";
        }
        int code = (payload[1] & 0xff) | (payload[2] & 0xff) << 8;
        int text = 3;
        String state = "";
        if (payload.length >= 9 && payload[3] == '#') {
            state = " (" + new String(payload, 4, 5, StandardCharsets.US_ASCII) + ")";
            text = 9;
        }
        return code + state + ": " + new String(payload, text, payload.length - text, StandardCharsets.UTF_8);
    }

    /** A MariaDB server (it leaves CLIENT_MYSQL out and has extended capabilities). */
    static boolean isMariaDb(int capabilities) {
        return (capabilities & CLIENT_LONG_PASSWORD) == 0;
    }

    /** Protocol::HandshakeV10 as the database sent it. */
    record Greeting(byte[] serverVersion, int connectionId, byte[] scramble, int capabilities, int charset,
                    int status, int mariaDbCapabilities, String authPlugin) {

        static Greeting parse(byte[] p) throws MalformedPacketException {
            Reader r = new Reader(p, 0);
            int protocol = r.int1();
            if (protocol != 10) {
                throw new MalformedPacketException("protocol version " + protocol + " (the tunnel speaks 10)");
            }
            byte[] version = r.nulString();
            int id = r.int4();
            byte[] part1 = r.take(8);
            r.skip(1);
            int caps = r.int2();
            if (r.remaining() == 0) {
                throw new MalformedPacketException("greeting without character set and capabilities");
            }
            int charset = r.int1();
            int status = r.int2();
            caps |= r.int2() << 16;
            int dataLength = r.int1();
            r.skip(6);
            int mariaDb = r.int4();
            if (!isMariaDb(caps)) {
                mariaDb = 0;
            }
            byte[] scramble = part1;
            if ((caps & CLIENT_SECURE_CONNECTION) != 0) {
                int n = Math.max(13, dataLength - 8);
                byte[] part2 = r.take(Math.min(n, r.remaining()));
                int keep = part2.length > 0 && part2[part2.length - 1] == 0 ? part2.length - 1 : part2.length;
                scramble = concat(part1, Arrays.copyOf(part2, keep));
            }
            String plugin = "mysql_native_password";
            if ((caps & CLIENT_PLUGIN_AUTH) != 0 && r.remaining() > 0) {
                plugin = new String(r.nulStringOrRest(), StandardCharsets.US_ASCII);
            }
            return new Greeting(version, id, scramble, caps, charset, status, mariaDb, plugin);
        }

        byte[] encode() {
            Writer w = new Writer().int1(10).nulString(serverVersion).int4(connectionId)
                    .bytes(Arrays.copyOf(scramble, 8)).int1(0)
                    .int2(capabilities & 0xffff).int1(charset).int2(status).int2(capabilities >>> 16)
                    .int1(scramble.length + 1).zeros(6).int4(mariaDbCapabilities)
                    .bytes(Arrays.copyOfRange(scramble, 8, scramble.length)).int1(0);
            return w.nulString(authPlugin.getBytes(StandardCharsets.US_ASCII)).toBytes();
        }
    }

    /** Protocol::HandshakeResponse41 (or, when only 32 bytes with CLIENT_SSL, an SSLRequest). */
    record HandshakeResponse(int capabilities, int maxPacketSize, int charset, int mariaDbCapabilities,
                             byte[] user, byte[] authResponse, byte[] database, String authPlugin,
                             byte[] connectAttributes) {

        static boolean isSslRequest(byte[] p) {
            return p.length == 32 && (p[1] & (CLIENT_SSL >>> 8)) != 0;
        }

        static HandshakeResponse parse(byte[] p) throws MalformedPacketException {
            Reader r = new Reader(p, 0);
            int caps = r.int4();
            if ((caps & CLIENT_PROTOCOL_41) == 0) {
                throw new MalformedPacketException("a pre-4.1 HandshakeResponse");
            }
            int maxPacket = r.int4();
            int charset = r.int1();
            r.skip(19);
            int mariaDb = r.int4();
            if (!isMariaDb(caps)) {
                mariaDb = 0;
            }
            byte[] user = r.nulString();
            byte[] auth;
            if ((caps & CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA) != 0) {
                auth = r.take(r.lenencInt());
            } else if ((caps & CLIENT_SECURE_CONNECTION) != 0) {
                auth = r.take(r.int1());
            } else {
                auth = r.nulString();
            }
            byte[] db = null;
            if ((caps & CLIENT_CONNECT_WITH_DB) != 0 && r.remaining() > 0) {
                db = r.nulString();
            }
            String plugin = null;
            if ((caps & CLIENT_PLUGIN_AUTH) != 0 && r.remaining() > 0) {
                plugin = new String(r.nulStringOrRest(), StandardCharsets.US_ASCII);
            }
            byte[] attrs = null;
            if ((caps & CLIENT_CONNECT_ATTRS) != 0 && r.remaining() > 0) {
                attrs = r.take(r.lenencInt());
            }
            return new HandshakeResponse(caps, maxPacket, charset, mariaDb, user, auth, db, plugin, attrs);
        }

        /** The first 32 bytes, which are also the SSLRequest. */
        private Writer head() {
            return new Writer().int4(capabilities).int4(maxPacketSize).int1(charset).zeros(19)
                    .int4(isMariaDb(capabilities) ? mariaDbCapabilities : 0);
        }

        byte[] sslRequest() {
            return head().toBytes();
        }

        byte[] encode() {
            Writer w = head().nulString(user);
            if ((capabilities & CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA) != 0) {
                w.lenencInt(authResponse.length).bytes(authResponse);
            } else {
                w.int1(authResponse.length).bytes(authResponse);
            }
            if ((capabilities & CLIENT_CONNECT_WITH_DB) != 0) {
                w.nulString(database);
            }
            w.nulString(authPlugin.getBytes(StandardCharsets.US_ASCII));
            if ((capabilities & CLIENT_CONNECT_ATTRS) != 0) {
                w.lenencInt(connectAttributes.length).bytes(connectAttributes);
            }
            return w.toBytes();
        }
    }

    /** A packet that breaks the protocol; its message says how (no secret in it). */
    static final class MalformedPacketException extends IOException {
        MalformedPacketException(String message) {
            super(message);
        }
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Little-endian reader over a payload; running past its end is a MalformedPacketException. */
    static final class Reader {
        private final byte[] p;
        private int pos;

        Reader(byte[] p, int pos) {
            this.p = p;
            this.pos = pos;
        }

        int remaining() {
            return p.length - pos;
        }

        private void need(int n) throws MalformedPacketException {
            if (n < 0 || remaining() < n) {
                throw new MalformedPacketException("a field runs past the end of the packet");
            }
        }

        int int1() throws MalformedPacketException {
            need(1);
            return p[pos++] & 0xff;
        }

        int int2() throws MalformedPacketException {
            need(2);
            return (p[pos++] & 0xff) | (p[pos++] & 0xff) << 8;
        }

        int int4() throws MalformedPacketException {
            need(4);
            return (p[pos++] & 0xff) | (p[pos++] & 0xff) << 8 | (p[pos++] & 0xff) << 16 | (p[pos++] & 0xff) << 24;
        }

        int lenencInt() throws MalformedPacketException {
            int first = int1();
            long v;
            if (first < 0xfb) {
                v = first;
            } else if (first == 0xfc) {
                v = int2();
            } else if (first == 0xfd) {
                v = int2() | (long) int1() << 16;
            } else if (first == 0xfe) {
                v = (int4() & 0xffffffffL) | (long) int4() << 32;
            } else {
                throw new MalformedPacketException("invalid length-encoded integer");
            }
            if (v > MAX_HANDSHAKE_PACKET) {
                throw new MalformedPacketException("a field of " + v + " bytes");
            }
            return (int) v;
        }

        void skip(int n) throws MalformedPacketException {
            need(n);
            pos += n;
        }

        byte[] take(int n) throws MalformedPacketException {
            need(n);
            byte[] out = Arrays.copyOfRange(p, pos, pos + n);
            pos += n;
            return out;
        }

        byte[] nulString() throws MalformedPacketException {
            for (int i = pos; i < p.length; i++) {
                if (p[i] == 0) {
                    byte[] out = Arrays.copyOfRange(p, pos, i);
                    pos = i + 1;
                    return out;
                }
            }
            throw new MalformedPacketException("a string without its terminating NUL");
        }

        /** A NUL-terminated string, or the rest of the packet when the NUL is missing (some clients). */
        byte[] nulStringOrRest() {
            for (int i = pos; i < p.length; i++) {
                if (p[i] == 0) {
                    byte[] out = Arrays.copyOfRange(p, pos, i);
                    pos = i + 1;
                    return out;
                }
            }
            return rest();
        }

        byte[] rest() {
            byte[] out = Arrays.copyOfRange(p, pos, p.length);
            pos = p.length;
            return out;
        }
    }

    /** Little-endian writer. */
    static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Writer int1(int v) {
            out.write(v);
            return this;
        }

        Writer int2(int v) {
            out.write(v);
            out.write(v >>> 8);
            return this;
        }

        Writer int4(int v) {
            int2(v);
            return int2(v >>> 16);
        }

        Writer lenencInt(long v) {
            if (v < 0xfb) {
                return int1((int) v);
            }
            if (v < 1 << 16) {
                return int1(0xfc).int2((int) v);
            }
            if (v < 1 << 24) {
                return int1(0xfd).int2((int) v).int1((int) (v >>> 16));
            }
            return int1(0xfe).int4((int) v).int4((int) (v >>> 32));
        }

        Writer zeros(int n) {
            out.writeBytes(new byte[n]);
            return this;
        }

        Writer bytes(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        Writer nulString(byte[] b) {
            return bytes(b).int1(0);
        }

        byte[] toBytes() {
            return out.toByteArray();
        }
    }
}
