package dev.ferry.app.tunnels;

import dev.ferry.app.FerryException;
import dev.ferry.app.access.AccessProvider;
import dev.ferry.app.access.WorkspaceSessions;
import dev.ferry.app.model.AppResource;
import dev.ferry.app.model.AwsRole;
import dev.ferry.app.model.DatabaseResource;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Opens a tunnel spec through its workspace's provider, the one the workspace's views and
 * commands use too ({@link WorkspaceSessions}): finds the resource and asks the provider.
 */
public final class WorkspaceTunnelOpener implements TunnelOpener {
    private final WorkspaceSessions sessions;
    private final ProxyKeys proxyKeys;

    /** @param proxyKeys the AWS proxies' local keys, kept across restarts and mode switches */
    public WorkspaceTunnelOpener(WorkspaceSessions sessions, ProxyKeys proxyKeys) {
        this.sessions = sessions;
        this.proxyKeys = proxyKeys;
    }

    @Override
    public Opened open(TunnelSpec spec) throws IOException {
        AccessProvider provider = sessions.provider(Path.of(spec.workspaceFile()));
        String ws = provider.workspace().name();
        if (spec instanceof DatabaseTunnelSpec d) {
            DatabaseResource db = provider.database(d.resource()).orElseThrow(() -> gone(ws, "database", spec));
            return provider.openDatabaseTunnel(db, d.dbUser(), d.dbName(), d.port());
        }
        AwsProxyTunnelSpec a = (AwsProxyTunnelSpec) spec;
        AppResource app = provider.app(a.resource()).orElseThrow(() -> gone(ws, "app", spec));
        AwsRole role = AwsRole.tryParse(a.roleArn()).orElseThrow(() ->
                new FerryException("'" + a.roleArn() + "' is not an IAM role ARN."));
        return provider.openAwsProxy(app, role, a.mode(), a.port(), proxyKeys.keysFor(a));
    }

    private static FerryException gone(String ws, String what, TunnelSpec spec) {
        return new ResourceGoneException("The " + what + " '" + spec.resource() + "' is no longer in workspace '"
                + ws + "'.", "Check " + spec.workspaceFile() + ", or stop this tunnel.");
    }
}
