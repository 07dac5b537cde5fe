package dev.ferry.app.integrations;

import dev.ferry.app.model.DatabaseFlavour;

import java.util.Objects;

/**
 * Where a client reaches a database tunnel: the loopback address and port, the database user
 * and database name the tunnel logs in with, the kind of server behind it, and an optional
 * application name shown in the server's session list.
 */
public record DatabaseEndpoint(String host, int port, String user, String database, DatabaseFlavour flavour, String appName) {

    public DatabaseEndpoint {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(flavour, "flavour");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        appName = appName == null || appName.isBlank() ? null : appName;
    }

    /** The usual case: a tunnel on 127.0.0.1 and no application name. */
    public static DatabaseEndpoint loopback(int port, String user, String database, DatabaseFlavour flavour) {
        return new DatabaseEndpoint("127.0.0.1", port, user, database, flavour, null);
    }
}
