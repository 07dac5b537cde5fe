package dev.ferry.ui.resources;

import atlantafx.base.theme.Styles;
import dev.ferry.app.model.AppResource;
import dev.ferry.app.model.AwsRole;
import dev.ferry.app.model.DatabaseResource;
import dev.ferry.app.model.Resource;
import dev.ferry.app.model.ServingMark;
import dev.ferry.ui.launch.ConsoleLauncher;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ContentDisplay;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One row of the resource list: kind badge; name and type, description, the "cannot connect"
 * mark and label chips; the actions, stacked. The row's nodes are made once per cell and only
 * filled in for each resource it shows (the list reuses a screenful of cells for thousands of
 * resources; making nodes, tooltips and bindings per update cost more than a frame).
 */
final class ResourceCell extends ListCell<Resource> {
    static final String CELL_CLASS = "resource-cell";
    static final String ACTION_CLASS = "resource-action";
    static final String ACCESS_CLASS = "resource-access";
    /** The "Cannot connect: …" line of a database Ferry cannot serve. */
    static final String MARK_CLASS = "serving-mark";
    /** The buttons' column: wide enough for "AWS CLI/SDK access ▾", the same in every row. */
    static final double ACTIONS_WIDTH = 184;

    private final ConsoleLauncher launcher;
    private final Consumer<Resource> primary;
    private final BiConsumer<AppResource, List<AwsRole>> pickRole;
    private final Consumer<String> search;
    private final BiConsumer<AppResource, List<AwsRole>> pickAccessRole;
    private final Consumer<DatabaseResource> connect;
    private final Function<DatabaseResource, Optional<ServingMark>> marks;

    private final Label badge = new Label();
    private final Tooltip badgeTip = new Tooltip();
    private final Label name = new Label();
    private final Label type = new Label();
    private final Tooltip whole = new Tooltip();
    private final Label description = new Label();
    private final Label mark = new Label();
    private final Tooltip markTip = new Tooltip();
    private final ChipRow chips;
    private final List<String> chipTexts = new ArrayList<>();
    private final Button action = new Button();
    private final Button access = new Button("AWS CLI/SDK access ▾");
    private final ProgressIndicator busy = new ProgressIndicator();
    /** The row's menu of an AWS console app (right-click): also for a one-role app, whose Launch opens at once. */
    private final ContextMenu consoleMenu = new ContextMenu();
    private final Tooltip launchTip = new Tooltip("Open the AWS console as a role (right-click: Copy sign-in URL)");
    private final VBox actions = new VBox(6, action);
    private final HBox row;

