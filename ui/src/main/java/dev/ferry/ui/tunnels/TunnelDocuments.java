package dev.ferry.ui.tunnels;

import dev.ferry.app.FerryCore;
import dev.ferry.app.integrations.AwsOutputFormat;
import dev.ferry.app.model.AppResource;
import dev.ferry.app.model.AwsRole;
import dev.ferry.app.model.DatabaseResource;
import dev.ferry.app.settings.Settings;
import dev.ferry.app.tunnels.DatabaseTunnelSpec;
import dev.ferry.app.tunnels.Tunnel;
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
 * (opened here, restored, or from elsewhere) gets its own tab with its own
 * {@link TunnelViewModel}, and its tab goes when it is stopped. Besides that sync this only
 * starts tunnels (the connect form, an AWS API proxy, the last session's tunnels); what a tab
 * does is its view model's. FX thread only.
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
    private final TunnelViewModel.Host host = new TunnelViewModel.Host() {
        @Override
        public void closeTab(String tunnelId) {
            removeTab(tunnelId);
        }

        @Override
        public void open(TunnelSpec spec) {
            TunnelDocuments.this.open(spec);
        }

        @Override
        public void signIn() {
            signIn.run();
        }
    };
    private Runnable signIn = () -> { };
    private java.util.function.BiConsumer<TunnelSpec, Throwable> sessionEnded = (spec, e) -> { };
    /** Tunnels that said their session ended (told once, until they serve again). */
    private final Set<String> toldEnded = new HashSet<>();
    private final AwsOutputFormat defaultFormat;

    public TunnelDocuments(FerryCore core, UiTasks tasks, Notifications notes, Documents documents, Supplier<Window> owner) {
        this.core = core;
        this.tasks = tasks;
        this.notes = notes;
        this.documents = documents;
        this.owner = owner;
        this.defaultFormat = AwsOutputFormat.defaultFor(core.env());
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
        toldEnded.retainAll(ids);
        for (Tunnel t : now) {
            var ended = t.sessionEnded();
            if (ended.isEmpty()) {
                toldEnded.remove(t.id());
            } else if (toldEnded.add(t.id())) {
                sessionEnded.accept(t.spec(), ended.get());
            }
        }
    }

    private void addTab(Tunnel t) {
        TunnelViewModel vm = new TunnelViewModel(t, core, tasks, notes, owner, host);
        TunnelView view = t.spec() instanceof DatabaseTunnelSpec ? new DatabaseTunnelView(vm)
                : new AwsProxyTunnelView(vm, defaultFormat);
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
            vm.stop();
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

    /**
     * Told (FX thread) when a tunnel cannot start, or a running one cannot serve, because its
     * workspace's session has ended (a {@code SignInRequiredException} among the causes): the
     * desktop shows the sign-in prompt. A running one keeps its port and serves again after it.
     */
    public void onSessionEnded(java.util.function.BiConsumer<TunnelSpec, Throwable> hook) {
        this.sessionEnded = hook;
    }

    /** What "Sign in…" in a tab does (the desktop's sign-in). */
    public void onSignIn(Runnable r) {
        this.signIn = r;
    }

    /**
     * After a sign-in: tunnels that could not start for want of a session start again (tsh
     * tunnels that were already running restart by themselves on their next attempt).
     */
    public void restartFailed() {
        for (Tunnel t : core.tunnels().tunnels()) {
            if (t.status() == TunnelStatus.FAILED && t.needsSignIn()) {
                open(t.spec());
            }
        }
    }

    /** Starts an AWS API proxy for a role of an app (HTTPS_PROXY mode) in its own tab. */
    public CompletableFuture<Tunnel> startAwsProxy(Workspace ws, AppResource app, AwsRole role) {
        return open(TunnelSpec.awsProxy(workspaceFile(ws), app.name(), role.arn(), ProxyMode.HTTPS_PROXY, 0));
    }

    /** Opens a tunnel: its tab shows at once (starting), failures show there (and in the notification history). */
    public CompletableFuture<Tunnel> open(TunnelSpec spec) {
        return open(spec, "Could not start " + spec.title(), true);
    }

    /** @param tabShown the tab is selected, so its banner says why it failed (no toast); else a toast too */
    private CompletableFuture<Tunnel> open(TunnelSpec spec, String failureTitle, boolean tabShown) {
        CompletableFuture<Tunnel> f = core.tunnels().open(spec);
        sync();
        select(spec.id());
        f.whenCompleteAsync((t, e) -> {
            if (e != null && core.tunnels().get(spec.id()) != null) { // not when it was stopped while starting
                if (dev.ferry.app.access.SignInRequiredException.in(e).isPresent()) {
                    sessionEnded.accept(spec, e); // the sign-in prompt; after it the tunnel starts again
                }
                if (tabShown) {
                    notes.errorShownInPlace(failureTitle, e); // the tunnel's tab shows it
                } else {
                    notes.error(failureTitle, e);
                }
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
                open(s, "Could not restore " + s.title(), false); // several tabs: the failing one may be behind another
            }
        }, e -> notes.error("Could not read the tunnels of the last session", e));
    }

    /** Stops a tunnel (tray's Stop): as its tab's Stop. */
    public void stop(Tunnel t) {
        removeTab(t.id());
        tasks.run(() -> {
            core.tunnels().stop(t.id());
            return t;
        }, x -> { }, e -> notes.error("Could not stop " + t.spec().title(), e));
    }

    /** Adds a tunnel to DBeaver (tray's Open in DBeaver): as its tab's button. */
    public void openInDbeaver(Tunnel t) {
        TunnelView v = views.get(t.id());
        if (v != null) {
            v.vm.addToDbeaver();
        }
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
