package dev.ferry.tunnel.db;

/**
 * Why a client connection of a database tunnel could not be set up. Each protocol sends it
 * to its client in its own error format (PostgreSQL: a FATAL ErrorResponse with a SQLSTATE
 * per {@link Reason}; MySQL: an ERR packet with an error code and SQLSTATE per reason). The
 * message starts with "ferry:" and holds no secret.
 */
public final class TunnelFailure extends Exception {

    /** What went wrong, for the protocol's error code. */
    public enum Reason {
        /** The database could not be reached (DNS, TCP connect, timeout, no TLS offered). */
        UNREACHABLE,
        /** The TLS handshake failed or the server certificate could not be verified. */
        TLS,
        /** The connection broke or the database answered in a way the tunnel cannot use. */
        CONNECTION,
        /** The client or the database broke the wire protocol. */
        PROTOCOL,
        /** The password supplier could not give credentials. */
        CREDENTIALS,
        /** The database asked for an authentication method the tunnel does not support. */
        UNSUPPORTED_AUTH,
        /** The tunnel already serves as many clients as its limits allow. */
        TOO_MANY_CONNECTIONS;

        /** Whether the failure is about the database side (what the tunnel's upstream result shows). */
        public boolean isUpstream() {
            return this != PROTOCOL && this != TOO_MANY_CONNECTIONS;
        }
    }

    private final Reason reason;
    private final String cause;

    public TunnelFailure(Reason reason, String message) {
        this(reason, message, null);
    }

    /** @param cause the cause in a few plain words ("connection refused"); null: the message without "ferry: " */
    public TunnelFailure(Reason reason, String message, String cause) {
        super(message, null, false, false);
        this.reason = reason;
        this.cause = cause != null ? cause : message == null ? "" : message.replaceFirst("^ferry: ", "");
    }

    /**
     * The innermost cause of a chained error text, for a status line: "failed to connect to `host=db`:
     * dial error (dial tcp 10.0.0.5:5432: connect: connection refused)" gives "connection refused";
     * a text that is not such a chain (or whose last part is long) is kept whole.
     */
    public static String innermostCause(String message) {
        int i = message.lastIndexOf(": ");
        if (i < 0) {
            return message;
        }
        String last = message.substring(i + 2).replaceAll("[)\\]]+$", "").strip();
        return last.isEmpty() || last.length() > 60 ? message : last;
    }

    public Reason reason() {
        return reason;
    }

    /** The cause in a few plain words, for a status line ("connection refused"). */
    public String cause() {
        return cause;
    }
}
