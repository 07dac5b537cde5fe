package dev.ferry.tunnel.mysql;

import dev.ferry.tunnel.db.FrontTunnel;
import dev.ferry.tunnel.db.TunnelFailure;
import dev.ferry.tunnel.db.StartWatch;
import dev.ferry.tunnel.db.WatchBuffer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Watches the start of a MySQL connection relayed by a {@link FrontTunnel}: the server's
 * greeting (protocol 10), the client's HandshakeResponse, then the server's answer: OK means
 * the database signed the client in; ERR is a failure when it says the database could not be
 * reached (Teleport sends its errors as ER_UNKNOWN_ERROR 1105; the client library's connection
 * codes too) or the database's own refusal otherwise; auth switch and more-data packets are
 * passed over. An ERR instead of the greeting, or the proxy closing the connection before the
 * answer, is a failure. A client that switches to TLS gives no result.
 */
public final class MySqlStartWatch extends StartWatch {
    private static final Set<Integer> UNREACHABLE_CODES = Set.of(1105, 2002, 2003, 2005, 2006, 2013);

    private boolean greeted;
    private boolean responded;

    /** @param what the proxy, for messages ("tsh proxy db for shop") */
    public MySqlStartWatch(FrontTunnel.Outcome outcome, String what) {
        super(outcome, what);
    }

    @Override
    protected boolean clientWatched() {
        return !responded;
    }

    @Override
    protected void readClient() {
        byte[] p = packet(client);
        if (p != null) {
            responded = true;
            if (MySqlWire.HandshakeResponse.isSslRequest(p)) {
                done = true; // TLS from here on
            }
        }
    }

    @Override
    protected void readServer() {
        byte[] p;
        while (!done && (p = packet(server)) != null) {
            int first = p.length == 0 ? -1 : p[0] & 0xff;
            if (first == (MySqlWire.ERR & 0xff)) {
                done = true;
                error(p);
            } else if (!greeted) {
                greeted = first == 10;
                done = !greeted;
            } else if (first == MySqlWire.OK) {
                done = true;
                outcome.reached();
            } else if (first != MySqlWire.AUTH_MORE_DATA && first != (MySqlWire.AUTH_SWITCH & 0xff)) {
                done = true;
            }
        }
    }

    /** The payload of the next whole packet (consumed), or null while incomplete; done when it is too long. */
    private byte[] packet(WatchBuffer buf) {
        if (buf.available() < 4) {
            return null;
        }
        int length = buf.int24le(0);
        if (length > MySqlWire.MAX_HANDSHAKE_PACKET) {
            done = true;
            return null;
        }
        if (buf.available() < 4 + length) {
            return null;
        }
        byte[] p = buf.copy(4, length);
        buf.skip(4 + length);
        return p;
    }

    private void error(byte[] p) {
        int code = p.length < 3 ? 0 : (p[1] & 0xff) | (p[2] & 0xff) << 8;
        int text = greeted && p.length >= 9 && p[3] == '#' ? 9 : 3;
        String message = p.length > text ? new String(p, text, p.length - text, StandardCharsets.UTF_8) : "";
        if (!greeted || UNREACHABLE_CODES.contains(code)) {
            unreachable(message);
        } else {
            outcome.refusedByDatabase("ferry: the database refused the connection: " + MySqlWire.describeErr(p));
        }
    }

    @Override
    public synchronized void serverClosed() {
        if (!done) {
            closedEarly();
        }
    }

    /** Reports {@code f} and sends it as an ERR packet in place of the greeting (as a server that refuses a host does). */
    @Override
    public void refuse(Socket socket, TunnelFailure f) throws IOException {
        outcome.failed(f); // the server speaks first: a client cannot be told apart from a port probe
        OutputStream out = socket.getOutputStream();
        out.write(MySqlWire.packet(0, MySqlWire.err(2003, "HY000", f.getMessage(), false)));
        out.flush();
    }
}
