package dev.ferry.ui.resources;

import atlantafx.base.controls.CustomTextField;
import atlantafx.base.controls.Message;
import atlantafx.base.theme.Styles;
import dev.ferry.app.model.AppResource;
import dev.ferry.app.model.DatabaseResource;
import dev.ferry.app.model.ServingMark;
import dev.ferry.app.model.Resource;
import dev.ferry.app.workspace.Workspace;
import dev.ferry.ui.fx.Problem;
import dev.ferry.ui.launch.ConsoleLauncher;
import dev.ferry.ui.launch.RolePicker;
import dev.ferry.ui.workspace.WorkspaceViewModel;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.Tooltip;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

import java.util.Optional;
import java.util.function.Function;

/**
 * The "Resources" document: workspace header, search box, kind filter and the list of apps
 * and databases. Keyboard: Down from the search box enters the list, Enter runs the row's
 * primary action, Escape clears the search.
 */
public final class ResourceListView extends VBox {
    /**
     * The parts of a row that tests and tools look up, by the name of the resource the row shows
     * ({@link #rowPart}). Rows carry no per-row ids: the list reuses a screenful of cells for
     * thousands of resources, and an id set on every update made CSS run again on the node.
     */
    public enum RowPart {
        /** "Launch ▾" of an AWS console app. */
        LAUNCH,
        /** "Open" of a web app. */
        OPEN,
        /** "Connect" of a database. */
        CONNECT,
        /** "AWS CLI/SDK access ▾" of an AWS console app. */
        ACCESS,
        /** The "Cannot connect: …" line of a database Ferry cannot serve. */
        MARK
    }

    private final ResourceListViewModel vm;
    private final ConsoleLauncher launcher;
    private final CustomTextField search = new CustomTextField();
    /** The search box, the kind toggles and the count: the row notifications keep off. */
    private final HBox tools;
    private final ListView<Resource> list = new ListView<>();
    private final ToggleGroup kinds = new ToggleGroup();
    private final TunnelStarter tunnels;
    private RolePicker picker;

    public ResourceListView(WorkspaceViewModel workspace, ResourceListViewModel vm, ConsoleLauncher launcher) {
        this(workspace, vm, launcher, TunnelStarter.NONE);
    }

    public ResourceListView(WorkspaceViewModel workspace, ResourceListViewModel vm, ConsoleLauncher launcher,
                            TunnelStarter tunnels) {
        this(workspace, vm, launcher, tunnels, null);
    }

