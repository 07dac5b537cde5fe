package dev.ferry.tunnel.pg;

import dev.ferry.tunnel.db.TunnelFailure;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The few PostgreSQL wire-protocol messages the tunnel reads and writes itself during
 * startup (https://www.postgresql.org/docs/current/protocol-message-formats.html).
 * Hand-written: no Java library exposes the server side of the startup handshake.
 */
final class PgWire {
    static final int SSL_REQUEST = 80877103;
    static final int GSSENC_REQUEST = 80877104;
    static final int CANCEL_REQUEST = 80877102;
    /** PostgreSQL's own MAX_STARTUP_PACKET_LENGTH. */
    static final int MAX_STARTUP_LENGTH = 10000;
    /** Upper bound for one server message before authentication completes. */
    static final int MAX_STARTUP_MESSAGE = 1 << 20;

    private PgWire() {
    }

    /** A typed backend message: type byte and body (without the length word). */
    record Message(byte type, byte[] body) {
        int intAt(int offset) {
            return ByteBuffer.wrap(body).getInt(offset);
        }

        byte[] encode() {
            return message(type, body);
        }

        /** A field ('M', 'C'...) of an ErrorResponse/NoticeResponse, or null. */
        String field(char code) {
            int i = 0;
            while (i < body.length && body[i] != 0) {
                int end = indexOfZero(body, i + 1);
                if (body[i] == code) {
                    return new String(body, i + 1, end - i - 1, StandardCharsets.UTF_8);
                }
                i = end + 1;
            }
            return null;
        }
    }

    /** A key/value pair of a startup packet, kept as raw bytes (any client encoding). */
    record Param(String key, byte[] value) {
    }

    static byte[] sslRequest() {
        return ByteBuffer.allocate(8).putInt(8).putInt(SSL_REQUEST).array();
    }

    static byte[] cancelRequest(int pid, byte[] secret) {
        return ByteBuffer.allocate(12 + secret.length).putInt(12 + secret.length).putInt(CANCEL_REQUEST)
                .putInt(pid).put(secret).array();
    }

    static int readInt(InputStream in) throws IOException {
        byte[] b = readFully(in, 4);
        return ByteBuffer.wrap(b).getInt();
    }

    static byte[] readFully(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new EOFException("connection closed");
        }
        return b;
    }

    /** Reads one backend message, refusing lengths outside 4..max. */
    static Message read(InputStream in, int max) throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new EOFException("connection closed");
        }
        int len = readInt(in);
        if (len < 4 || len > max) {
            throw new IOException("invalid message length " + len + " for message type '" + (char) type + "'");
        }
        return new Message((byte) type, readFully(in, len - 4));
    }

    static byte[] message(byte type, byte[] body) {
        return ByteBuffer.allocate(5 + body.length).put(type).putInt(4 + body.length).put(body).array();
    }

    /** Parses the parameters of a v3 startup packet body (after the protocol word). */
    static List<Param> startupParams(byte[] body, int from) throws IOException {
        List<Param> params = new ArrayList<>();
        int i = from;
        while (i < body.length && body[i] != 0) {
            int keyEnd = indexOfZero(body, i);
            int valueEnd = keyEnd < body.length ? indexOfZero(body, keyEnd + 1) : body.length;
            if (valueEnd >= body.length) {
                throw new IOException("startup packet parameters are not terminated");
            }
            String key = new String(body, i, keyEnd - i, StandardCharsets.UTF_8);
            byte[] value = java.util.Arrays.copyOfRange(body, keyEnd + 1, valueEnd);
            params.add(new Param(key, value));
            i = valueEnd + 1;
        }
        if (i >= body.length) {
            throw new IOException("startup packet is not terminated");
        }
        return params;
    }

    static byte[] startupPacket(int protocol, List<Param> params) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(8).putInt(0).putInt(protocol).array());
        for (Param p : params) {
            out.writeBytes(p.key().getBytes(StandardCharsets.UTF_8));
            out.write(0);
            out.writeBytes(p.value());
            out.write(0);
        }
        out.write(0);
        byte[] b = out.toByteArray();
        ByteBuffer.wrap(b).putInt(0, b.length);
        return b;
    }

    /** A FATAL ErrorResponse ('E') with SQLSTATE and message. */
    /** The SQLSTATE a client is sent for a tunnel failure. */
    static String sqlState(TunnelFailure.Reason reason) {
        return switch (reason) {
            case UNREACHABLE -> "08001";
            case TLS, CONNECTION, UNSUPPORTED_AUTH -> "08006";
            case PROTOCOL -> "08P01";
            case CREDENTIALS -> "28000";
            case TOO_MANY_CONNECTIONS -> "53300";
        };
    }

    static byte[] fatal(String sqlState, String text) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        field(body, 'S', "FATAL");
        field(body, 'V', "FATAL");
        field(body, 'C', sqlState);
        field(body, 'M', text);
        body.write(0);
        return message((byte) 'E', body.toByteArray());
    }

    /** Body of a PasswordMessage/SASLResponse ('p'): a C string. */
    static byte[] cString(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(b.length + 1).put(b).put((byte) 0).array();
    }

    /** The list of C strings after the auth code in AuthenticationSASL. */
    static List<String> cStrings(byte[] body, int from) {
        List<String> out = new ArrayList<>();
        int i = from;
        while (i < body.length && body[i] != 0) {
            int end = indexOfZero(body, i);
            out.add(new String(body, i, end - i, StandardCharsets.UTF_8));
            i = end + 1;
        }
        return out;
    }

    private static void field(ByteArrayOutputStream out, char code, String value) {
        out.write(code);
        out.writeBytes(value.getBytes(StandardCharsets.UTF_8));
        out.write(0);
    }

    private static int indexOfZero(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == 0) {
                return i;
            }
        }
        return b.length;
    }
}
