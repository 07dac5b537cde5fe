package dev.ferry.tunnel.pg;

import dev.ferry.tunnel.db.FrontTunnel;
import dev.ferry.tunnel.db.TunnelFailure;
import dev.ferry.tunnel.db.StartWatch;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;

/**
 * Watches the start of a PostgreSQL connection relayed by a {@link FrontTunnel}: the client's
 * SSLRequest/GSSENCRequest (and the single-byte answer), its StartupMessage, then the backend
 * messages up to ReadyForQuery. AuthenticationOk then ReadyForQuery means the database signed the
 * client in; an ErrorResponse before that is a failure ({@code tsh proxy db --tunnel} reports an unreachable database so, with
 * no SQLSTATE or one of class 08) or the database's own refusal (any other SQLSTATE); the proxy
 * closing the connection after the StartupMessage and before an answer is a failure too.
 * A connection that switches to TLS or GSSAPI, or a CancelRequest, gives no result.
 */
public final class PgStartWatch extends StartWatch {
    private static final int REFUSE_TIMEOUT_MILLIS = 10_000;

    private boolean startupSent;
    private int pendingAnswers;
    private boolean authenticated;

    /** @param what the proxy, for messages ("tsh proxy db for orders") */
    public PgStartWatch(FrontTunnel.Outcome outcome, String what) {
        super(outcome, what);
    }

    @Override
    protected boolean clientWatched() {
        return !startupSent; // after the StartupMessage only the server's answer matters
    }

    @Override
    protected void readClient() {
        while (!done && !startupSent && client.available() >= 8) {
            int length = client.int32(0);
            if (length < 8 || length > PgWire.MAX_STARTUP_LENGTH) {
                done = true; // not PostgreSQL: the proxy will say so to the client
                return;
            }
            if (client.available() < length) {
                return;
            }
            int code = client.int32(4);
            client.skip(length);
            if (code == PgWire.SSL_REQUEST || code == PgWire.GSSENC_REQUEST) {
                pendingAnswers++;
            } else if (code >>> 16 == 3) {
                startupSent = true;
            } else {
                done = true; // CancelRequest or an unknown protocol: nothing to learn
            }
        }
    }

    @Override
    protected void readServer() {
        while (!done && pendingAnswers > 0 && server.available() > 0) {
            int answer = server.u8(0);
            if (answer == 'N') {
                server.skip(1);
                pendingAnswers--;
            } else if (answer == 'E') {
                pendingAnswers = 0; // an error instead of the answer: read as a message below
            } else {
                done = true; // 'S' or 'G': encrypted from here on
                return;
            }
        }
        while (!done && pendingAnswers == 0 && server.available() >= 5) {
            int type = server.u8(0);
            int length = server.int32(1);
            if (length < 4 || length > PgWire.MAX_STARTUP_MESSAGE) {
                done = true;
                return;
            }
            if (server.available() < 1 + length) {
                return;
            }
            PgWire.Message m = new PgWire.Message((byte) type, server.copy(5, length - 4));
            server.skip(1 + length);
            switch (type) {
                case 'R' -> {
                    // AuthenticationOk, or the database asks the client for a password: it answers through the relay
                    authenticated |= m.body().length >= 4 && m.intAt(0) == UpstreamAuth.OK;
                }
                case 'Z' -> {
                    done = true;
                    if (authenticated) {
                        outcome.reached();
                    }
                }
                case 'E' -> {
                    done = true;
                    error(m);
                }
                case 'N', 'v', 'S', 'K' -> {
                    // NoticeResponse, NegotiateProtocolVersion, ParameterStatus, BackendKeyData: ready is still to come
                }
                default -> done = true;
            }
        }
    }

    private void error(PgWire.Message m) {
        String code = m.field('C');
        String message = m.field('M') == null ? "" : m.field('M');
        if (code == null || code.isEmpty() || code.startsWith("08")) {
            unreachable(message);
        } else {
            outcome.refusedByDatabase("ferry: the database refused the connection: " + code + " " + message);
        }
    }

    @Override
    public synchronized void serverClosed() {
        if (!done && startupSent) {
            closedEarly();
        }
    }

    /** Reads the client's startup (answering encryption requests with 'N'), reports {@code f} and sends it as a FATAL error. */
    @Override
    public void refuse(Socket socket, TunnelFailure f) throws IOException {
        socket.setSoTimeout(REFUSE_TIMEOUT_MILLIS);
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        for (int i = 0; i < 4; i++) {
            byte[] body;
            try {
                int length = PgWire.readInt(in);
                if (length < 8 || length > PgWire.MAX_STARTUP_LENGTH) {
                    return;
                }
                body = PgWire.readFully(in, length - 4);
            } catch (EOFException | java.net.SocketTimeoutException e) {
                return; // a port probe, or a client that gave up
            }
            int code = ByteBuffer.wrap(body).getInt();
            if (code == PgWire.SSL_REQUEST || code == PgWire.GSSENC_REQUEST) {
                out.write('N');
                continue;
            }
            if (code >>> 16 != 3) {
                return;
            }
            outcome.failed(f);
            out.write(PgWire.fatal(PgWire.sqlState(f.reason()), f.getMessage()));
            out.flush();
            return;
        }
    }
}
