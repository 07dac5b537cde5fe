package dev.ferry.tunnel.pg;

/**
 * Why a client connection could not be set up; sent to the client as a FATAL
 * ErrorResponse with this SQLSTATE. The message starts with "ferry:" and holds no secret.
 */
final class TunnelFailure extends Exception {
    static final String UNREACHABLE = "08001";
    static final String CONNECTION_FAILURE = "08006";
    static final String PROTOCOL_VIOLATION = "08P01";
    static final String NO_CREDENTIALS = "28000";
    static final String TOO_MANY_CONNECTIONS = "53300";

    private final String sqlState;

    TunnelFailure(String sqlState, String message) {
        super(message, null, false, false);
        this.sqlState = sqlState;
    }

    String sqlState() {
        return sqlState;
    }
}
