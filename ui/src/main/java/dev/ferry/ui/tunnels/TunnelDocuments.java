package dev.ferry.ui.tunnels;

import dev.ferry.app.FerryCore;
import dev.ferry.app.aws.AwsProxyDetails;
import dev.ferry.app.integrations.DBeaverSetup;
import dev.ferry.app.integrations.KeystoreImporter;
import dev.ferry.app.integrations.KeystoreTargets;
import dev.ferry.app.model.AppResource;
import dev.ferry.app.model.AwsRole;
import dev.ferry.app.model.DatabaseResource;
import dev.ferry.app.settings.Settings;
import dev.ferry.app.tunnels.Tunnel;
import dev.ferry.app.tunnels.TunnelKind;
import dev.ferry.app.tunnels.TunnelSpec;
import dev.ferry.app.tunnels.TunnelStatus;
import dev.ferry.app.workspace.Workspace;
import dev.ferry.tunnel.aws.ProxyMode;
import dev.ferry.ui.documents.Documents;
import dev.ferry.ui.fx.UiTasks;
import dev.ferry.ui.notify.Notifications;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Tab;
import javafx.scene.control.Tooltip;
import javafx.scene.shape.Circle;
import javafx.stage.Window;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Tunnels as documents: every tunnel the {@link dev.ferry.app.tunnels.TunnelManager} holds
 * (opened here, restored, or from elsewhere) gets its own tab, and its tab goes when it is
 * stopped. Starts database tunnels (after the connect form) and AWS API proxies, moves them
 * to another port, stops them, restores the last session's tunnels, and sets them up in
 * DBeaver, Java keystores and the AWS config. Work runs in the background; results and
 * failures come back as tab state and notifications. FX thread only.
 */
public final class TunnelDocuments implements AutoCloseable {
    public static final String TAB_PREFIX = "tunnel-";

    private final FerryCore core;
    private final UiTasks tasks;
    private final Notifications notes;
    private final Documents documents;
    private final Supplier<Window> owner;
    private final Map<String, Tab> tabs = new LinkedHashMap<>();
    private final Map<String, TunnelView> views = new LinkedHashMap<>();
    private final Consumer<List<Tunnel>> managerListener;
    private final TunnelActions actions = new TunnelActions() {
        @Override
        public void changePort(Tunnel t, int port) {
            TunnelDocuments.this.changePort(t, port);
        }

        @Override
        public void stop(Tunnel t) {
            TunnelDocuments.this.stop(t);
        }

        @Override
        public void signIn(Tunnel t) {
            signIn.run();
        }
    };
    private Runnable signIn = () -> { };
    private final AwsFormatChoice defaultFormat;

    public TunnelDocuments(FerryCore core, UiTasks tasks, Notifications notes, Documents documents, Supplier<Window> owner) {
        this.core = core;
        this.tasks = tasks;
        this.notes = notes;
        this.documents = documents;
        this.owner = owner;
        this.defaultFormat = core.env().isWindows() ? AwsFormatChoice.POWERSHELL : AwsFormatChoice.UNIX;
        this.managerListener = list -> tasks.onFx(this::sync);
        core.tunnels().addListener(managerListener);
        sync();
    }

    // ---- tabs ----------------------------------------------------------------------------

    /** Makes the tabs match the manager's tunnels. */
    public void sync() {
        List<Tunnel> now = core.tunnels().tunnels();
        Set<String> ids = new HashSet<>();
        for (Tunnel t : now) {
            ids.add(t.id());
            if (!tabs.containsKey(t.id())) {
                addTab(t);
            }
        }
        for (String id : List.copyOf(tabs.keySet())) {
            if (!ids.contains(id)) {
                removeTab(id);
            }
        }
    }

