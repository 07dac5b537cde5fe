package dev.ferry.tunnel.mysql;

import dev.ferry.tunnel.pg.PasswordSupplier;
import dev.ferry.tunnel.pg.TlsMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What one MySQL tunnel serves. The same fields as the PostgreSQL tunnel's config; the
 * password supplier and TLS mode are the same types.
 *
 * @param port            loopback port to listen on (0 = any free port)
 * @param upstreamHost    database host name (used for TLS host name checks and SNI)
 * @param upstreamPort    database port
 * @param tlsMode         how the server certificate is checked
 * @param extraCaPemFiles more trusted CA certificates (PEM), on top of the JVM roots and
 *                        the bundled Amazon RDS CAs
 * @param dbUser          database user the tunnel logs in as (the client's user is ignored)
 * @param dbName          default database of every connection (the client's is ignored);
 *                        null or blank: none, as {@code mysql} without a database
 * @param passwords       gives the password per upstream connection: an RDS IAM token
 *                        (sent with mysql_clear_password over TLS) or a password
 * @param connectTimeout  limit for TCP connect, TLS handshake and authentication
 */
public record MySqlTunnelConfig(int port, String upstreamHost, int upstreamPort, TlsMode tlsMode,
                                List<Path> extraCaPemFiles, String dbUser, String dbName,
                                PasswordSupplier passwords, Duration connectTimeout) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(15);

    public MySqlTunnelConfig {
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
        dbName = dbName == null || dbName.isBlank() ? null : dbName;
        tlsMode = tlsMode == null ? TlsMode.VERIFY_FULL : tlsMode;
        extraCaPemFiles = extraCaPemFiles == null ? List.of() : List.copyOf(extraCaPemFiles);
        passwords = passwords == null ? PasswordSupplier.none() : passwords;
        connectTimeout = connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout;
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("The connect timeout must be positive");
        }
    }

    /** A config with VERIFY_FULL, no extra CAs and the default timeout. */
    public static MySqlTunnelConfig of(int port, String upstreamHost, int upstreamPort, String dbUser,
                                       String dbName, PasswordSupplier passwords) {
        return new MySqlTunnelConfig(port, upstreamHost, upstreamPort, TlsMode.VERIFY_FULL, List.of(),
                dbUser, dbName, passwords, DEFAULT_CONNECT_TIMEOUT);
    }

    public MySqlTunnelConfig withTls(TlsMode mode, List<Path> extraCas) {
        return new MySqlTunnelConfig(port, upstreamHost, upstreamPort, mode, extraCas, dbUser, dbName,
                passwords, connectTimeout);
    }

    public String upstream() {
        return upstreamHost + ":" + upstreamPort;
    }
}