    ResourceCell(ConsoleLauncher launcher, Consumer<Resource> primary,
                 BiConsumer<AppResource, List<AwsRole>> pickRole, Consumer<String> search,
                 BiConsumer<AppResource, List<AwsRole>> pickAccessRole, Consumer<DatabaseResource> connect,
                 Function<DatabaseResource, Optional<ServingMark>> marks) {
        this.marks = marks;
        this.launcher = launcher;
        this.primary = primary;
        this.pickRole = pickRole;
        this.search = search;
        this.pickAccessRole = pickAccessRole;
        this.connect = connect;
        this.chips = new ChipRow(search);
        getStyleClass().add(CELL_CLASS);
        setPrefWidth(0); // fit the list's width instead of growing a horizontal scroll bar

        badge.getStyleClass().add("kind-badge");
        badge.setTooltip(badgeTip);

        // Name, description and chips share the room left of the buttons and give way first:
        // the name and description elide (their tooltip has the whole text), the chips stay on
        // one line ("+N" names the others in its tooltip) and a chip wider than the row elides
        // (its tooltip names it). The buttons keep their size. Every line is one line, so every
        // row has the same height (the list's fixed cell size, see fixedCellSize).
        name.getStyleClass().add("resource-name");
        // The type gives way before the name; a name longer than 140 px elides too.
        name.minWidthProperty().bind(Bindings.createDoubleBinding(() -> Math.min(140, name.prefWidth(-1)),
                name.textProperty(), name.fontProperty()));
        type.getStyleClass().addAll("resource-type", Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        type.setMinWidth(0);
        HBox nameLine = new HBox(8, name, type);
        nameLine.setAlignment(Pos.BASELINE_LEFT);
        nameLine.setMinWidth(0);
        name.setTooltip(whole);
        type.setTooltip(whole);

        description.getStyleClass().add("resource-description");
        description.setWrapText(false);
        description.setMinWidth(0);
        description.setTooltip(whole);
        description.managedProperty().bind(description.visibleProperty());

        // Plain words on the row, the whole reason (and what to do) in its tooltip; Connect is off.
        mark.getStyleClass().addAll(MARK_CLASS, Styles.WARNING, Styles.TEXT_SMALL);
        mark.setMinWidth(0);
        markTip.setWrapText(true);
        markTip.setMaxWidth(480);
        mark.setTooltip(markTip);
        mark.managedProperty().bind(mark.visibleProperty());

        VBox middle = new VBox(4, nameLine, description, mark, chips);
        middle.setAlignment(Pos.CENTER_LEFT);
        middle.setMinWidth(0);
        middle.setPrefWidth(0);
        HBox.setHgrow(middle, Priority.ALWAYS);

        busy.setPrefSize(16, 16);
        busy.setMaxSize(16, 16);
        BooleanBinding launching = Bindings.createBooleanBinding(() -> getItem() instanceof AppResource a
                && a.isAwsConsole() && launcher.busy().contains(a.name()), launcher.busy(), itemProperty());
        busy.visibleProperty().bind(launching);
        busy.managedProperty().bind(launching);
        action.disableProperty().bind(launching.or(Bindings.createBooleanBinding(() -> mark.isVisible()
                && getItem() instanceof DatabaseResource, mark.visibleProperty(), itemProperty())));
        action.setContentDisplay(ContentDisplay.RIGHT);
        action.getStyleClass().add(ACTION_CLASS);
        action.setMinWidth(ACTIONS_WIDTH); // at least; the column is as wide as its widest button
        action.setMaxWidth(Double.MAX_VALUE);
        action.setFocusTraversable(false);
        action.setOnAction(e -> act(getItem()));

        access.getStyleClass().addAll(Styles.BUTTON_OUTLINED, ACCESS_CLASS);
        access.setFocusTraversable(false);
        access.setMinWidth(ACTIONS_WIDTH);
        access.setMaxWidth(Double.MAX_VALUE);
        access.setOnAction(e -> {
            if (getItem() instanceof AppResource app) {
                launcher.requestRoles(app, "Cannot start AWS access for " + app.name(),
                        roles -> pickAccessRole.accept(app, roles));
            }
        });
        actions.setAlignment(Pos.CENTER);
        actions.setMinWidth(USE_PREF_SIZE);

        MenuItem launch = new MenuItem("Launch");
        launch.setId("launchMenu");
        launch.setOnAction(e -> act(getItem()));
        MenuItem copy = new MenuItem("Copy sign-in URL");
        copy.setId("copySigninUrlMenu");
        copy.setOnAction(e -> {
            if (getItem() instanceof AppResource app) {
                launcher.requestCopySignInUrl(app, roles -> pickRole.accept(app, roles));
            }
        });
        consoleMenu.getItems().addAll(launch, copy);

        row = new HBox(16, badge, middle, actions);
        row.setAlignment(Pos.CENTER_LEFT);
    }

    @Override
    protected void updateItem(Resource r, boolean empty) {
        super.updateItem(r, empty);
        setText(null);
        if (empty || r == null) {
            setGraphic(null);
            setUserData(null);
            return;
        }
        setUserData(r);
        boolean app = r instanceof AppResource;
        badge.setText(badgeText(r));
        swapStyle(badge, app ? "database" : "app", app ? "app" : "database");
        badgeTip.setText(app ? "App" : "Database");

        name.setText(r.name());
        type.setText(r.typeName());
        boolean described = r.description() != null && !r.description().isBlank();
        whole.setText(r.name() + " (" + r.typeName() + ")" + (described ? "\n" + r.description() : ""));
        description.setText(r.description());
        description.setVisible(described);

        Optional<ServingMark> m = r instanceof DatabaseResource db ? marks.apply(db) : Optional.empty();
        mark.setVisible(m.isPresent());
        mark.setText(m.map(x -> "Cannot connect: " + x.reason().title()).orElse(""));
        markTip.setText(m.map(ServingMark::message).orElse(""));

        chips(r.labels());
        action(r);
        if (getGraphic() != row) {
            setGraphic(row);
        }
    }

    private void chips(Map<String, String> labels) {
        chipTexts.clear();
        for (Map.Entry<String, String> l : labels.entrySet()) {
            chipTexts.add(l.getKey() + "=" + l.getValue());
        }
        chips.set(chipTexts);
    }

    /**
     * The height of the tallest row this cell can show (a database with a description, a
     * "Cannot connect" mark and labels; an AWS console app with its two buttons), with the
     * styles of {@code scene}: the list's fixed cell size, so that the list never measures rows.
     */
    static double fixedCellSize(javafx.scene.Scene scene, ConsoleLauncher launcher) {
        ServingMark mark = new ServingMark(ServingMark.Reason.IAM_AUTH_OFF, "");
        Map<String, String> labels = Map.of("env", "prod", "team", "team-1");
        List<Resource> tallest = List.of(
                new DatabaseResource("db", "Described", "postgres", "db:5432", labels, null, null, null, null),
                new AppResource("app", "Described", "https://console.aws.amazon.com/", null, labels, "AWS", null));
        double h = 0;
        for (Resource r : tallest) {
            ResourceCell cell = new ResourceCell(launcher, x -> { }, (a, b) -> { }, x -> { }, (a, b) -> { },
                    x -> { }, db -> Optional.of(mark));
            cell.updateItem(r, false);
            javafx.scene.layout.StackPane list = new javafx.scene.layout.StackPane(cell);
            list.getStyleClass().addAll("list-view", "resource-list");
            javafx.scene.Scene measuring = new javafx.scene.Scene(list);
            measuring.getStylesheets().setAll(scene.getStylesheets());
            list.applyCss();
            // (the list makes a row as high as the larger of the two: the min holds the graphic's min height)
            h = Math.max(h, Math.max(cell.prefHeight(-1), cell.minHeight(-1)));
        }
        return Math.ceil(h);
    }

    private void action(Resource r) {
        action.setUserData(r);
        boolean outlined = r instanceof AppResource a && !a.isAwsConsole();
        swapStyle(action, outlined ? Styles.ACCENT : Styles.BUTTON_OUTLINED, outlined ? Styles.BUTTON_OUTLINED : Styles.ACCENT);
        boolean console = r instanceof AppResource a && a.isAwsConsole();
        if (console) {
            action.setText("Launch ▾");
            action.setGraphic(busy);
        } else if (r instanceof AppResource) {
            action.setText("Open");
            action.setGraphic(null);
        } else {
            action.setText("Connect");
            action.setGraphic(null);
        }
        ContextMenu menu = console ? consoleMenu : null;
        if (getContextMenu() != menu) {
            setContextMenu(menu);
            action.setTooltip(console ? launchTip : null);
        }
        if (console) {
            access.setUserData(r);
            if (actions.getChildren().size() == 1) {
                actions.getChildren().add(access);
            }
        } else if (actions.getChildren().size() > 1) {
            actions.getChildren().remove(access);
            access.setUserData(null);
        }
    }

    /** The node of {@code p} in this row for the resource it shows, or null when the row has no such part. */
    javafx.scene.Node part(ResourceListView.RowPart p) {
        Resource r = getItem();
        boolean console = r instanceof AppResource a && a.isAwsConsole();
        return switch (p) {
            case LAUNCH -> console ? action : null;
            case OPEN -> r instanceof AppResource && !console ? action : null;
            case CONNECT -> r instanceof DatabaseResource ? action : null;
            case ACCESS -> console ? access : null;
            case MARK -> r instanceof DatabaseResource && mark.isVisible() ? mark : null;
        };
    }

    /** Changes a style class only when it must: every change makes CSS run again on the node. */
    private static void swapStyle(javafx.scene.Node n, String off, String on) {
        n.getStyleClass().remove(off);
        if (!n.getStyleClass().contains(on)) {
            n.getStyleClass().add(on);
        }
    }

    private void act(Resource r) {
        if (r instanceof AppResource app && app.isAwsConsole()) {
            launcher.requestLaunch(app, roles -> pickRole.accept(app, roles));
        } else if (r instanceof AppResource app) {
            primary.accept(app);
        } else if (r instanceof DatabaseResource db) {
            connect.accept(db);
        }
    }

    private static String badgeText(Resource r) {
        if (r instanceof AppResource app) {
            return app.isAwsConsole() ? "AWS" : "WEB";
        }
        return "DB";
    }
}
