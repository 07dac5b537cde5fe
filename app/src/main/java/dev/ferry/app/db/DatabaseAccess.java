package dev.ferry.app.db;

import dev.ferry.app.FerryException;
import dev.ferry.app.model.DatabaseResource;
import dev.ferry.app.tunnels.DatabaseTunnelInfo;
import dev.ferry.app.model.DatabaseFlavour;
import dev.ferry.tunnel.db.DbTunnel;
import dev.ferry.tunnel.mysql.MySqlTunnel;
import dev.ferry.tunnel.mysql.MySqlTunnelConfig;
import dev.ferry.tunnel.pg.CredentialException;
import dev.ferry.tunnel.pg.PgTunnel;
import dev.ferry.tunnel.pg.PasswordSupplier;
import dev.ferry.tunnel.pg.PgTunnelConfig;
import dev.ferry.tunnel.pg.TlsMode;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Turns a workspace database and a credential source into a database tunnel: the PostgreSQL
 * tunnel for PostgreSQL and Redshift, the MySQL tunnel for {@code protocol: mysql} (MySQL, Aurora
 * MySQL, MariaDB). Both take the same TLS settings and the same per-connection credentials.
 */
public final class DatabaseAccess {
    private DatabaseAccess() {
    }

    /**
     * The workspace roles must allow the user and the name ({@code '*'}: any). A MySQL database
     * may go without a name where the roles allow any name: each client then connects to the
     * database it names itself, or to none, as MySQL clients may.
     */
    public static void checkAllowed(DatabaseResource db, String dbUser, String dbName) {
        if (dbUser == null || dbUser.isBlank()) {
            throw new FerryException("Connecting to " + db.name() + " needs a database user.");
        }
        if (dbName == null || dbName.isBlank()) {
            if (!nameOptional(db)) {
                throw new FerryException("Connecting to " + db.name() + " needs a database user and a database name.",
                        db.flavour() == DatabaseFlavour.MYSQL
                                ? "The workspace allows only some database names here: pick one of "
                                        + String.join(", ", db.allowedNames()) + "." : "");
            }
            return;
        }
        if (!db.anyUserAllowed() && !db.allowedUsers().contains(dbUser)) {
            throw new FerryException("The workspace does not allow database user '" + dbUser + "' on " + db.name() + ".",
                    db.allowedUsers().isEmpty() ? "Add db_users to a role whose db_labels match this database."
                            : "Allowed users: " + String.join(", ", db.allowedUsers()) + ".");
        }
        if (!db.anyNameAllowed() && !db.allowedNames().contains(dbName)) {
            throw new FerryException("The workspace does not allow database name '" + dbName + "' on " + db.name() + ".",
                    db.allowedNames().isEmpty() ? "Add db_names to a role whose db_labels match this database."
                            : "Allowed names: " + String.join(", ", db.allowedNames()) + ".");
        }
    }

    /**
     * True when a tunnel to the database may leave the database name to its clients: MySQL
     * (clients name their database in the login, or none) with roles that allow any name.
     */
    public static boolean nameOptional(DatabaseResource db) {
        return db.flavour() == DatabaseFlavour.MYSQL && db.anyNameAllowed();
    }

    /** Starts the tunnel that speaks the database's protocol on 127.0.0.1:{@code port}. */
    public static DbTunnel start(DatabaseResource db, String dbUser, String dbName, int port,
                                 DbCredentialSource source) throws IOException {
        if (db.flavour() == DatabaseFlavour.MYSQL) {
            return MySqlTunnel.start(mysqlConfig(db, dbUser, dbName, port, source));
        }
        return PgTunnel.start(config(db, dbUser, dbName, port, source));
    }

    public static MySqlTunnelConfig mysqlConfig(DatabaseResource db, String dbUser, String dbName, int port,
                                                DbCredentialSource source) {
        return new MySqlTunnelConfig(port, db.host(), db.port(), tlsMode(db.tls().mode()), extraCas(db), dbUser,
                dbName, supplier(source), MySqlTunnelConfig.DEFAULT_CONNECT_TIMEOUT);
    }

    private static List<Path> extraCas(DatabaseResource db) {
        return db.tls().caCertFile().isEmpty() ? List.of() : List.of(Path.of(db.tls().caCertFile()));
    }

    public static PgTunnelConfig config(DatabaseResource db, String dbUser, String dbName, int port,
                                        DbCredentialSource source) {
        return new PgTunnelConfig(port, db.host(), db.port(), tlsMode(db.tls().mode()), extraCas(db), dbUser, dbName,
                supplier(source), PgTunnelConfig.DEFAULT_CONNECT_TIMEOUT);
    }

    /** What the tunnel tab shows: the database's flavour, its host:port, the credential source and the TLS mode. */
    public static DatabaseTunnelInfo info(DatabaseResource db, String dbUser, String dbName, DbCredentialSource source) {
        return new DatabaseTunnelInfo(dbUser, dbName, db.flavour(), db.host() + ":" + db.port(), source.describe(),
                db.tls().mode());
    }

    static TlsMode tlsMode(String mode) {
        return switch (mode) {
            case "verify-ca" -> TlsMode.VERIFY_CA;
            case "insecure" -> TlsMode.INSECURE;
            default -> TlsMode.VERIFY_FULL;
        };
    }

    /** Adapts a credential source to the tunnel: one login per connection, before its startup packet. */
    static PasswordSupplier supplier(DbCredentialSource source) {
        return new PasswordSupplier() {
            @Override
            public String password(String dbUser, String dbName) throws CredentialException {
                return login(dbUser, dbName).password();
            }

            @Override
            public Session session(String dbUser, String dbName) throws CredentialException {
                DbLogin l = login(dbUser, dbName);
                return Session.of(l.user(), l.password());
            }

            @Override
            public void rejected(String dbUser, String dbName) {
                source.rejected(dbUser, dbName);
            }

            private DbLogin login(String dbUser, String dbName) throws CredentialException {
                try {
                    return source.login(dbUser, dbName);
                } catch (FerryException e) {
                    throw new CredentialException(e.getMessage());
                }
            }
        };
    }

    /** How long a tunnel waits for the database before giving up. */
    public static Duration connectTimeout() {
        return PgTunnelConfig.DEFAULT_CONNECT_TIMEOUT;
    }
}
