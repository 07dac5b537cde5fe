package dev.ferry.app;

import dev.ferry.app.access.AccessProviders;
import dev.ferry.app.access.WorkspaceSessions;
import dev.ferry.app.integrations.DBeaverSetup;
import dev.ferry.app.setup.ClientSetup;
import dev.ferry.app.aws.ConsoleFederation;
import dev.ferry.app.concurrent.Background;
import dev.ferry.app.concurrent.ThreadPoolBackground;
import dev.ferry.app.integrations.BrowserLauncher;
import dev.ferry.app.integrations.SystemBrowserLauncher;
import dev.ferry.app.settings.FerryPaths;
import dev.ferry.app.sso.SsoServices;
import dev.ferry.app.teleport.TshLocator;
import dev.ferry.app.settings.JsonFileStore;
import dev.ferry.app.settings.Settings;
import dev.ferry.app.settings.AppState;
import dev.ferry.app.settings.SavedDocument;
import dev.ferry.app.tunnels.TunnelManager;
import dev.ferry.app.tunnels.TunnelStateFile;
import dev.ferry.app.tunnels.ProxyKeys;
import dev.ferry.app.tunnels.WorkspaceTunnelOpener;
import dev.ferry.app.workspace.WorkspaceLoader;
import dev.ferry.app.workspace.WorkspaceRepository;

import dev.ferry.tunnel.ca.LocalCa;

import java.io.IOException;
import java.nio.file.Files;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;

/**
 * The composition root of Ferry's core: builds every service once, with constructors. The
 * CLI and the desktop app each make one; nothing else creates services.
 */
public final class FerryCore implements AutoCloseable {
    private HttpClient http;
    private final FerryEnvironment env;
    private final FerryPaths paths;
    /** Save changes this long after the last one (a burst of changes is one write). */
    public static final Duration SAVE_DELAY = Duration.ofMillis(400);

    private final SavedDocument<Settings> settings;
    private final SavedDocument<AppState> state;
    private final WorkspaceRepository workspaces;
    private final AccessProviders providers;
    private final WorkspaceSessions sessions;
    private final ClientSetup clientSetup;
    private final BrowserLauncher browser;
    private final Background background;
    private final SsoServices sso;
    private final TunnelManager tunnels;
    private final ProxyKeys proxyKeys;
    private LocalCa ca;

    public FerryCore(FerryEnvironment env) {
        this(env, null);
    }

    /** @param browser a browser launcher to use instead of the system one (tests), or null */
    public FerryCore(FerryEnvironment env, BrowserLauncher browser) {
        this(env, browser, false);
    }

    /**
     * @param browser a browser launcher to use instead of the system one (tests), or null
     * @param desktop the desktop app (lists IAM Identity Center accounts again in the background after
     *                showing the cached list; a CLI command lists them only when it has none or is asked)
     */
    public FerryCore(FerryEnvironment env, BrowserLauncher browser, boolean desktop) {
        this.env = env;
        this.paths = FerryPaths.of(env);
        this.settings = new SavedDocument<>(new JsonFileStore<>(paths.settingsFile(), Settings.class, Settings::new, false),
                Settings::copy, SAVE_DELAY);
        boolean stateIsNew = !Files.exists(paths.stateFile());
        this.state = new SavedDocument<>(new JsonFileStore<>(paths.stateFile(), AppState.class, AppState::new, false),
                AppState::copy, SAVE_DELAY, fresh -> stateIsNew && migrateState(fresh));
        this.workspaces = new WorkspaceRepository(env, paths, state, new WorkspaceLoader(env.userName()));
        this.browser = browser != null ? browser
                : new SystemBrowserLauncher(env, () -> settings.read(s -> s.browserCommand));
        this.background = new ThreadPoolBackground();
        this.sso = new SsoServices(env, paths, this.browser, Clock.systemUTC());
        this.providers = new AccessProviders(env, new ConsoleFederation(this::http), this::ca, new TshLocator(env),
                sso, background, desktop);
        this.sessions = new WorkspaceSessions(workspaces, providers);
        this.clientSetup = new ClientSetup(env, paths, settings::get, () -> DBeaverSetup.system(env));
        this.proxyKeys = new ProxyKeys(paths.stateDir().resolve("proxy-keys.json"));
        this.tunnels = new TunnelManager(new WorkspaceTunnelOpener(sessions, proxyKeys),
                new TunnelStateFile(paths.stateDir().resolve("tunnels.json")),
                background);
    }

    /**
     * "Add Teleport cluster": checks first that tsh is there and new enough (without it the cluster
     * could not be used: nothing is written, and the error says how to install it), then writes the
     * workspace file ({@link WorkspaceRepository#addTeleportCluster}).
     */
    public java.nio.file.Path addTeleportCluster(String proxy, String user, String auth) {
        new dev.ferry.app.teleport.TshLocator(env).locate("");
        return workspaces.addTeleportCluster(proxy, user, auth);
    }

    /** The AWS API proxies' local keys, kept per tunnel. */
    public ProxyKeys proxyKeys() {
        return proxyKeys;
    }

    /** Ferry's local CA (for AWS API proxies), created on first use under the data folder. */
    public synchronized LocalCa ca() {
        if (ca == null) {
            try {
                ca = LocalCa.loadOrCreate(paths.dataDir().resolve("ca"));
            } catch (IOException e) {
                throw new FerryException(e.getMessage(), "Ferry left the files as they are; move them aside "
                        + "to let Ferry create a new local CA.", e);
            }
        }
        return ca;
    }

    public TunnelManager tunnels() {
        return tunnels;
    }

    public FerryEnvironment env() {
        return env;
    }

    public FerryPaths paths() {
        return paths;
    }

    /** The HTTP client for console federation, made on first use (it initialises TLS). */
    private synchronized HttpClient http() {
        if (http == null) {
            http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                    .followRedirects(HttpClient.Redirect.NEVER).build();
        }
        return http;
    }

    /** The user's settings: one object for the process, observable, saved shortly after each change. */
    public SavedDocument<Settings> settings() {
        return settings;
    }

    /** What Ferry remembers about its use (recent workspaces, the last one). */
    public SavedDocument<AppState> state() {
        return state;
    }

    /** Moves recent files and the last workspace from an older settings.json into the new state file. */
    private boolean migrateState(AppState fresh) {
        boolean[] moved = new boolean[1];
        settings.update(s -> moved[0] = AppState.migrateFrom(s, fresh));
        return moved[0];
    }

    public WorkspaceRepository workspaces() {
        return workspaces;
    }

    public AccessProviders providers() {
        return providers;
    }

    /** The provider of each open workspace, shared by the views, the CLI and the tunnels. */
    public WorkspaceSessions sessions() {
        return sessions;
    }

    /** DBeaver (databases, Athena) set-up for tunnels. */
    public ClientSetup clientSetup() {
        return clientSetup;
    }

    public BrowserLauncher browser() {
        return browser;
    }

    /** IAM Identity Center: sign-in, tokens, account listing, and ~/.aws/config's profiles and sso-sessions. */
    public SsoServices sso() {
        return sso;
    }

    public Background background() {
        return background;
    }

    @Override
    public void close() {
        tunnels.close();
        sessions.close();
        background.close();
        sso.close();
        settings.close();
        state.close();
    }
}