    private void addTab(Tunnel t) {
        TunnelView view = t.spec().kind() == TunnelKind.DATABASE
                ? new DatabaseTunnelView(t, actions, this::openInDbeaver)
                : awsView(t);
        Tab tab = new Tab(t.spec().title(), view);
        tab.setId(TAB_PREFIX + t.id());
        tab.setTooltip(new Tooltip(t.spec().title()));
        Circle dot = new Circle(4);
        dot.getStyleClass().add("tunnel-dot");
        tab.setGraphic(dot);
        Consumer<Tunnel> dotUpdate = x -> tasks.onFx(() -> statusDot(dot, x));
        t.addListener(dotUpdate);
        statusDot(dot, t);
        tab.selectedProperty().addListener((o, was, selected) -> view.setShown(selected));
        tab.setOnClosed(e -> {
            t.removeListener(dotUpdate);
            stop(t);
        });
        tab.setUserData(dotUpdate);
        tabs.put(t.id(), tab);
        views.put(t.id(), view);
        documents.open(tab);
        view.setShown(tab.isSelected());
    }

    private static void statusDot(Circle dot, Tunnel t) {
        dot.getStyleClass().removeAll("starting", "ready", "failed", "stopped");
        dot.getStyleClass().add(t.status().name().toLowerCase());
    }

    @SuppressWarnings("unchecked")
    private void removeTab(String id) {
        Tab tab = tabs.remove(id);
        TunnelView view = views.remove(id);
        if (view != null) {
            view.dispose();
            view.tunnel().removeListener((Consumer<Tunnel>) tab.getUserData());
        }
        if (tab != null && tab.getTabPane() != null) {
            tab.getTabPane().getTabs().remove(tab);
        }
    }

    /** The view of an open tunnel. */
    public Optional<TunnelView> view(String tunnelId) {
        return Optional.ofNullable(views.get(tunnelId));
    }

    public Optional<Tab> tab(String tunnelId) {
        return Optional.ofNullable(tabs.get(tunnelId));
    }

    private void select(String tunnelId) {
        tab(tunnelId).ifPresent(t -> t.getTabPane().getSelectionModel().select(t));
    }

    // ---- starting ------------------------------------------------------------------------

    /** The Connect button of a database: the form, then the tunnel in its own tab. */
    public void connect(Workspace ws, DatabaseResource db) {
        String file = workspaceFile(ws);
        tasks.run(() -> core.tunnels().rememberedPort(TunnelSpec.database(file, db.name(), "", "", 0)),
                port -> new DatabaseConnectDialog(owner.get(), db, port).showAndWait().ifPresent(c ->
                        open(TunnelSpec.database(file, db.name(), c.dbUser(), c.dbName(), c.port()))),
                e -> notes.error("Cannot connect to " + db.name(), e));
    }

    /** What "Sign in to Teleport…" in a tab does (the desktop's sign-in). */
    public void onSignIn(Runnable r) {
        this.signIn = r;
    }

    /**
     * After a sign-in: tunnels that could not start for want of a session start again (tsh
     * tunnels that were already running restart by themselves on their next attempt).
     */
    public void restartFailed() {
        for (Tunnel t : core.tunnels().tunnels()) {
            if (t.status() == TunnelStatus.FAILED && dev.ferry.app.teleport.TshNotLoggedInException.describes(t.lastError())) {
                open(t.spec());
            }
        }
    }

    /** Starts an AWS API proxy for a role of an app (HTTPS_PROXY mode) in its own tab. */
    public CompletableFuture<Tunnel> startAwsProxy(Workspace ws, AppResource app, AwsRole role) {
        return open(TunnelSpec.awsProxy(workspaceFile(ws), app.name(), role.arn(), "https_proxy", 0));
    }

    /** Opens a tunnel: its tab shows at once (starting), failures show there and as a notification. */
    public CompletableFuture<Tunnel> open(TunnelSpec spec) {
        return open(spec, "Could not start " + spec.title());
    }

    private CompletableFuture<Tunnel> open(TunnelSpec spec, String failureTitle) {
        CompletableFuture<Tunnel> f = core.tunnels().open(spec);
        sync();
        select(spec.id());
        f.whenCompleteAsync((t, e) -> {
            if (e != null) {
                notes.error(failureTitle, e);
            }
        }, tasks::onFx);
        return f;
    }

