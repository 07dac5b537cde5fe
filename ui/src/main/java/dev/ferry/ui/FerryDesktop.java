package dev.ferry.ui;

import dev.ferry.app.FerryCore;
import dev.ferry.app.settings.JsonFileStore;
import dev.ferry.app.settings.Settings;
import dev.ferry.ui.documents.Documents;
import dev.ferry.ui.fx.Dialogs;
import dev.ferry.ui.fx.WindowPlacement;
import javafx.geometry.Rectangle2D;
import java.time.ZoneId;
import java.util.Optional;
import dev.ferry.ui.fx.UiTasks;
import dev.ferry.ui.launch.ConsoleLauncher;
import dev.ferry.ui.notify.Notifications;
import dev.ferry.ui.notify.NotificationsView;
import dev.ferry.ui.resources.ResourceFilter;
import dev.ferry.ui.resources.DiscoveryViewModel;
import dev.ferry.ui.resources.ResourceListView;
import dev.ferry.ui.resources.ResourceListViewModel;
import dev.ferry.ui.settings.SettingsDialog;
import dev.ferry.ui.state.UiState;
import dev.ferry.ui.theme.OsTheme;
import dev.ferry.ui.theme.Themes;
import dev.ferry.ui.fx.Copy;
import dev.ferry.ui.resources.TunnelStarter;
import dev.ferry.ui.tray.SystemTrayIcon;
import dev.ferry.ui.tray.TrayMenuModel;
import dev.ferry.ui.tunnels.TunnelDocuments;
import dev.ferry.app.model.AppResource;
import dev.ferry.app.model.AwsRole;
import dev.ferry.app.model.DatabaseResource;
import dev.ferry.app.tunnels.Tunnel;
import dev.ferry.app.tunnels.TunnelStatus;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.stage.WindowEvent;
import dev.ferry.ui.teleport.TeleportControls;
import dev.ferry.ui.aws.AwsWorkspaceControls;
import dev.ferry.ui.workspace.WelcomeView;
import dev.ferry.ui.workspace.WorkspaceSidebar;
import dev.ferry.ui.workspace.WorkspaceViewModel;
import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.control.Tab;
import javafx.scene.control.TextInputControl;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.StackPane;
import javafx.stage.Screen;
import javafx.stage.Stage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root of the desktop app: builds every view, view model and UI service once,
 * from a {@link FerryCore} and the main {@link Stage}. Nothing here is static; tests and the
 * screenshot tool build their own.
 */
public final class FerryDesktop implements AutoCloseable {
    static final Logger LOG = LoggerFactory.getLogger("dev.ferry.ui");
    public static final String SHOWN_MESSAGE = "Ferry window shown";
    /** Logged when the start window shows ({@link #open}), before the desktop takes its place. */
    public static final String START_SHOWN_MESSAGE = "Ferry start window shown";
    /** The smallest window in which every control stays readable. */
    public static final double MIN_WIDTH = 760;
    public static final double MIN_HEIGHT = 480;

    private final FerryCore core;
    private final Stage stage;
    private final JsonFileStore<UiState> uiStore;
    private final UiState uiState;

    private final UiTasks tasks;
    private final Notifications notifications;
    private final Themes themes;
    private final Documents documents;
    private final WorkspaceViewModel workspace;
    private final ResourceListViewModel resources;
    private final ConsoleLauncher launcher;
    private final ResourceListView resourceView;
    private final DiscoveryViewModel discovery;
    private final TunnelDocuments tunnelDocs;
    private final TrayMenuModel trayModel;
    private SystemTrayIcon trayIcon;
    private boolean trayRequested;
    private Runnable exit = Platform::exit;
    private final Scene scene;

    public FerryDesktop(FerryCore core, Stage stage) {
        this(core, stage, DesktopStart.read(core));
    }

    public FerryDesktop(FerryCore core, Stage stage, DesktopStart start) {
        this(core, stage, start, themes(start));
    }

    /** The theme the settings ask for (the last system theme seen, until the OS says). */
    private static Themes themes(DesktopStart start) {
        return new Themes(start.settings().theme, Boolean.TRUE.equals(start.uiState().lastSystemDark));
    }

