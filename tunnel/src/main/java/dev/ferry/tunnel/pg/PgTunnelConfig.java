package dev.ferry.tunnel.pg;

import dev.ferry.tunnel.ListenerLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What one PostgreSQL tunnel serves.
 *
 * @param port            loopback port to listen on (0 = any free port)
 * @param upstreamHost    database host name (used for TLS host name checks and SNI)
 * @param upstreamPort    database port
 * @param tlsMode         how the server certificate is checked
 * @param extraCaPemFiles more trusted CA certificates (PEM), on top of the JVM roots and
 *                        the bundled Amazon RDS/Redshift CAs
 * @param dbUser          database user sent upstream (the client's user is replaced)
 * @param dbName          database name sent upstream (the client's database is replaced)
 * @param passwords       gives the password per upstream connection
 * @param connectTimeout  limit for TCP connect, TLS handshake and authentication upstream
 * @param limits          connections at once and the time a client has to send its startup packet
 */
public record PgTunnelConfig(int port, String upstreamHost, int upstreamPort, TlsMode tlsMode,
                             List<Path> extraCaPemFiles, String dbUser, String dbName,
                             PasswordSupplier passwords, Duration connectTimeout, ListenerLimits limits) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(15);

    public PgTunnelConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("Local port must be between 0 and 65535, got " + port);
        }
        if (upstreamHost == null || upstreamHost.isBlank()) {
            throw new IllegalArgumentException("The database host is missing");
        }
        if (upstreamPort < 1 || upstreamPort > 65535) {
            throw new IllegalArgumentException("Database port must be between 1 and 65535, got " + upstreamPort);
        }
        if (dbUser == null || dbUser.isBlank()) {
            throw new IllegalArgumentException("The database user is missing");
        }
        if (dbName == null || dbName.isBlank()) {
            throw new IllegalArgumentException("The database name is missing");
        }
        tlsMode = tlsMode == null ? TlsMode.VERIFY_FULL : tlsMode;
        extraCaPemFiles = extraCaPemFiles == null ? List.of() : List.copyOf(extraCaPemFiles);
        passwords = passwords == null ? PasswordSupplier.none() : passwords;
        connectTimeout = connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout;
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("The connect timeout must be positive");
        }
        Objects.requireNonNull(passwords);
        limits = limits == null ? ListenerLimits.DATABASE : limits;
    }

    /** With the default limits ({@link ListenerLimits#DATABASE}). */
    public PgTunnelConfig(int port, String upstreamHost, int upstreamPort, TlsMode tlsMode, List<Path> extraCaPemFiles,
                          String dbUser, String dbName, PasswordSupplier passwords, Duration connectTimeout) {
        this(port, upstreamHost, upstreamPort, tlsMode, extraCaPemFiles, dbUser, dbName, passwords, connectTimeout, null);
    }

    public PgTunnelConfig withLimits(ListenerLimits l) {
        return new PgTunnelConfig(port, upstreamHost, upstreamPort, tlsMode, extraCaPemFiles, dbUser, dbName,
                passwords, connectTimeout, l);
    }

    /** A config with VERIFY_FULL, no extra CAs and the default timeout. */
    public static PgTunnelConfig of(int port, String upstreamHost, int upstreamPort, String dbUser,
                                    String dbName, PasswordSupplier passwords) {
        return new PgTunnelConfig(port, upstreamHost, upstreamPort, TlsMode.VERIFY_FULL, List.of(),
                dbUser, dbName, passwords, DEFAULT_CONNECT_TIMEOUT);
    }

    public PgTunnelConfig withTls(TlsMode mode, List<Path> extraCas) {
        return new PgTunnelConfig(port, upstreamHost, upstreamPort, mode, extraCas, dbUser, dbName,
                passwords, connectTimeout, limits);
    }

    public String upstream() {
        return upstreamHost + ":" + upstreamPort;
    }
}
