package dev.ferry.app.tunnels;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What to open, as persisted in the state file so tunnels come back after a restart:
 * workspace file, resource, kind, local port (0 = remembered or free), and either db user
 * and db name, or IAM role ARN and proxy mode.
 */
public record TunnelSpec(String workspaceFile, String resource, TunnelKind kind, int port,
                         String dbUser, String dbName, String roleArn, String proxyMode) {

    public TunnelSpec {
        dbUser = dbUser == null ? "" : dbUser;
        dbName = dbName == null ? "" : dbName;
        roleArn = roleArn == null ? "" : roleArn;
        proxyMode = proxyMode == null ? "" : proxyMode;
    }

    public static TunnelSpec database(String workspaceFile, String db, String dbUser, String dbName, int port) {
        return new TunnelSpec(workspaceFile, db, TunnelKind.DATABASE, port, dbUser, dbName, "", "");
    }

    public static TunnelSpec awsProxy(String workspaceFile, String app, String roleArn, String mode, int port) {
        return new TunnelSpec(workspaceFile, app, TunnelKind.AWS_PROXY, port, "", "", roleArn, mode);
    }

    /**
     * A stable id: the same workspace, resource and parameters give the same id (the port is
     * not part of it), so a restored tunnel keeps its id, tab and DBeaver connection.
     */
    @JsonIgnore
    public String id() {
        String key = String.join("\u0000", workspaceFile, resource, kind.name(), dbUser, dbName, roleArn, proxyMode);
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return kind.name().toLowerCase().replace('_', '-') + "-" + HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key under which the port of this resource is remembered. */
    @JsonIgnore
    public String portKey() {
        return workspaceFile + "#" + kind + "#" + resource;
    }

    public TunnelSpec withPort(int newPort) {
        return new TunnelSpec(workspaceFile, resource, kind, newPort, dbUser, dbName, roleArn, proxyMode);
    }

    /** A short title: {@code orders (alice@orders)} or {@code aws-prod (ReadOnly)}. */
    @JsonIgnore
    public String title() {
        if (kind == TunnelKind.DATABASE) {
            return resource + " (" + dbUser + "@" + dbName + ")";
        }
        int slash = roleArn.lastIndexOf('/');
        return resource + " (" + (slash >= 0 ? roleArn.substring(slash + 1) : roleArn) + ")";
    }
}