    /** @param discovery the workspace's database discovery (progress, result, Refresh), or null */
    public ResourceListView(WorkspaceViewModel workspace, ResourceListViewModel vm, ConsoleLauncher launcher,
                            TunnelStarter tunnels, DiscoveryViewModel discovery) {
        this.vm = vm;
        this.launcher = launcher;
        this.tunnels = tunnels;
        setId("resourcesView");
        setSpacing(12);
        setPadding(new Insets(18, 20, 12, 20));

        Label title = new Label();
        title.getStyleClass().add(Styles.TITLE_3);
        title.textProperty().bind(Bindings.createStringBinding(() -> {
            Workspace ws = workspace.workspaceProperty().get();
            return ws != null ? ws.name() : workspace.currentProperty().get() == null ? "No workspace"
                    : workspace.currentProperty().get().getFileName().toString();
        }, workspace.workspaceProperty(), workspace.currentProperty()));
        Label subtitle = new Label();
        subtitle.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        subtitle.textProperty().bind(Bindings.createStringBinding(() -> {
            Workspace ws = workspace.workspaceProperty().get();
            return ws == null ? "" : ws.kindTitle() + " · " + ws.source();
        }, workspace.workspaceProperty()));
        VBox header = new VBox(2, title, subtitle);

        Message problem = banner("This workspace could not be opened", "loadProblem", Styles.DANGER,
                workspace.loadProblemProperty());
        Message stale = banner("Showing the last version that loaded", "staleProblem", Styles.WARNING,
                workspace.staleProblemProperty());

        search.setId("search");
        search.setPromptText("Search name, description or label (env=prod)   Ctrl+F or /");
        search.textProperty().bindBidirectional(vm.queryProperty());
        Label glass = new Label("⌕");
        glass.getStyleClass().add(Styles.TEXT_MUTED);
        search.setLeft(glass);
        HBox.setHgrow(search, Priority.ALWAYS);
        search.addEventFilter(KeyEvent.KEY_PRESSED, e -> {
            if (e.getCode() == KeyCode.ESCAPE) {
                search.clear();
                e.consume();
            } else if (e.getCode() == KeyCode.DOWN && !vm.shown().isEmpty()) {
                list.requestFocus();
                if (list.getSelectionModel().getSelectedIndex() < 0) {
                    list.getSelectionModel().selectFirst();
                }
                e.consume();
            } else if (e.getCode() == KeyCode.ENTER && !vm.shown().isEmpty()) {
                if (list.getSelectionModel().getSelectedIndex() < 0) {
                    list.getSelectionModel().selectFirst();
                }
                primaryAction(list.getSelectionModel().getSelectedItem());
                e.consume();
            }
        });

        HBox kindBar = new HBox();
        kindBar.setId("kindFilter");
        ResourceFilter.Kind[] values = ResourceFilter.Kind.values();
        for (int i = 0; i < values.length; i++) {
            ResourceFilter.Kind k = values[i];
            ToggleButton b = new ToggleButton(k.title());
            b.setId("kind-" + k.name().toLowerCase());
            b.setUserData(k);
            b.setToggleGroup(kinds);
            b.getStyleClass().add(i == 0 ? Styles.LEFT_PILL : i == values.length - 1 ? Styles.RIGHT_PILL : Styles.CENTER_PILL);
            b.setFocusTraversable(false);
            b.setMinWidth(USE_PREF_SIZE); // the filters keep their words; the search box gives way
            kindBar.getChildren().add(b);
        }
        kinds.selectedToggleProperty().addListener((o, was, now) -> {
            if (now == null) {
                was.setSelected(true); // one is always selected
            } else {
                vm.kindProperty().set((ResourceFilter.Kind) now.getUserData());
            }
        });
        vm.kindProperty().addListener((o, was, now) -> selectKindToggle(now));
        selectKindToggle(vm.kindProperty().get());

        Label count = new Label();
        count.setId("resourceCount");
        count.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        count.textProperty().bind(Bindings.createStringBinding(() -> {
            int n = vm.shown().size();
            int all = vm.all().size();
            return n == all ? n + (n == 1 ? " resource" : " resources") : n + " of " + all;
        }, vm.shown(), vm.all()));
        count.setMinWidth(USE_PREF_SIZE);
        kindBar.setMinWidth(USE_PREF_SIZE);
        search.setMinWidth(120);
        tools = new HBox(12, search, kindBar, count);
        tools.setAlignment(Pos.CENTER_LEFT);

        list.setItems(vm.shown());
        list.setId("resourceList");
        list.getStyleClass().add("resource-list");
        Function<DatabaseResource, Optional<ServingMark>> marks = db -> Optional.ofNullable(
                workspace.providerProperty().get()).flatMap(p -> p.servingMark(db));
        list.setCellFactory(l -> new ResourceCell(launcher, this::primaryAction, this::showRolePicker, vm.queryProperty()::set,
                this::showAccessRolePicker, tunnels::connect, marks, new AppStarring() {
                    @Override
                    public dev.ferry.app.access.Stars stars() {
                        return workspace.appStars();
                    }

                    @Override
                    public void star(AppResource app, boolean on) {
                        workspace.starApp(app, on);
                    }
                }));
        VBox.setVgrow(list, Priority.ALWAYS);
        // Every row has the same height (one line each for name, description, mark, chips): with a
        // fixed cell size the list lays out a screenful of rows without measuring any after a keystroke.
        // (measured with the scene's styles once the list has its skin: its first CSS pass in the window)
        list.skinProperty().addListener((o, was, now) -> fitCellSize());
        ProgressIndicator loading = new ProgressIndicator();
        loading.setPrefSize(28, 28);
        loading.visibleProperty().bind(workspace.loadingProperty());
        loading.managedProperty().bind(loading.visibleProperty());
        Label empty = new Label();
        empty.getStyleClass().add(Styles.TEXT_MUTED);
        empty.textProperty().bind(Bindings.createStringBinding(() -> {
            if (workspace.loadingProperty().get()) {
                return "Loading workspace…";
            }
            if (workspace.loadProblemProperty().get() != null) {
                return "Nothing to show: the workspace file has problems.";
            }
            if (workspace.workspaceProperty().get() == null) {
                return "Open a workspace file to see its apps and databases.";
            }
            if (vm.all().isEmpty() && discovery != null && discovery.scanningProperty().get()) {
                return "Scanning the workspace's accounts and regions for databases…";
            }
            return vm.all().isEmpty() ? "This workspace declares no apps or databases." : "Nothing matches the search.";
        }, workspace.loadingProperty(), workspace.loadProblemProperty(), workspace.workspaceProperty(), vm.all(),
                discovery == null ? new javafx.beans.property.SimpleBooleanProperty() : discovery.scanningProperty()));
        VBox placeholder = new VBox(10, loading, empty);
        placeholder.setAlignment(Pos.CENTER);
        list.setPlaceholder(placeholder);
        list.addEventFilter(KeyEvent.KEY_PRESSED, e -> {
            if (e.getCode() == KeyCode.ENTER) {
                primaryAction(list.getSelectionModel().getSelectedItem());
                e.consume();
            } else if (e.getCode() == KeyCode.ESCAPE) {
                search.clear();
                search.requestFocus();
                e.consume();
            }
        });

        getChildren().addAll(header, problem, stale, tools);
        if (discovery != null) {
            getChildren().add(discoveryBar(discovery));
        }
        getChildren().add(list);
    }

