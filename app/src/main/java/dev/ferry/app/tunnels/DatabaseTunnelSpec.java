package dev.ferry.app.tunnels;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** A database tunnel: clients connect without a password; Ferry logs in upstream as {@code dbUser} to {@code dbName}. */
@JsonPropertyOrder({"type", "workspaceFile", "resource", "port", "dbUser", "dbName"})
public record DatabaseTunnelSpec(String workspaceFile, String resource, int port, String dbUser, String dbName)
        implements TunnelSpec {
    static final String TYPE = "database";

    public DatabaseTunnelSpec {
        dbUser = dbUser == null ? "" : dbUser;
        dbName = dbName == null ? "" : dbName;
    }

    @JsonProperty("type")
    String type() {
        return TYPE;
    }

    @Override
    public TunnelKind kind() {
        return TunnelKind.DATABASE;
    }

    @Override
    public DatabaseTunnelSpec withPort(int newPort) {
        return new DatabaseTunnelSpec(workspaceFile, resource, newPort, dbUser, dbName);
    }

    @Override
    public String title() {
        return resource + " (" + dbUser + (dbName.isEmpty() ? "" : "@" + dbName) + ")";
    }

    @Override
    public String id() {
        return TunnelSpec.id(kind(), workspaceFile, resource, kind().name(), dbUser, dbName, "", "");
    }

    /** Per database, whoever logs in. */
    @Override
    public String portKey() {
        return workspaceFile + "#" + kind() + "#" + resource;
    }
}