    /**
     * Reopens the last session's tunnels, as the setting says: ALWAYS, ASK (a question
     * first) or NEVER. Each comes back on its port in its own tab; one that cannot shows
     * FAILED with the reason in its tab and in a notification.
     */
    public void restore(Settings.RestoreTunnels policy) {
        if (policy == Settings.RestoreTunnels.NEVER) {
            return;
        }
        tasks.run(() -> core.tunnels().savedSpecs(), specs -> {
            if (specs.isEmpty()) {
                return;
            }
            if (policy == Settings.RestoreTunnels.ASK) {
                Alert ask = new Alert(Alert.AlertType.CONFIRMATION, specs.size() == 1
                        ? "Reopen the tunnel " + specs.get(0).title() + " from last time?"
                        : "Reopen the " + specs.size() + " tunnels from last time?", ButtonType.YES, ButtonType.NO);
                dev.ferry.ui.fx.Dialogs.owned(ask, owner.get());
                ask.setHeaderText("Restore tunnels");
                if (ask.showAndWait().orElse(ButtonType.NO) != ButtonType.YES) {
                    return;
                }
            }
            for (TunnelSpec s : specs) {
                open(s, "Could not restore " + s.title());
            }
        }, e -> notes.error("Could not read the tunnels of the last session", e));
    }

    // ---- actions of a tab ----------------------------------------------------------------

    void changePort(Tunnel t, int port) {
        core.tunnels().changePort(t.id(), port).whenCompleteAsync((x, e) -> {
            if (e != null) {
                notes.error("Could not move " + t.spec().title() + " to port " + port, e);
            }
        }, tasks::onFx);
    }

    /** Stops a tunnel (it will not be restored) and closes its tab. */
    public void stop(Tunnel t) {
        removeTab(t.id());
        tasks.run(() -> {
            core.tunnels().stop(t.id());
            return t;
        }, x -> { }, e -> notes.error("Could not stop " + t.spec().title(), e));
    }

    void switchMode(Tunnel t, ProxyMode mode) {
        TunnelSpec old = t.spec();
        int port = t.localAddress() != null ? t.localAddress().getPort() : old.port();
        TunnelSpec next = TunnelSpec.awsProxy(old.workspaceFile(), old.resource(), old.roleArn(),
                mode == ProxyMode.ENDPOINT_URL ? "endpoint_url" : "https_proxy", port);
        removeTab(t.id());
        tasks.run(() -> {
            core.tunnels().stop(t.id());
            return next;
        }, this::open, e -> notes.error("Could not switch " + old.title() + " to " + mode, e));
    }

    /** Adds the tunnel to DBeaver (a running DBeaver gets it on its command line). */
    public void openInDbeaver(Tunnel t) {
        if (t.localAddress() == null) {
            return;
        }
        int port = t.localAddress().getPort();
        tasks.run(() -> {
            DBeaverSetup setup = DBeaverSetup.system(core.env());
            String wsName = core.workspaces().load(Path.of(t.spec().workspaceFile())).name();
            var endpoint = dev.ferry.app.integrations.DatabaseEndpoint.loopback(port, t.spec().dbUser(), t.spec().dbName(),
                    DatabaseTunnelView.flavour(t));
            return setup.add(new DBeaverSetup.Connection(t.spec().title(), wsName, endpoint), setup.workspace(core.settings().load()));
        }, o -> {
            if (!o.launched().isEmpty()) {
                notes.success("Sent to DBeaver", "DBeaver is running: it got the connection " + t.spec().title()
                        + ". Look in its Database Navigator.");
            } else {
                notes.success("Added to DBeaver", "The connection " + t.spec().title() + " is in DBeaver's \"Ferry\" folder"
                        + " (" + o.dataSourcesFile() + "). Start DBeaver to use it."
                        + (o.backup() != null ? " The previous settings are saved as " + o.backup() + "." : ""));
            }
        }, e -> notes.error("Could not set up DBeaver for " + t.spec().title(), e));
    }

