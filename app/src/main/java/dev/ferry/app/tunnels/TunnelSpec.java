package dev.ferry.app.tunnels;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.ferry.tunnel.aws.ProxyMode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * What to open, as persisted in the state file so tunnels come back after a restart: the
 * workspace file, the resource, the local port (0 = remembered or free) and what the kind
 * needs. Sealed, one record per kind ({@link DatabaseTunnelSpec}, {@link AwsProxyTunnelSpec}),
 * written with a {@code type} tag; files of the older one-record format (a {@code kind} field)
 * still load.
 */
@JsonDeserialize(using = TunnelSpec.Reader.class)
public sealed interface TunnelSpec permits DatabaseTunnelSpec, AwsProxyTunnelSpec {

    String workspaceFile();

    String resource();

    int port();

    TunnelKind kind();

    TunnelSpec withPort(int newPort);

    /** A short title: {@code orders (alice@orders)} or {@code aws-prod (ReadOnly)}. */
    String title();

    /**
     * A stable id: the same workspace, resource and parameters give the same id (the port is
     * not part of it), so a restored tunnel keeps its id and tab.
     */
    String id();

    /** The key under which the port of this resource (and, for proxies, mode) is remembered. */
    String portKey();

    static DatabaseTunnelSpec database(String workspaceFile, String db, String dbUser, String dbName, int port) {
        return new DatabaseTunnelSpec(workspaceFile, db, port, dbUser, dbName);
    }

    static AwsProxyTunnelSpec awsProxy(String workspaceFile, String app, String roleArn, ProxyMode mode, int port) {
        return new AwsProxyTunnelSpec(workspaceFile, app, port, roleArn, mode);
    }

    /** The id of the older one-record format, kept so restored tunnels keep theirs. */
    static String id(TunnelKind kind, String... parts) {
        String key = String.join("\u0000", parts);
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return kind.name().toLowerCase(Locale.ROOT).replace('_', '-') + "-" + HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads both the tagged format and the older untagged one ({@code kind: DATABASE|AWS_PROXY}). */
    final class Reader extends JsonDeserializer<TunnelSpec> {
        @Override
        public TunnelSpec deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            JsonNode n = p.readValueAsTree();
            String type = n.path("type").asText(n.path("kind").asText("")).toLowerCase(Locale.ROOT);
            String ws = n.path("workspaceFile").asText("");
            String resource = n.path("resource").asText("");
            int port = n.path("port").asInt(0);
            switch (type) {
                case DatabaseTunnelSpec.TYPE:
                    return new DatabaseTunnelSpec(ws, resource, port, n.path("dbUser").asText(""), n.path("dbName").asText(""));
                case AwsProxyTunnelSpec.TYPE:
                    String mode = n.hasNonNull("mode") ? n.get("mode").asText() : n.path("proxyMode").asText("");
                    return new AwsProxyTunnelSpec(ws, resource, port, n.path("roleArn").asText(""), AwsProxyTunnelSpec.parseMode(mode));
                default:
                    return (TunnelSpec) ctx.handleUnexpectedToken(TunnelSpec.class, p.currentToken(), p,
                            "unknown tunnel type '" + type + "'");
            }
        }
    }
}