    /**
     * Opens the desktop the way the app does: a start window first, shown at once in the saved
     * place and size and in the theme ("Opening Ferry..." on the theme's background); once it
     * has had its first frame, the desktop is made and takes its place in the same window.
     * {@code built} sees the desktop before it shows; the "window shown" line is logged when the
     * desktop's own scene is laid out, with {@link #START_SHOWN_MESSAGE} before it for the start
     * window.
     */
    public static void open(FerryCore core, Stage stage, DesktopStart start, java.util.function.Consumer<FerryDesktop> built) {
        // The theme first: a control made before it would make JavaFX load (and then drop) Modena.
        Themes themes = themes(start);
        javafx.scene.control.Label opening = new javafx.scene.control.Label("Opening Ferry\u2026");
        opening.getStyleClass().add(atlantafx.base.theme.Styles.TEXT_MUTED);
        StackPane root = new StackPane(opening);
        root.setId("startWindow");
        Scene scene = new Scene(root);
        stage.setScene(scene);
        place(stage, start.uiState());
        stage.addEventHandler(WindowEvent.WINDOW_SHOWN, new javafx.event.EventHandler<WindowEvent>() {
            @Override
            public void handle(WindowEvent e) {
                stage.removeEventHandler(WindowEvent.WINDOW_SHOWN, this);
                LOG.info(START_SHOWN_MESSAGE);
            }
        });
        // After the start window's first layout pulse (its frame goes to the render thread),
        // not right after show(): a task queued now could run before that pulse and keep the
        // window blank while the desktop is made.
        scene.addPostLayoutPulseListener(new Runnable() {
            @Override
            public void run() {
                scene.removePostLayoutPulseListener(this);
                Platform.runLater(() -> {
                    FerryDesktop desktop = new FerryDesktop(core, stage, start, themes);
                    built.accept(desktop);
                    desktop.show();
                });
            }
        });
        stage.show();
    }

