package dev.ferry.app.access;

import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.aws.AwsSetup;
import dev.ferry.app.aws.ConsoleFederation;
import dev.ferry.app.settings.FerryPaths;
import dev.ferry.app.standalone.StandaloneAwsProvider;
import dev.ferry.app.teleport.TeleportHome;
import dev.ferry.app.teleport.TeleportProvider;
import dev.ferry.app.teleport.TshClient;
import dev.ferry.app.teleport.TshLocator;
import dev.ferry.app.workspace.Workspace;
import dev.ferry.tunnel.ca.LocalCa;

import java.time.Clock;
import java.util.function.Supplier;

/** Makes the {@link AccessProvider} for a workspace, by its kind. */
public final class AccessProviders {
    private final FerryEnvironment env;
    private final ConsoleFederation federation;
    private final Supplier<LocalCa> ca;
    private final TshLocator tshLocator;

    public AccessProviders(FerryEnvironment env, ConsoleFederation federation, Supplier<LocalCa> ca) {
        this(env, federation, ca, new TshLocator(env));
    }

    public AccessProviders(FerryEnvironment env, ConsoleFederation federation, Supplier<LocalCa> ca,
                           TshLocator tshLocator) {
        this.env = env;
        this.federation = federation;
        this.ca = ca;
        this.tshLocator = tshLocator;
    }

    public AccessProvider open(Workspace workspace) {
        return switch (workspace.kind()) {
            case STANDALONE_AWS -> new StandaloneAwsProvider(workspace, new AwsSetup(env, workspace.aws()), federation, ca);
            case TELEPORT -> new TeleportProvider(workspace, () -> new TshClient(
                    tshLocator.locate(workspace.teleport().tsh()), env.env(),
                    TeleportHome.of(workspace, env, FerryPaths.of(env)), workspace.teleport().proxy(),
                    workspace.teleport().user(), workspace.teleport().auth()), Clock.systemUTC());
        };
    }
}
