package dev.ferry.tunnel.pg;

import dev.ferry.tunnel.db.TlsLink;
import dev.ferry.tunnel.db.TunnelFailure;
import dev.ferry.tunnel.db.TunnelFailure.Reason;
import dev.ferry.tunnel.db.UpstreamTls;
import java.io.IOException;
import java.net.Socket;

/**
 * Opens connections to the database: TCP connect, PostgreSQL SSLRequest, then verified TLS
 * ({@link UpstreamTls}, shared with the MySQL tunnel).
 */
final class Upstream {
    private final UpstreamTls tls;

    Upstream(PgTunnelConfig config) throws IOException {
        this.tls = new UpstreamTls(config.upstreamHost(), config.upstreamPort(), config.tlsMode(),
                config.extraCaPemFiles(), config.connectTimeout());
    }

    /** The TLS side (tests and benches: handshake counts). */
    UpstreamTls tls() {
        return tls;
    }

    /**
     * Connects, asks for TLS and completes a verified handshake. The returned socket has
     * the connect timeout as read timeout; callers reset it once the session is set up.
     */
    Connection open() throws TunnelFailure {
        Socket plain = tls.connect();
        try {
            plain.getOutputStream().write(PgWire.sslRequest());
            int answer = plain.getInputStream().read();
            if (answer == 'N') {
                throw tls.noTls();
            }
            if (answer != 'S') {
                throw new TunnelFailure(Reason.CONNECTION, "ferry: the server at " + tls.where()
                        + " did not answer the TLS request like a PostgreSQL server");
            }
        } catch (TunnelFailure e) {
            UpstreamTls.closeQuietly(plain);
            throw e;
        } catch (IOException e) {
            UpstreamTls.closeQuietly(plain);
            throw new TunnelFailure(Reason.CONNECTION,
                    "ferry: connection to " + tls.where() + " failed while setting up TLS: " + e.getMessage());
        }
        return new Connection(plain, tls.startTls(plain));
    }

    /**
     * An open upstream connection: talk through {@code tls}; close {@code plain} to tear it
     * down at once.
     */
    record Connection(Socket plain, TlsLink tls) {
    }
}
