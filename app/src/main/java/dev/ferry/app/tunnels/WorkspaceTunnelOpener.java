package dev.ferry.app.tunnels;

import dev.ferry.app.FerryException;
import dev.ferry.app.access.AccessProvider;
import dev.ferry.app.access.WorkspaceSessions;
import dev.ferry.app.model.AppResource;
import dev.ferry.app.model.AwsRole;
import dev.ferry.app.model.DatabaseResource;
import dev.ferry.tunnel.aws.ProxyMode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Opens a tunnel spec through its workspace's provider, the one the workspace's views and
 * commands use too ({@link WorkspaceSessions}): finds the resource and asks the provider.
 */
public final class WorkspaceTunnelOpener implements TunnelOpener {
    private final WorkspaceSessions sessions;

    public WorkspaceTunnelOpener(WorkspaceSessions sessions) {
        this.sessions = sessions;
    }

    @Override
    public Opened open(TunnelSpec spec) throws IOException {
        AccessProvider provider = sessions.provider(Path.of(spec.workspaceFile()));
        String ws = provider.workspace().name();
        return switch (spec.kind()) {
            case DATABASE -> {
                DatabaseResource db = provider.database(spec.resource()).orElseThrow(() -> gone(ws, "database", spec));
                yield provider.openDatabaseTunnel(db, spec.dbUser(), spec.dbName(), spec.port());
            }
            case AWS_PROXY -> {
                AppResource app = provider.app(spec.resource()).orElseThrow(() -> gone(ws, "app", spec));
                AwsRole role = AwsRole.tryParse(spec.roleArn()).orElseThrow(() ->
                        new FerryException("'" + spec.roleArn() + "' is not an IAM role ARN."));
                yield provider.openAwsProxy(app, role, proxyMode(spec.proxyMode()), spec.port());
            }
        };
    }

    /** "endpoint_url" / "endpoint-url" → ENDPOINT_URL; anything else → HTTPS_PROXY. */
    public static ProxyMode proxyMode(String s) {
        String m = s == null ? "" : s.toLowerCase(Locale.ROOT).replace('-', '_');
        return m.equals("endpoint_url") ? ProxyMode.ENDPOINT_URL : ProxyMode.HTTPS_PROXY;
    }

    private static FerryException gone(String ws, String what, TunnelSpec spec) {
        return new FerryException("The " + what + " '" + spec.resource() + "' is no longer in workspace '"
                + ws + "'.", "Check " + spec.workspaceFile() + ", or stop this tunnel.");
    }
}
