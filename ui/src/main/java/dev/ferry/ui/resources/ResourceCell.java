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
import javafx.css.PseudoClass;
import javafx.geometry.Pos;
import javafx.scene.Node;
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
 *
 * <p>What a keystroke in the search box costs is mostly CSS, so an update never makes CSS run
 * again on the row's nodes: no ids or style classes change (the badge's kind is a pseudo-class,
 * which only picks among styles already matched), and no node joins or leaves the row. Each
 * cell holds the buttons of every kind (Launch and AWS access, Open, Connect) and shows those of
 * the resource's kind; an empty cell keeps its row, hidden.
 */
final class ResourceCell extends ListCell<Resource> {
    static final String CELL_CLASS = "resource-cell";
    static final String ACTION_CLASS = "resource-action";
    static final String ACCESS_CLASS = "resource-access";
    /** The "Cannot connect: …" line of a database Ferry cannot serve. */
    static final String MARK_CLASS = "serving-mark";
    /** The star toggle of an app that can be starred. */
    static final String STAR_CLASS = "resource-star";
    /** The buttons' column: wide enough for "AWS CLI/SDK access ▾", the same in every row. */
    static final double ACTIONS_WIDTH = 184;
    static final PseudoClass APP = PseudoClass.getPseudoClass("app");
    static final PseudoClass DATABASE = PseudoClass.getPseudoClass("database");

    /** The kinds of row, by the buttons they show. */
    private enum Shape { CONSOLE, WEB, DATABASE }

    private final ConsoleLauncher launcher;
    private final Consumer<Resource> primary;
    private final BiConsumer<AppResource, List<AwsRole>> pickRole;
    private final Function<DatabaseResource, Optional<ServingMark>> marks;
    private final AppStarring stars;
    /** The star of an app that can be starred (starred apps come first); hidden on other rows. */
    private final Button star = new Button();

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
    private final Button launch = new Button("Launch ▾");
    private final Button open = new Button("Open");
    private final Button connect = new Button("Connect");
    private final Button access = new Button("AWS CLI/SDK access ▾");
    private final ProgressIndicator busy = new ProgressIndicator();
    /** The row's menu of an AWS console app (right-click): also for a one-role app, whose Launch opens at once. */
    private final ContextMenu consoleMenu = new ContextMenu();
    private final HBox row;
    /** What the row shows now: its resource (the last one, when the cell is empty) and its kind of row. */
    private Resource filled;
    private Shape shape;

    ResourceCell(ConsoleLauncher launcher, Consumer<Resource> primary,
                 BiConsumer<AppResource, List<AwsRole>> pickRole, Consumer<String> search,
                 BiConsumer<AppResource, List<AwsRole>> pickAccessRole, Consumer<DatabaseResource> connectTo,
                 Function<DatabaseResource, Optional<ServingMark>> marks, AppStarring stars) {
        this.marks = marks;
        this.stars = stars;
        this.launcher = launcher;
        this.primary = primary;
        this.pickRole = pickRole;
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

        // Launch shows a spinner while it works; the spinner joins the button only then (a graphic
        // that is there but not managed is left out of the button by its skin, for good).
        busy.setPrefSize(16, 16);
        busy.setMaxSize(16, 16);
        BooleanBinding launching = Bindings.createBooleanBinding(() -> getItem() instanceof AppResource a
                && a.isAwsConsole() && launcher.busy().contains(a.name()), launcher.busy(), itemProperty());
        launching.addListener((o, was, now) -> launch.setGraphic(now ? busy : null));
        launch.disableProperty().bind(launching);
        launch.setContentDisplay(ContentDisplay.RIGHT);
        launch.setTooltip(new Tooltip("Open the AWS console as a role (right-click: Copy sign-in URL)"));
        launch.setOnAction(e -> act(getItem()));
        open.setOnAction(e -> act(getItem()));
        connect.disableProperty().bind(mark.visibleProperty()); // (a mark is only on a database)
        connect.setOnAction(e -> {
            if (getItem() instanceof DatabaseResource db) {
                connectTo.accept(db);
            }
        });
        access.setOnAction(e -> {
            if (getItem() instanceof AppResource app) {
                launcher.requestRoles(app, "Cannot start AWS access for " + app.name(),
                        roles -> pickAccessRole.accept(app, roles));
            }
        });
        launch.getStyleClass().addAll(Styles.ACCENT, ACTION_CLASS);
        connect.getStyleClass().addAll(Styles.ACCENT, ACTION_CLASS);
        open.getStyleClass().addAll(Styles.BUTTON_OUTLINED, ACTION_CLASS);
        access.getStyleClass().addAll(Styles.BUTTON_OUTLINED, ACCESS_CLASS);
        VBox actions = new VBox(6, launch, open, connect, access);
        for (Node b : actions.getChildren()) {
            Button button = (Button) b;
            button.setFocusTraversable(false); // the list has the keyboard: Enter runs the row's first button
            button.setMinWidth(ACTIONS_WIDTH); // at least; the column is as wide as its widest button
            button.setMaxWidth(Double.MAX_VALUE);
            button.managedProperty().bind(button.visibleProperty());
            button.setVisible(false);
        }
        actions.setAlignment(Pos.CENTER);
        actions.setMinWidth(USE_PREF_SIZE);

        MenuItem launchItem = new MenuItem("Launch");
        launchItem.setId("launchMenu");
        launchItem.setOnAction(e -> act(getItem()));
        MenuItem copy = new MenuItem("Copy sign-in URL");
        copy.setId("copySigninUrlMenu");
        copy.setOnAction(e -> {
            if (getItem() instanceof AppResource app) {
                launcher.requestCopySignInUrl(app, roles -> pickRole.accept(app, roles));
            }
        });
        consoleMenu.getItems().addAll(launchItem, copy);

        star.getStyleClass().addAll(Styles.BUTTON_ICON, Styles.FLAT, STAR_CLASS);
        star.setFocusTraversable(false);
        star.setTooltip(new Tooltip("Star: starred accounts come first"));
        star.managedProperty().bind(star.visibleProperty());
        star.setVisible(false);
        star.setOnAction(e -> {
            if (getItem() instanceof AppResource a) {
                stars.star(a, !stars.stars().isStarred(a.name()));
                star(a);
            }
        });

        row = new HBox(16, star, badge, middle, actions);
        row.setAlignment(Pos.CENTER_LEFT);
        row.setVisible(false);
        setGraphic(row);
    }

