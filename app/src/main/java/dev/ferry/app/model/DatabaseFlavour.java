package dev.ferry.app.model;

/**
 * What kind of server a database is, as clients must know it: which JDBC driver and URL, which
 * DBeaver driver, which default port. Decided once from the resource
 * ({@link DatabaseResource#flavour()}) and carried by the tunnel, so the desktop and the CLI give
 * the same answer however Ferry authenticates upstream. MySQL, Aurora MySQL, RDS MySQL and
 * MariaDB are one flavour: the tunnel speaks the same MySQL protocol to all of them.
 */
public enum DatabaseFlavour {
    POSTGRES("postgres", 5432),
    REDSHIFT("postgres", 5439),
    MYSQL("mysql", 3306);

    private final String protocol;
    private final int defaultPort;

    DatabaseFlavour(String protocol, int defaultPort) {
        this.protocol = protocol;
        this.defaultPort = defaultPort;
    }

    /** The wire protocol the tunnel speaks to clients (Teleport's {@code protocol} field). */
    public String protocol() {
        return protocol;
    }

    public int defaultPort() {
        return defaultPort;
    }
}