    private FerryDesktop(FerryCore core, Stage stage, DesktopStart start, Themes themes) {
        this.core = core;
        this.stage = stage;
        this.uiStore = start.uiStore();
        this.uiState = start.uiState();
        this.tasks = new UiTasks(core.background(), Platform::runLater);
        this.notifications = new Notifications(core.paths().desktopLog());
        this.themes = themes;
        this.documents = new Documents();
        this.workspace = new WorkspaceViewModel(core, tasks, notifications);
        this.resources = new ResourceListViewModel(workspace.resources());
        this.resources.kindProperty().set(ResourceFilter.Kind.parse(uiState.kindFilter));
        this.launcher = new ConsoleLauncher(tasks, notifications, core.browser(), workspace.providerProperty(), core.state());
        launcher.onFailure(workspace::failed);
        this.tunnelDocs = new TunnelDocuments(core, tasks, notifications, documents, () -> stage);
        this.discovery = new DiscoveryViewModel(workspace, tasks, notifications, core.settings(), ZoneId.systemDefault());
        this.resourceView = new ResourceListView(workspace, resources, launcher, new TunnelStarter() {
            @Override
            public void connect(DatabaseResource db) {
                if (workspace.workspaceProperty().get() != null) {
                    tunnelDocs.connect(workspace.workspaceProperty().get(), db);
                }
            }

            @Override
            public void awsAccess(AppResource app, AwsRole role) {
                if (workspace.workspaceProperty().get() != null) {
                    tunnelDocs.startAwsProxy(workspace.workspaceProperty().get(), app, role);
                }
            }
        }, discovery);
        this.trayModel = new TrayMenuModel(core.tunnels(), new TrayMenuModel.Actions() {
            @Override
            public void copyAddress(Tunnel t) {
                Platform.runLater(() -> {
                    if (!t.addressText().isEmpty()) {
                        Copy.toClipboard(t.addressText());
                    }
                });
            }

            @Override
            public void openInDbeaver(Tunnel t) {
                Platform.runLater(() -> tunnelDocs.openInDbeaver(t));
            }

            @Override
            public void stop(Tunnel t) {
                Platform.runLater(() -> tunnelDocs.stop(t));
            }

            @Override
            public void openWindow() {
                Platform.runLater(FerryDesktop.this::bringToFront);
            }

            @Override
            public void quit() {
                Platform.runLater(FerryDesktop.this::requestQuit);
            }
        });

        TeleportControls teleport = new TeleportControls(core, tasks, notifications, workspace, () -> stage);
        AwsWorkspaceControls aws = new AwsWorkspaceControls(core, tasks, notifications, workspace, () -> stage);
        WelcomeView welcome = new WelcomeView(workspace, aws::add, teleport::addCluster);
        Tab resourcesTab = new Tab("Resources", new StackPane(teleport.withSignIn(resourceView), welcome));
        resourcesTab.setId("resourcesTab");
        documents.pinned(resourcesTab);
        tunnelDocs.onSignIn(() -> {
            documents.view().getSelectionModel().select(resourcesTab);
            teleport.signIn().signIn();
        });
        teleport.signIn().onSignedIn(tunnelDocs::restartFailed);
        teleport.signIn().onSignedIn(launcher::resumeAfterSignIn);
        tunnelDocs.onSessionEnded((spec, e) -> {
            java.nio.file.Path open = workspace.currentProperty().get();
            if (open != null && open.equals(java.nio.file.Path.of(spec.workspaceFile()).toAbsolutePath().normalize())) {
                workspace.failed(e); // the open workspace's session: the list gives way to the sign-in prompt
            }
        });

        WorkspaceSidebar sidebar = new WorkspaceSidebar(workspace, () -> stage, this::openSettings);
        sidebar.addWorkspaceButton(aws.addButton());
        sidebar.addWorkspaceButton(teleport.addClusterButton());
        sidebar.addIdentityButton(teleport.signOutButton());
        sidebar.addIdentityButton(aws.writeProfilesButton());
        BorderPane main = new BorderPane(documents.view());
        main.setLeft(sidebar);
        // A narrow window gives the sidebar less (a quarter of the width, 232 to 280 px) so the
        // list keeps room for its buttons.
        sidebar.prefWidthProperty().bind(Bindings.max(232, Bindings.min(280, main.widthProperty().multiply(0.25))));
        NotificationsView notes = new NotificationsView(notifications);
        notes.keepBelow(() -> java.util.Arrays.asList(documents.view().lookup(".tab-header-area"), resourceView.searchBar()));
        StackPane root = new StackPane(main, notes);
        StackPane.setAlignment(notes, Pos.BOTTOM_RIGHT);
        sidebar.addFooterButton(new dev.ferry.ui.tunnels.RecentConnections(core.tunnels(), tasks, tunnelDocs));
        sidebar.addFooterButton(new dev.ferry.ui.notify.NotificationHistory(notifications, () -> stage).button());
        scene = new Scene(root);
        scene.getStylesheets().add(FerryDesktop.class.getResource("/dev/ferry/ui/ferry.css").toExternalForm());
        installKeys();

        stage.setScene(scene);
        if (!stage.isShowing()) { // else the start window placed it (open)
            place(stage, uiState);
        }
        documents.select(uiState.selectedTab);
        stage.setOnHiding(e -> saveUiState());
        stage.setOnCloseRequest(this::onCloseRequest);
    }

    /** Title, least size and the saved place and size (or the default, centred), before the stage shows. */
    private static void place(Stage stage, UiState uiState) {
        stage.setTitle("Ferry");
        stage.setMinWidth(MIN_WIDTH);
        stage.setMinHeight(MIN_HEIGHT);
        WindowPlacement.apply(stage, WindowPlacement.bounds(Optional.of(new Rectangle2D(
                        uiState.x == null ? Double.NaN : uiState.x, uiState.y == null ? Double.NaN : uiState.y,
                        uiState.width, uiState.height)), UiState.DEFAULT_WIDTH, UiState.DEFAULT_HEIGHT, MIN_WIDTH, MIN_HEIGHT,
                WindowPlacement.screens(), Screen.getPrimary().getVisualBounds()), uiState.maximized);
    }

    private boolean started;

    /**
     * Shows the window, then (the first time only) loads workspaces and credentials in the
     * background and restores the tunnels. Showing it again (from the tray) loads nothing again:
     * that reloaded the workspace list, which blanked the workspace drop-down.
     */
    public void show() {
        stage.setOnShown(e -> firstShown());
        if (stage.isShowing()) { // in the start window's place (open): shown once its scene is laid out
            scene.getRoot().applyCss();
            scene.getRoot().layout();
            firstShown();
        } else {
            stage.show();
        }
    }

