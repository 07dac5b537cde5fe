package dev.ferry.app.cli;

import dev.ferry.app.model.AppResource;
import dev.ferry.app.model.AwsRole;
import dev.ferry.app.integrations.AwsOutputFormat;
import dev.ferry.app.tunnels.Tunnel;
import dev.ferry.tunnel.aws.ProxyMode;
import dev.ferry.app.tunnels.TunnelSpec;
import dev.ferry.app.workspace.Workspace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;


@Command(name = "proxy", description = "Run a local tunnel in the foreground until Ctrl-C.",
        subcommands = {ProxyCommand.Aws.class, ProxyDbCommand.class})
final class ProxyCommand {
    @ParentCommand
    FerryCli root;

    /** Opens a tunnel, prints what clients need, waits for Ctrl-C / SIGTERM, stops it. */
    static void runInForeground(FerryCli root, TunnelSpec spec, java.util.function.Consumer<Tunnel> describe) {
        Tunnel t = root.core.tunnels().openNow(spec);
        try {
            describe.accept(t);
            root.spec.commandLine().getOut().flush();
            root.awaitStop();
        } finally {
            root.core.tunnels().stop(t.id());
            root.spec.commandLine().getErr().println("Stopped " + t.spec().title() + ".");
        }
    }

    @Command(name = "aws", description = "Local AWS API proxy for an IAM role: the AWS CLI, SDKs and "
            + "JDBC/ODBC tools reach AWS as the role.")
    static final class Aws implements Runnable {
        @ParentCommand
        ProxyCommand proxy;

        @Option(names = "--app", required = true, paramLabel = "APP", description = "The AWS app (see `ferry apps ls`).")
        String appName;

        @Option(names = "--aws-role", paramLabel = "ROLE", description = "IAM role: name, path/name or ARN.")
        String role;

        @Option(names = "--port", defaultValue = "0", description = "Local port (default: the last one used, or a free one).")
        int port;

        @Option(names = "--endpoint-url", description = "Serve an HTTPS endpoint (AWS_ENDPOINT_URL) instead of an HTTPS_PROXY.")
        boolean endpointUrl;

        @Option(names = "--format", paramLabel = "FORMAT", converter = AwsFormatConverter.class,
                completionCandidates = AwsFormatConverter.class,
                description = "${COMPLETION-CANDIDATES} (default: unix; powershell on Windows).")
        AwsOutputFormat format;

        @Override
        public void run() {
            FerryCli root = proxy.root;
            var p = root.provider();
            Workspace ws = p.workspace();
            AppResource app = p.requireApp(appName);
            AwsRole chosen = p.chooseRole(app, role);
            TunnelSpec spec = TunnelSpec.awsProxy(ws.source().toAbsolutePath().toString(), app.name(), chosen.arn(),
                    endpointUrl ? ProxyMode.ENDPOINT_URL : ProxyMode.HTTPS_PROXY, port);
            AwsOutputFormat fmt = format != null ? format : AwsOutputFormat.defaultFor(root.core.env());
            runInForeground(root, spec, t -> {
                // The settings first, then the ready line: scripts may wait for the latter.
                root.spec.commandLine().getOut().println(fmt.render(root.core.clientSetup().access(t, ws.name())));
                root.spec.commandLine().getOut().flush();
                root.spec.commandLine().getErr().println("Started AWS API proxy for " + chosen.arn() + " on "
                        + t.addressText() + ". Use the settings above; press Ctrl-C to stop.");
            });
        }
    }
}
