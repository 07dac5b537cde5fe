package dev.ferry.app.tunnels;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.ferry.tunnel.aws.ProxyMode;

import java.util.Locale;

/** A local AWS API proxy for an IAM role of an app, as an HTTPS proxy or an endpoint URL. */
@JsonPropertyOrder({"type", "workspaceFile", "resource", "port", "roleArn", "mode"})
public record AwsProxyTunnelSpec(String workspaceFile, String resource, int port, String roleArn, ProxyMode mode)
        implements TunnelSpec {
    static final String TYPE = "aws_proxy";

    public AwsProxyTunnelSpec {
        roleArn = roleArn == null ? "" : roleArn;
        mode = mode == null ? ProxyMode.HTTPS_PROXY : mode;
    }

    @JsonProperty("type")
    String type() {
        return TYPE;
    }

    /** {@code endpoint_url}, {@code endpoint-url} or {@code ENDPOINT_URL}: ENDPOINT_URL; anything else HTTPS_PROXY. */
    public static ProxyMode parseMode(String s) {
        String m = s == null ? "" : s.toLowerCase(Locale.ROOT).replace('-', '_');
        return m.equals("endpoint_url") ? ProxyMode.ENDPOINT_URL : ProxyMode.HTTPS_PROXY;
    }

    @Override
    public TunnelKind kind() {
        return TunnelKind.AWS_PROXY;
    }

    @Override
    public AwsProxyTunnelSpec withPort(int newPort) {
        return new AwsProxyTunnelSpec(workspaceFile, resource, newPort, roleArn, mode);
    }

    /** The same proxy in another mode (a new tunnel: its id differs). */
    public AwsProxyTunnelSpec withMode(ProxyMode newMode) {
        return new AwsProxyTunnelSpec(workspaceFile, resource, port, roleArn, newMode);
    }

    /** The role's name: the last part of its ARN. */
    public String roleName() {
        return roleArn.substring(roleArn.lastIndexOf('/') + 1);
    }

    @Override
    public String title() {
        return resource + " (" + roleName() + ")";
    }

    @Override
    public String id() {
        return TunnelSpec.id(kind(), workspaceFile, resource, kind().name(), "", "", roleArn,
                mode == ProxyMode.ENDPOINT_URL ? "endpoint_url" : "https_proxy");
    }

    /** Per app and mode: the HTTPS proxy and the endpoint URL of an app each keep their port. */
    @Override
    public String portKey() {
        return workspaceFile + "#" + kind() + "#" + resource + "#" + mode;
    }

    /** The key of the older format, which kept one port per app whatever the mode. */
    String legacyPortKey() {
        return workspaceFile + "#" + kind() + "#" + resource;
    }
}
