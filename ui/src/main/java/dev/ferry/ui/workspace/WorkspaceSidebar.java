package dev.ferry.ui.workspace;

import atlantafx.base.theme.Styles;
import dev.ferry.app.access.Identity;
import dev.ferry.ui.fx.Problem;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Window;

import java.io.File;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.function.Supplier;

/**
 * The left column: the workspace picker, "Open workspace file…", who the user is, and the
 * settings button.
 */
public final class WorkspaceSidebar extends VBox {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());

    private final WorkspaceViewModel vm;
    private final ComboBox<Path> picker = new ComboBox<>();
    private final VBox workspaceButtons = new VBox(2);
    private final VBox identityButtons = new VBox(4);
    private boolean updating;

    public WorkspaceSidebar(WorkspaceViewModel vm, Supplier<Window> owner, Runnable openSettings) {
        this.vm = vm;
        setId("sidebar");
        setSpacing(8);
        setPadding(new Insets(20, 16, 16, 16));
        setPrefWidth(280);
        setMinWidth(200);
        getStyleClass().add(Styles.BG_SUBTLE);
        getStyleClass().add("sidebar");

        Label brand = new Label("Ferry");
        brand.getStyleClass().add(Styles.TITLE_2);
        Label tagline = new Label("AWS consoles and databases");
        tagline.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);

        picker.setId("workspacePicker");
        picker.setItems(vm.known());
        picker.setMaxWidth(Double.MAX_VALUE);
        picker.setPromptText("No workspace");
        picker.setCellFactory(l -> new PathCell());
        picker.setButtonCell(new PathCell());
        vm.broken().addListener((javafx.collections.MapChangeListener<Path, dev.ferry.ui.fx.Problem>) c -> refreshCells());
        picker.valueProperty().addListener((o, was, now) -> {
            if (!updating && now != null && !now.equals(vm.currentProperty().get())) {
                vm.open(now);
            }
        });
        vm.currentProperty().addListener((o, was, now) -> {
            updating = true;
            try {
                picker.setValue(now);
            } finally {
                updating = false;
            }
        });

        Button openFile = new Button("Open workspace file…");
        openFile.setId("openWorkspaceFile");
        openFile.setMaxWidth(Double.MAX_VALUE);
        openFile.getStyleClass().add(Styles.FLAT);
        openFile.setOnAction(e -> {
            FileChooser chooser = new FileChooser();
            chooser.setTitle("Open a Ferry workspace file");
            chooser.getExtensionFilters().addAll(
                    new FileChooser.ExtensionFilter("Workspace files (*.yaml, *.yml)", "*.yaml", "*.yml"),
                    new FileChooser.ExtensionFilter("All files", "*"));
            Path cur = vm.currentProperty().get();
            if (cur != null && cur.getParent() != null) {
                chooser.setInitialDirectory(cur.getParent().toFile());
            }
            File f = chooser.showOpenDialog(owner.get());
            if (f != null) {
                vm.open(f.toPath());
            }
        });

        Region spacer = new Region();
        VBox.setVgrow(spacer, Priority.ALWAYS);
        Button settings = new Button("Settings");
        settings.setId("settingsButton");
        settings.getStyleClass().add(Styles.FLAT);
        settings.setMaxWidth(Double.MAX_VALUE);
        settings.setOnAction(e -> openSettings.run());

        workspaceButtons.getChildren().add(openFile);
        getChildren().addAll(brand, tagline, gap(14), caption("WORKSPACE"), picker, workspaceButtons, gap(14),
                caption("IDENTITY"), identityBox(), spacer, settings);
    }

    private VBox identityBox() {
        ProgressIndicator spinner = new ProgressIndicator();
        spinner.setPrefSize(16, 16);
        spinner.setMaxSize(16, 16);
        Label checking = new Label("Checking credentials…", spinner);
        checking.setId("identityLoading");
        checking.getStyleClass().add(Styles.TEXT_MUTED);
        checking.visibleProperty().bind(vm.identityLoadingProperty());
        checking.managedProperty().bind(checking.visibleProperty());

        Label principal = new Label();
        principal.setId("identity");
        principal.setWrapText(true);
        principal.getStyleClass().add(Styles.TEXT_BOLD);
        principal.textProperty().bind(Bindings.createStringBinding(() -> {
            Identity id = vm.identityProperty().get();
            return id == null ? "" : id.principal();
        }, vm.identityProperty()));
        principal.tooltipProperty().bind(Bindings.createObjectBinding(() -> {
            Identity id = vm.identityProperty().get();
            return id == null ? null : new Tooltip(id.principal());
        }, vm.identityProperty()));
        Label detail = new Label();
        detail.setWrapText(true);
        detail.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        detail.textProperty().bind(Bindings.createStringBinding(() -> {
            Identity id = vm.identityProperty().get();
            if (id == null) {
                return "";
            }
            String s = id.where();
            return id.expiresAt().map(t -> s + " · expires " + TIME.format(t)).orElse(s);
        }, vm.identityProperty()));
        detail.setId("identityDetail");
        VBox ok = new VBox(2, principal, detail, identityButtons);
        ok.visibleProperty().bind(vm.identityProperty().isNotNull());
        ok.managedProperty().bind(ok.visibleProperty());

        Label errorTitle = new Label("No usable credentials");
        errorTitle.getStyleClass().addAll(Styles.DANGER, Styles.TEXT_BOLD);
        Label error = new Label();
        error.setId("identityError");
        error.setWrapText(true);
        error.getStyleClass().add(Styles.TEXT_SMALL);
        error.textProperty().bind(Bindings.createStringBinding(() -> {
            Problem p = vm.identityProblemProperty().get();
            return p == null ? "" : p.text();
        }, vm.identityProblemProperty()));
        Button retry = new Button("Retry");
        retry.getStyleClass().addAll(Styles.SMALL, Styles.BUTTON_OUTLINED);
        retry.setOnAction(e -> vm.refreshIdentity());
        VBox failed = new VBox(4, errorTitle, error, retry);
        failed.visibleProperty().bind(vm.identityProblemProperty().isNotNull());
        failed.managedProperty().bind(failed.visibleProperty());

        Label none = new Label("Open a workspace to see who you are.");
        none.setWrapText(true);
        none.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        none.visibleProperty().bind(vm.providerProperty().isNull());
        none.managedProperty().bind(none.visibleProperty());

        VBox box = new VBox(6, checking, ok, failed, none, refreshBox());
        return box;
    }

    /** "Refresh list" with its progress, where the provider can list its resources again (Identity Center). */
    private VBox refreshBox() {
        Button refresh = new Button("Refresh list");
        refresh.setId("refreshResources");
        refresh.getStyleClass().addAll(Styles.SMALL, Styles.BUTTON_OUTLINED);
        refresh.setOnAction(e -> vm.refreshResources());
        refresh.disableProperty().bind(vm.refreshingProperty());
        ProgressIndicator spinner = new ProgressIndicator();
        spinner.setPrefSize(14, 14);
        spinner.setMaxSize(14, 14);
        Label progress = new Label("", spinner);
        progress.setId("refreshProgress");
        progress.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        progress.textProperty().bind(vm.refreshProgressProperty());
        progress.visibleProperty().bind(vm.refreshingProperty());
        progress.managedProperty().bind(progress.visibleProperty());
        VBox box = new VBox(4, refresh, progress);
        box.visibleProperty().bind(Bindings.createBooleanBinding(() -> {
            var p = vm.providerProperty().get();
            return p != null && p.can(dev.ferry.app.access.Capability.REFRESH) && vm.identityProperty().get() != null;
        }, vm.providerProperty(), vm.identityProperty()));
        box.managedProperty().bind(box.visibleProperty());
        return box;
    }

    /** A full-width flat button of the workspace section (e.g. "Add Teleport cluster…"). */
    public static Button workspaceButton(String id, String text, Runnable action) {
        Button b = new Button(text);
        b.setId(id);
        b.setMaxWidth(Double.MAX_VALUE);
        b.getStyleClass().add(Styles.FLAT);
        b.setOnAction(e -> action.run());
        return b;
    }

    /** Adds a button under "Open workspace file…" (e.g. "Add Teleport cluster…"). */
    /** Adds a button above Settings (e.g. the notification history). */
    public void addFooterButton(Node button) {
        getChildren().add(getChildren().size() - 1, button);
    }

    public void addWorkspaceButton(Node button) {
        workspaceButtons.getChildren().add(button);
    }

    /** Adds a button under who the user is (e.g. "Sign out"). */
    public void addIdentityButton(Node button) {
        identityButtons.getChildren().add(button);
    }

    private static Label caption(String text) {
        Label l = new Label(text);
        l.getStyleClass().addAll(Styles.TEXT_CAPTION, Styles.TEXT_MUTED);
        return l;
    }

    private static Region gap(double h) {
        Region r = new Region();
        r.setMinHeight(h);
        return r;
    }

    /** A workspace file: its name, with the folder as a tooltip. */
    /** A workspace file in the picker: its name, marked "broken" (with why in the tooltip) when it cannot be used. */
    private final class PathCell extends ListCell<Path> {
        PathCell() {
            cells.add(new java.lang.ref.WeakReference<>(this));
        }

        @Override
        protected void updateItem(Path item, boolean empty) {
            super.updateItem(item, empty);
            getStyleClass().remove("broken-workspace");
            if (empty || item == null) {
                setText(null);
                setTooltip(null);
                setGraphic(null);
            } else {
                String name = item.getFileName().toString().replaceFirst("\\.ya?ml$", "");
                dev.ferry.ui.fx.Problem p = vm.broken().get(item);
                if (p == null) {
                    setText(name);
                    setTooltip(new Tooltip(item.toString()));
                } else {
                    setText(name + " — broken");
                    getStyleClass().add("broken-workspace");
                    setTooltip(new Tooltip(item + "\n" + p.text()));
                }
            }
        }

        void refresh() {
            updateItem(getItem(), isEmpty());
        }
    }

    private final java.util.List<java.lang.ref.WeakReference<PathCell>> cells = new java.util.ArrayList<>();

    private void refreshCells() {
        cells.removeIf(r -> r.get() == null);
        cells.forEach(r -> {
            PathCell c = r.get();
            if (c != null) {
                c.refresh();
            }
        });
    }
}