    private void firstShown() {
        if (started) {
            return; // shown again from the tray: the workspace and tunnels are loaded already
        }
        started = true;
        LOG.info(SHOWN_MESSAGE);
        if (core.env().get("FERRY_EXIT_AFTER_SHOWN").filter("1"::equals).isPresent()) {
            Platform.runLater(exit);
            return;
        }
        workspace.start();
        detectOsTheme();
        tunnelDocs.restore(core.settings().read(s -> s.restoreTunnels));
    }

    /**
     * Puts Ferry in the system tray when the desktop has one (checked in the background; only
     * the first call does anything):
     * the window may then close while tunnels keep running. Without a tray nothing changes.
     */
    public void enableTray() {
        if (trayRequested) {
            return; // once per window: showing it again (from the tray) must not add a second icon
        }
        trayRequested = true;
        tasks.run(() -> SystemTrayIcon.isSupported() ? SystemTrayIcon.install(trayModel,
                () -> Platform.runLater(this::bringToFront)) : null, icon -> {
            trayIcon = icon;
            if (icon != null) {
                Platform.setImplicitExit(false);
            }
        }, e -> LOG.info("No system tray icon: {}", e.getMessage()));
    }

    /** The tray icon, when {@link #enableTray()} found a tray. */
    public java.util.Optional<SystemTrayIcon> trayIcon() {
        return java.util.Optional.ofNullable(trayIcon);
    }

    public TrayMenuModel trayModel() {
        return trayModel;
    }

    public TunnelDocuments tunnelDocuments() {
        return tunnelDocs;
    }

    /** What quitting does in the end (default: {@code Platform.exit()}; tests record it instead). */
    public void onExit(Runnable r) {
        this.exit = r;
    }

    /** Shows the window (from the tray, or a second launch) in front of the others. */
    public void bringToFront() {
        if (!stage.isShowing()) {
            stage.show();
        }
        stage.setIconified(false);
        stage.toFront();
        stage.requestFocus();
    }

    private long runningTunnels() {
        return core.tunnels().running();
    }

    /**
     * Closing the window: with no tunnels Ferry quits; with tunnels and a tray it stays in the
     * tray (and says so the first time); without a tray it asks whether to stop them.
     */
    private void onCloseRequest(WindowEvent e) {
        long running = runningTunnels();
        if (running == 0) {
            Platform.runLater(exit);
            return;
        }
        if (trayIcon != null && core.settings().read(s -> s.closeToTray)) {
            e.consume();
            stage.hide();
            if (!uiState.trayHintShown) {
                uiState.trayHintShown = true;
                trayIcon.message("Ferry is still running", (running == 1 ? "Your tunnel keeps" : "Your " + running
                        + " tunnels keep") + " running. Use the tray icon to open Ferry again or to quit.");
                saveUiState();
            }
            return;
        }
        ButtonType stopAndQuit = new ButtonType("Stop tunnels and quit", ButtonBar.ButtonData.YES);
        ButtonType keep = new ButtonType("Quit, reopen them next time", ButtonBar.ButtonData.NO);
        Alert ask = new Alert(Alert.AlertType.CONFIRMATION, (running == 1 ? "1 tunnel is" : running + " tunnels are")
                + " running. Without a system tray Ferry cannot keep them open once the window closes.",
                stopAndQuit, keep, ButtonType.CANCEL);
        Dialogs.owned(ask, stage);
        ask.setHeaderText("Stop the tunnels?");
        ask.getDialogPane().setId("closeDialog");
        ButtonType answer = ask.showAndWait().orElse(ButtonType.CANCEL);
        if (answer == stopAndQuit) {
            quitNow(true);
        } else if (answer == keep) {
            quitNow(false);
        } else {
            e.consume();
        }
    }

