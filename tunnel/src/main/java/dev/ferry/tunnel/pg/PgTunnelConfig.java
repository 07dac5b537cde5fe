package dev.ferry.tunnel.pg;

import dev.ferry.tunnel.ListenerLimits;
import dev.ferry.tunnel.db.DbTunnel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

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
 * @param warmSpare       keep one verified TLS connection ready while the tunnel is in use (the
 *                        default; see {@code Upstream}): a client's connect skips the handshake
 */
public record PgTunnelConfig(int port, String upstreamHost, int upstreamPort, TlsMode tlsMode,
                             List<Path> extraCaPemFiles, String dbUser, String dbName,
                             PasswordSupplier passwords, Duration connectTimeout, ListenerLimits limits,
                             boolean warmSpare) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(15);

    public PgTunnelConfig {
        connectTimeout = connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout;
        DbTunnel.checkConfig(port, upstreamHost, upstreamPort, dbUser, connectTimeout);
        if (dbName == null || dbName.isBlank()) {
            throw new IllegalArgumentException("The database name is missing");
        }
        tlsMode = tlsMode == null ? TlsMode.VERIFY_FULL : tlsMode;
        extraCaPemFiles = extraCaPemFiles == null ? List.of() : List.copyOf(extraCaPemFiles);
        passwords = passwords == null ? PasswordSupplier.none() : passwords;
        limits = limits == null ? ListenerLimits.DATABASE : limits;
    }

    /** With a warm spare upstream connection. */
    public PgTunnelConfig(int port, String upstreamHost, int upstreamPort, TlsMode tlsMode, List<Path> extraCaPemFiles,
                          String dbUser, String dbName, PasswordSupplier passwords, Duration connectTimeout,
                          ListenerLimits limits) {
        this(port, upstreamHost, upstreamPort, tlsMode, extraCaPemFiles, dbUser, dbName, passwords, connectTimeout,
                limits, true);
    }

    /** With the default limits ({@link ListenerLimits#DATABASE}). */
    public PgTunnelConfig(int port, String upstreamHost, int upstreamPort, TlsMode tlsMode, List<Path> extraCaPemFiles,
                          String dbUser, String dbName, PasswordSupplier passwords, Duration connectTimeout) {
        this(port, upstreamHost, upstreamPort, tlsMode, extraCaPemFiles, dbUser, dbName, passwords, connectTimeout, null);
    }

    public PgTunnelConfig withLimits(ListenerLimits l) {
        return new PgTunnelConfig(port, upstreamHost, upstreamPort, tlsMode, extraCaPemFiles, dbUser, dbName,
                passwords, connectTimeout, l, warmSpare);
    }

    /** The same with the warm spare on or off. */
    public PgTunnelConfig withWarmSpare(boolean on) {
        return new PgTunnelConfig(port, upstreamHost, upstreamPort, tlsMode, extraCaPemFiles, dbUser, dbName,
                passwords, connectTimeout, limits, on);
    }

    /** A config with VERIFY_FULL, no extra CAs and the default timeout. */
    public static PgTunnelConfig of(int port, String upstreamHost, int upstreamPort, String dbUser,
                                    String dbName, PasswordSupplier passwords) {
        return new PgTunnelConfig(port, upstreamHost, upstreamPort, TlsMode.VERIFY_FULL, List.of(),
                dbUser, dbName, passwords, DEFAULT_CONNECT_TIMEOUT);
    }

    public PgTunnelConfig withTls(TlsMode mode, List<Path> extraCas) {
        return new PgTunnelConfig(port, upstreamHost, upstreamPort, mode, extraCas, dbUser, dbName,
                passwords, connectTimeout, limits, warmSpare);
    }

    public String upstream() {
        return upstreamHost + ":" + upstreamPort;
    }
}