    /** "Scanning 3 of 8 account/regions…" with a progress bar, or what the last scan found; what failed; Refresh. */
    private static HBox discoveryBar(DiscoveryViewModel d) {
        ProgressBar bar = new ProgressBar();
        bar.setId("discoveryProgress");
        bar.setPrefWidth(120);
        bar.progressProperty().bind(d.progressProperty());
        bar.visibleProperty().bind(d.scanningProperty());
        bar.managedProperty().bind(bar.visibleProperty());
        Label status = new Label();
        status.setId("discoveryStatus");
        status.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        status.textProperty().bind(d.statusProperty());
        status.setMinWidth(0);
        Label failed = new Label();
        failed.setId("discoveryFailures");
        failed.getStyleClass().addAll(Styles.WARNING, Styles.TEXT_SMALL);
        failed.textProperty().bind(Bindings.createStringBinding(() -> {
            long n = d.failuresProperty().get().lines().count();
            return n == 0 ? "" : "⚠ " + n + (n == 1 ? " part" : " parts") + " not listed";
        }, d.failuresProperty()));
        Tooltip why = new Tooltip();
        why.textProperty().bind(d.failuresProperty());
        failed.setTooltip(why);
        failed.visibleProperty().bind(d.failuresProperty().isNotEmpty());
        failed.managedProperty().bind(failed.visibleProperty());
        failed.setMinWidth(USE_PREF_SIZE);
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        Button refresh = new Button("Refresh");
        refresh.setId("discoveryRefresh");
        refresh.getStyleClass().addAll(Styles.BUTTON_OUTLINED, Styles.SMALL);
        refresh.setTooltip(new Tooltip("Scan the workspace's accounts and regions for databases again"));
        refresh.disableProperty().bind(d.scanningProperty());
        refresh.setOnAction(e -> d.refresh());
        refresh.setFocusTraversable(false);
        refresh.setMinWidth(USE_PREF_SIZE);
        HBox box = new HBox(10, bar, status, failed, gap, refresh);
        box.setId("discoveryBar");
        box.setAlignment(Pos.CENTER_LEFT);
        box.visibleProperty().bind(d.enabledProperty());
        box.managedProperty().bind(box.visibleProperty());
        return box;
    }

    private void fitCellSize() {
        if (list.getScene() != null && list.getSkin() != null) {
            list.setFixedCellSize(ResourceCell.fixedCellSize(list.getScene(), launcher));
        }
    }

    private void selectKindToggle(ResourceFilter.Kind k) {
        kinds.getToggles().stream().filter(t -> t.getUserData() == k).findFirst().ifPresent(t -> t.setSelected(true));
    }

