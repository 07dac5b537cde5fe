package dev.ferry.tunnel.mysql;

import dev.ferry.tunnel.db.DbTunnel;
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
 *                        null or blank: the client's own choice (its HandshakeResponse's
 *                        database, or none, as {@code mysql} without a database)
 * @param passwords       gives the password per upstream connection: an RDS IAM token
 *                        (sent with mysql_clear_password over TLS) or a password
 * @param connectTimeout  limit for TCP connect, TLS handshake and authentication
 */
public record MySqlTunnelConfig(int port, String upstreamHost, int upstreamPort, TlsMode tlsMode,
                                List<Path> extraCaPemFiles, String dbUser, String dbName,
                                PasswordSupplier passwords, Duration connectTimeout) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(15);

    public MySqlTunnelConfig {
        connectTimeout = connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout;
        DbTunnel.checkConfig(port, upstreamHost, upstreamPort, dbUser, connectTimeout);
        dbName = dbName == null || dbName.isBlank() ? null : dbName;
        tlsMode = tlsMode == null ? TlsMode.VERIFY_FULL : tlsMode;
        extraCaPemFiles = extraCaPemFiles == null ? List.of() : List.copyOf(extraCaPemFiles);
        passwords = passwords == null ? PasswordSupplier.none() : passwords;
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

    /** The same config with another db name (null or blank: the client's own choice). */
    public MySqlTunnelConfig withDbName(String name) {
        return new MySqlTunnelConfig(port, upstreamHost, upstreamPort, tlsMode, extraCaPemFiles, dbUser, name,
                passwords, connectTimeout);
    }

    public String upstream() {
        return upstreamHost + ":" + upstreamPort;
    }
}
