package dev.ferry.app.access;

import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.aws.AwsSetup;
import dev.ferry.app.aws.ConsoleFederation;
import dev.ferry.app.standalone.StandaloneAwsProvider;
import dev.ferry.app.workspace.Workspace;
import dev.ferry.tunnel.ca.LocalCa;

import java.util.function.Supplier;

/** Makes the {@link AccessProvider} for a workspace, by its kind. */
public final class AccessProviders {
    private final FerryEnvironment env;
    private final ConsoleFederation federation;
    private final Supplier<LocalCa> ca;

    public AccessProviders(FerryEnvironment env, ConsoleFederation federation, Supplier<LocalCa> ca) {
        this.env = env;
        this.federation = federation;
        this.ca = ca;
    }

    public AccessProvider open(Workspace workspace) {
        return switch (workspace.kind()) {
            case STANDALONE_AWS -> new StandaloneAwsProvider(workspace, new AwsSetup(env, workspace.aws()), federation, ca);
            case TELEPORT -> throw new UnsupportedOperationException("Teleport workspaces are not available yet");
        };
    }
}