    /** Quit from the tray: asks first when tunnels run, then stops them all (to reopen next start) and exits. */
    public void requestQuit() {
        long running = runningTunnels();
        if (running > 0) {
            Alert ask = new Alert(Alert.AlertType.CONFIRMATION, "Quitting stops " + (running == 1 ? "the running tunnel"
                    : "the " + running + " running tunnels") + ". Ferry reopens them when it next starts, as set in Settings.", ButtonType.OK, ButtonType.CANCEL);
            Dialogs.owned(ask, stage);
            ask.setHeaderText("Quit Ferry?");
            ask.getDialogPane().setId("quitDialog");
            if (ask.showAndWait().orElse(ButtonType.CANCEL) != ButtonType.OK) {
                return;
            }
        }
        // Stopped, not forgotten: they reopen at the next start as Settings > Restore says.
        quitNow(false);
    }

    private void quitNow(boolean stopTunnels) {
        tasks.run(() -> {
            if (stopTunnels) {
                core.tunnels().stopAll();
            } else {
                core.tunnels().close(); // stops them, remembering them for the next start
            }
            return null;
        }, x -> exit.run(), err -> exit.run());
    }

    private void installKeys() {
        scene.addEventFilter(KeyEvent.KEY_PRESSED, e -> {
            if (e.getCode() == KeyCode.F && e.isShortcutDown()) {
                focusSearch();
                e.consume();
            }
        });
        scene.addEventFilter(KeyEvent.KEY_TYPED, e -> {
            if ("/".equals(e.getCharacter()) && !(scene.getFocusOwner() instanceof TextInputControl)) {
                focusSearch();
                e.consume();
            }
        });
        scene.getAccelerators().put(KeyCombination.keyCombination("Shortcut+Comma"), this::openSettings);
    }

    private void focusSearch() {
        documents.select(0);
        resourceView.focusSearch();
    }

    private void detectOsTheme() {
        OsTheme os = new OsTheme(core.env());
        tasks.run(os::detectDark, dark -> dark.ifPresent(d -> {
            themes.systemDarkProperty().set(d);
            uiState.lastSystemDark = d;
        }), e -> LOG.debug("OS theme detection failed", e));
    }

    /** Opens the settings dialog; saves and applies what the user chose. */
    public void openSettings() {
        new SettingsDialog(stage, core.settings().get()).showAndWait().ifPresent(this::applySettings);
    }

    /**
     * Applies what the dialog chose to the one settings object (the theme at once); it saves
     * itself shortly after, off the FX thread.
     */
    public void applySettings(Settings chosen) {
        themes.preferenceProperty().set(chosen.theme);
        core.settings().update(s -> {
            s.theme = chosen.theme;
            s.browserCommand = chosen.browserCommand;
            s.restoreTunnels = chosen.restoreTunnels;
            s.closeToTray = chosen.closeToTray;
            s.athenaWorkgroup = chosen.athenaWorkgroup;
            s.athenaOutputLocation = chosen.athenaOutputLocation;
            s.dbeaverWorkspace = chosen.dbeaverWorkspace;
            s.discoveryRefreshMinutes = chosen.discoveryRefreshMinutes;
        });
    }

    private void saveUiState() {
        if (!stage.isMaximized() && !stage.isIconified()) {
            uiState.x = stage.getX();
            uiState.y = stage.getY();
            uiState.width = stage.getWidth();
            uiState.height = stage.getHeight();
        }
        uiState.maximized = stage.isMaximized();
        uiState.selectedTab = Math.max(0, documents.selectedIndex());
        uiState.kindFilter = resources.kindProperty().get().name();
        try {
            uiStore.save(uiState);
        } catch (RuntimeException e) {
            LOG.warn("Window state not saved: {}", e.getMessage());
        }
    }

    public Stage stage() {
        return stage;
    }

    public Scene scene() {
        return scene;
    }

    public Notifications notifications() {
        return notifications;
    }

    public Themes themes() {
        return themes;
    }

    public Documents documents() {
        return documents;
    }

    public WorkspaceViewModel workspace() {
        return workspace;
    }

    public ResourceListViewModel resources() {
        return resources;
    }

    public DiscoveryViewModel discovery() {
        return discovery;
    }

    public ResourceListView resourceView() {
        return resourceView;
    }

    public ConsoleLauncher launcher() {
        return launcher;
    }

    @Override
    public void close() {
        tunnelDocs.close();
        trayModel.close();
        if (trayIcon != null) {
            trayIcon.close();
        }
        workspace.close();
    }
}