    public void focusSearch() {
        search.requestFocus();
        search.selectAll();
    }

    /** The row of the search box and the filter toggles. */
    public Node searchBar() {
        return tools;
    }

    public ListView<Resource> list() {
        return list;
    }

    /** Enter on a row: launch an AWS console, open a web app, connect to a database. */
    public void primaryAction(Resource r) {
        if (r instanceof dev.ferry.app.model.DatabaseResource db) {
            tunnels.connect(db);
        } else if (r instanceof AppResource app) {
            if (app.isAwsConsole()) {
                launcher.requestLaunch(app, roles -> showRolePicker(app, roles));
            } else {
                launcher.openWebApp(app);
            }
        }
    }

    private void showRolePicker(AppResource app, java.util.List<dev.ferry.app.model.AwsRole> roles) {
        if (picker != null) {
            picker.hide();
        }
        picker = new RolePicker(app.name(), roles, role -> launcher.launch(app, role))
                .addAction("Copy sign-in URL", "copySigninUrl", role -> launcher.copySignInUrl(app, role))
                .withStars(launcher.stars(app));
        launcher.lastRole(app).ifPresent(picker::select);
        picker.show(rowPart(RowPart.LAUNCH, app.name()).filter(Node::isVisible).orElse(list));
    }

    /** The role menu of "AWS CLI/SDK access": the picked role gets a local AWS API proxy. */
    private void showAccessRolePicker(AppResource app, java.util.List<dev.ferry.app.model.AwsRole> roles) {
        if (picker != null) {
            picker.hide();
        }
        picker = RolePicker.titled("AWS CLI/SDK access to " + app.name() + " as", roles, role -> {
            launcher.remember(app, role);
            tunnels.awsAccess(app, role);
        }).withStars(launcher.stars(app));
        launcher.lastRole(app).ifPresent(picker::select);
        picker.show(rowPart(RowPart.ACCESS, app.name()).filter(Node::isVisible).orElse(list));
    }

    /** Opens the role menu of an app's "AWS CLI/SDK access" button. */
    public void openAccessRolePicker(String appName) {
        vm.all().stream().filter(r -> r instanceof AppResource a && a.isAwsConsole() && r.name().equals(appName)).findFirst()
                .map(r -> (AppResource) r)
                .ifPresent(app -> launcher.requestRoles(app, "Cannot start AWS access for " + app.name(),
                        roles -> showAccessRolePicker(app, roles)));
    }

    /** Opens the role selector of an app (as its Launch button does). */
    public void openRolePicker(String appName) {
        vm.all().stream().filter(r -> r instanceof AppResource && r.name().equals(appName)).findFirst()
                .ifPresent(this::primaryAction);
    }

    /**
     * The node of {@code part} in the row that shows the resource named {@code name}, when a row
     * of the list shows it now and has that part (a database has no LAUNCH, an unmarked one no
     * MARK). FX thread.
     */
    public Optional<Node> rowPart(RowPart part, String name) {
        for (Node n : list.lookupAll("." + ResourceCell.CELL_CLASS)) {
            if (n instanceof ResourceCell cell && cell.isVisible() && cell.getItem() != null
                    && cell.getItem().name().equals(name)) {
                Node found = cell.part(part);
                if (found != null) {
                    return Optional.of(found);
                }
            }
        }
        return Optional.empty();
    }

    /** The role picker shown last, if any. */
    public Optional<RolePicker> rolePicker() {
        return Optional.ofNullable(picker);
    }

    /** A banner that shows a problem while there is one. */
    static Message banner(String title, String id, String style, javafx.beans.value.ObservableValue<Problem> problem) {
        Message m = new Message(title, "");
        m.setId(id);
        m.getStyleClass().add(style);
        m.descriptionProperty().bind(Bindings.createStringBinding(() -> {
            Problem p = problem.getValue();
            return p == null ? "" : p.text();
        }, problem));
        m.visibleProperty().bind(Bindings.createBooleanBinding(() -> problem.getValue() != null, problem));
        m.managedProperty().bind(m.visibleProperty());
        return m;
    }
}