    @Override
    protected void updateItem(Resource r, boolean empty) {
        super.updateItem(r, empty);
        setText(null);
        if (empty || r == null) {
            // The row stays in the cell, hidden: taken out and put back, it had CSS run on it again.
            row.setVisible(false);
            setUserData(null);
            if (getContextMenu() != null) {
                setContextMenu(null);
            }
            return;
        }
        setUserData(r);
        // The mark follows the workspace's provider: asked again even for the resource shown already.
        Optional<ServingMark> m = r instanceof DatabaseResource db ? marks.apply(db) : Optional.empty();
        mark.setVisible(m.isPresent());
        mark.setText(m.map(x -> "Cannot connect: " + x.reason().title()).orElse(""));
        markTip.setText(m.map(ServingMark::message).orElse(""));
        if (r != filled) {
            filled = r;
            fill(r);
        }
        star(r); // a star follows the workspace's favourites: asked again even for the resource shown already
        ContextMenu menu = shape == Shape.CONSOLE ? consoleMenu : null;
        if (getContextMenu() != menu) {
            setContextMenu(menu);
        }
        row.setVisible(true);
    }

    private void fill(Resource r) {
        boolean app = r instanceof AppResource;
        boolean console = r instanceof AppResource a && a.isAwsConsole();
        badge.setText(console ? "AWS" : app ? "WEB" : "DB");
        badge.pseudoClassStateChanged(APP, app);
        badge.pseudoClassStateChanged(DATABASE, !app);
        badgeTip.setText(app ? "App" : "Database");

        name.setText(r.name());
        type.setText(r.typeName());
        boolean described = r.description() != null && !r.description().isBlank();
        whole.setText(r.name() + " (" + r.typeName() + ")" + (described ? "\n" + r.description() : ""));
        description.setText(r.description());
        description.setVisible(described);
        chips(r.labels());

        Shape now = console ? Shape.CONSOLE : app ? Shape.WEB : Shape.DATABASE;
        if (now != shape) {
            shape = now;
            launch.setVisible(now == Shape.CONSOLE);
            access.setVisible(now == Shape.CONSOLE);
            open.setVisible(now == Shape.WEB);
            connect.setVisible(now == Shape.DATABASE);
        }
        // What a screen reader says for the row's buttons: the button and its resource.
        switch (now) {
            case CONSOLE -> {
                launch.setAccessibleText("Launch the AWS console of " + r.name());
                access.setAccessibleText("AWS CLI/SDK access to " + r.name());
            }
            case WEB -> open.setAccessibleText("Open " + r.name());
            case DATABASE -> connect.setAccessibleText("Connect to " + r.name());
        }
    }

    /** Shows the row's star (★ starred, ☆ not), named for screen readers and tests: "Star prod". */
    private void star(Resource r) {
        var s = stars.stars();
        boolean starrable = r instanceof AppResource && s.canStar(r.name());
        star.setVisible(starrable);
        if (starrable) {
            boolean on = s.isStarred(r.name());
            star.setText(on ? "★" : "☆");
            star.setAccessibleText((on ? "Unstar " : "Star ") + r.name());
        }
    }

    private void chips(Map<String, String> labels) {
        chipTexts.clear();
        for (Map.Entry<String, String> l : labels.entrySet()) {
            chipTexts.add(l.getKey() + "=" + l.getValue());
        }
        chips.set(chipTexts);
    }

    /** The node of {@code p} in this row for the resource it shows, or null when the row has no such part. */
    Node part(ResourceListView.RowPart p) {
        if (isEmpty() || getItem() == null) {
            return null;
        }
        return switch (p) {
            case LAUNCH -> shape == Shape.CONSOLE ? launch : null;
            case ACCESS -> shape == Shape.CONSOLE ? access : null;
            case OPEN -> shape == Shape.WEB ? open : null;
            case CONNECT -> shape == Shape.DATABASE ? connect : null;
            case MARK -> mark.isVisible() ? mark : null;
        };
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
                    x -> { }, db -> Optional.of(mark), AppStarring.NONE);
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

    /** Launch, Open and the row menu's Launch: the list's primary action (as Enter on the row). */
    private void act(Resource r) {
        if (r != null) {
            primary.accept(r);
        }
    }
}