    private AwsProxyTunnelView awsView(Tunnel t) {
        Path keystore = core.paths().dataDir().resolve("truststore.p12");
        String stem = Path.of(t.spec().workspaceFile()).getFileName().toString().replaceFirst("\\.ya?ml$", "");
        AwsProxyTunnelView v = new AwsProxyTunnelView(t, actions, new AwsProxyTunnelView.Context(stem, "primary", "", keystore),
                this::switchMode, this::importCa, this::writeProfile, this::setupDbeaver, defaultFormat);
        tasks.run(() -> {
            Settings s = core.settings().load();
            String name = core.workspaces().load(Path.of(t.spec().workspaceFile())).name();
            return new AwsProxyTunnelView.Context(name, s.athenaWorkgroup, s.athenaOutputLocation, keystore);
        }, v::setContext, e -> { }); // the workspace file is gone: the tunnel reports that itself
        return v;
    }

    void importCa(AwsProxyTunnelView v) {
        String ca = v.tunnel().details().get(AwsProxyDetails.CA_BUNDLE);
        if (ca == null) {
            return;
        }
        tasks.run(() -> KeystoreTargets.find(core.env(), core.paths(), System.getProperty("java.home")),
                targets -> new KeystoreImportDialog(owner.get(), tasks, new KeystoreImporter(core.paths()), targets,
                        Path.of(ca), v.context().workspaceName()).show(),
                e -> notes.error("Could not look for keystores", e));
    }

    /**
     * "Set up DBeaver" on an Athena proxy: imports the CA into the Java that DBeaver runs on
     * (found beside the DBeaver program or in its standard folders) and adds an Athena
     * connection through this proxy to DBeaver's settings.
     */
    void setupDbeaver(AwsProxyTunnelView v) {
        Tunnel t = v.tunnel();
        var access = v.access();
        if (access.isEmpty()) {
            return;
        }
        AwsProxyTunnelView.Context ctx = v.context();
        tasks.run(() -> {
            KeystoreTargets.Target jre = KeystoreTargets.find(core.env(), core.paths(), null).stream()
                    .filter(x -> x.kind() == KeystoreTargets.Kind.DBEAVER && x.exists()).findFirst()
                    .orElseThrow(() -> new dev.ferry.app.FerryException("Ferry found no DBeaver installation (its program and bundled Java).",
                            "Install DBeaver, or use \"Import CA into keystore…\" and choose the cacerts file of the Java DBeaver runs on."));
            KeystoreImporter.Result imported = new KeystoreImporter(core.paths()).importCa(jre.path(), access.get().caBundle(), ctx.workspaceName());
            DBeaverSetup setup = DBeaverSetup.system(core.env());
            String role = t.spec().roleArn().substring(t.spec().roleArn().lastIndexOf('/') + 1);
            DBeaverSetup.Outcome o = setup.addAthena(new DBeaverSetup.AthenaConnection(t.spec().resource() + " " + role + " (Athena)",
                    ctx.workspaceName(), t.details().getOrDefault(AwsProxyDetails.REGION, "us-east-1"), ctx.workgroup(),
                    ctx.outputLocation(), t.localAddress().getPort(), access.get().accessKeyId()), setup.workspace(core.settings().load()));
            return "Imported Ferry's CA into " + imported.keystore() + " and added \"" + t.spec().resource() + " " + role
                    + " (Athena)\" to DBeaver (folder Ferry). When DBeaver asks for the password, paste the proxy's secret key"
                    + " from this tab.";
        }, msg -> notes.success("DBeaver is set up for Athena", msg), e -> notes.error("Could not set up DBeaver for " + t.spec().title(), e));
    }

    void writeProfile(AwsProxyTunnelView v) {
        TunnelSpec s = v.tunnel().spec();
        Path config = core.env().get("AWS_CONFIG_FILE").map(Path::of)
                .orElse(Path.of(core.env().userHome(), ".aws", "config"));
        String role = s.roleArn().substring(s.roleArn().lastIndexOf('/') + 1);
        new AwsProfileDialog(owner.get(), tasks, s, v.tunnel().details().getOrDefault(AwsProxyDetails.REGION, ""), config,
                s.resource() + "-" + role).show();
    }

    static String workspaceFile(Workspace ws) {
        return ws.source().toAbsolutePath().toString();
    }

    @Override
    public void close() {
        core.tunnels().removeListener(managerListener);
        for (String id : List.copyOf(views.keySet())) {
            removeTab(id);
        }
    }
}
