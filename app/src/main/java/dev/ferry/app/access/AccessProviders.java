package dev.ferry.app.access;

import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.aws.AwsSetup;
import dev.ferry.app.concurrent.Background;
import dev.ferry.app.sso.SsoServices;
import dev.ferry.app.aws.ConsoleFederation;
import dev.ferry.app.discovery.DatabaseScanner;
import dev.ferry.app.discovery.DiscoveryCache;
import dev.ferry.app.discovery.DiscoveryService;
import dev.ferry.app.discovery.ScanOptions;
import dev.ferry.app.discovery.ServingRules;
import dev.ferry.app.discovery.StsScanAccounts;
import dev.ferry.app.settings.FerryPaths;
import dev.ferry.app.standalone.StandaloneAwsProvider;
import dev.ferry.app.teleport.TeleportHome;
import dev.ferry.app.teleport.TeleportProvider;
import dev.ferry.app.teleport.TshClient;
import dev.ferry.app.teleport.TshLocator;
import dev.ferry.app.workspace.StandaloneWorkspace;
import dev.ferry.app.workspace.TeleportWorkspace;
import dev.ferry.app.workspace.Workspace;
import dev.ferry.tunnel.ca.LocalCa;

import java.time.Clock;
import java.util.function.Supplier;

/**
 * Makes the {@link AccessProvider} for a workspace, by its kind: the one place (with the
 * composition roots) that knows the kinds. Callers use {@link WorkspaceSessions}, which keeps
 * one provider per open workspace.
 */
public final class AccessProviders {
    private final FerryEnvironment env;
    private final ConsoleFederation federation;
    private final Supplier<LocalCa> ca;
    private final TshLocator tshLocator;
    private final SsoServices sso;
    private final Background background;
    private final boolean refreshInBackground;

    public AccessProviders(FerryEnvironment env, ConsoleFederation federation, Supplier<LocalCa> ca) {
        this(env, federation, ca, new TshLocator(env));
    }

    public AccessProviders(FerryEnvironment env, ConsoleFederation federation, Supplier<LocalCa> ca,
                           TshLocator tshLocator) {
        this(env, federation, ca, tshLocator, null, null, false);
    }

    /**
     * @param sso                 the IAM Identity Center services (null: such workspaces cannot be opened)
     * @param refreshInBackground Identity Center accounts are shown from the cache and listed again in the
     *                            background (the desktop; a CLI command lists again only when asked)
     */
    public AccessProviders(FerryEnvironment env, ConsoleFederation federation, Supplier<LocalCa> ca,
                           TshLocator tshLocator, SsoServices sso, Background background, boolean refreshInBackground) {
        this.env = env;
        this.federation = federation;
        this.ca = ca;
        this.tshLocator = tshLocator;
        this.sso = sso;
        this.background = background;
        this.refreshInBackground = refreshInBackground;
    }

    /** A new provider for the workspace (Java 17 has no pattern switch: each permitted kind is tested in turn). */
    public AccessProvider open(Workspace workspace) {
        if (workspace instanceof StandaloneWorkspace s) {
            AwsSetup aws = new AwsSetup(env, s.aws());
            if (s.discovery().isEmpty()) {
                return new StandaloneAwsProvider(s, aws, federation, ca, sso, background, refreshInBackground, null);
            }
            return new StandaloneAwsProvider(s, aws, federation, ca, sso, background, refreshInBackground, roleNames -> {
                StsScanAccounts accounts = new StsScanAccounts(aws, s.user(), roleNames);
                Clock clock = Clock.systemUTC();
                DiscoveryService discovery = new DiscoveryService(
                        new DatabaseScanner(aws, accounts, ScanOptions.DEFAULT, clock),
                        new DiscoveryCache(DiscoveryCache.fileFor(FerryPaths.of(env), s.name(), s.source()), ServingRules.CURRENT),
                        s.discovery(), "profile " + aws.profileName(), clock);
                return new StandaloneAwsProvider.Discovery(discovery, accounts);
            });
        }
        if (workspace instanceof TeleportWorkspace t) {
            TeleportWorkspace.Settings tp = t.teleport();
            return new TeleportProvider(t, () -> new TshClient(tshLocator.locate(tp.tsh()), env.env(),
                    TeleportHome.of(t, env, FerryPaths.of(env)), tp.proxy(), tp.user(), tp.auth()), Clock.systemUTC());
        }
        throw new IllegalArgumentException("No provider for " + workspace.kindTitle() + " workspaces");
    }
}
