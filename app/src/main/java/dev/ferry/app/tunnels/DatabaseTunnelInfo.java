package dev.ferry.app.tunnels;

import dev.ferry.app.integrations.DatabaseEndpoint;
import dev.ferry.app.model.DatabaseFlavour;

import java.util.List;

/**
 * A database tunnel: who it logs in as, the kind of server (which decides JDBC URLs and the
 * DBeaver driver), where it goes, how it authenticates and how the upstream TLS is checked.
 */
public record DatabaseTunnelInfo(String dbUser, String dbName, DatabaseFlavour flavour, String upstream,
                                 String authentication, String tls) implements TunnelInfo {

    @Override
    public List<Row> rows() {
        return List.of(new Row("dbUser", "Database user", dbUser, false),
                new Row("dbName", "Database name", dbName.isEmpty() ? "none: each client picks its own" : dbName, false),
                new Row("dbUpstream", "Upstream", upstream + " (TLS " + tls + ")", false),
                new Row("dbAuth", "Authentication", authentication, false));
    }

    /** Where clients reach the tunnel when it listens on 127.0.0.1:port. */
    public DatabaseEndpoint endpoint(int port) {
        return DatabaseEndpoint.loopback(port, dbUser, dbName, flavour);
    }
}
