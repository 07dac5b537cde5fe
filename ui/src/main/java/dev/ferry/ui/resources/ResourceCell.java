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
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/** One row of the resource list: kind badge; name and type, description and label chips; the actions, stacked. */
final class ResourceCell extends ListCell<Resource> {
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
        getStyleClass().add("resource-cell");
        setPrefWidth(0); // fit the list's width instead of growing a horizontal scroll bar
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
        Label badge = new Label(badgeText(r));
        badge.getStyleClass().addAll("kind-badge", app ? "app" : "database");
        badge.setTooltip(new Tooltip(app ? "App" : "Database"));

        // Name, description and chips share the room left of the buttons and give way first:
        // the name and description elide (their tooltip has the whole text), chips wrap, and a
        // chip wider than the row elides (its tooltip names it). The buttons keep their size.
        Label name = new Label(r.name());
        name.getStyleClass().add("resource-name");
        // The type gives way before the name; a name longer than 140 px elides too.
        name.minWidthProperty().bind(Bindings.createDoubleBinding(() -> Math.min(140, name.prefWidth(-1)),
                name.textProperty(), name.fontProperty()));
        Label type = new Label(r.typeName());
        type.getStyleClass().addAll("resource-type", Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        type.setMinWidth(0);
        HBox nameLine = new HBox(8, name, type);
        nameLine.setAlignment(Pos.BASELINE_LEFT);
        nameLine.setMinWidth(0);
        Tooltip whole = new Tooltip(r.name() + " (" + r.typeName() + ")"
                + (r.description() == null || r.description().isBlank() ? "" : "\n" + r.description()));
        name.setTooltip(whole);
        type.setTooltip(whole);

        Label description = new Label(r.description());
        description.getStyleClass().add("resource-description");
        description.setWrapText(false);
        description.setMinWidth(0);
        description.setTooltip(whole);
        description.setVisible(r.description() != null && !r.description().isBlank());
        description.setManaged(description.isVisible());
        FlowPane chips = new FlowPane(6, 4);
        chips.setMinWidth(0);
        chips.setPrefWrapLength(0);
        for (Map.Entry<String, String> l : r.labels().entrySet()) {
            String text = l.getKey() + "=" + l.getValue();
            Label chip = new Label(text);
            chip.getStyleClass().add("chip");
            chip.setOnMouseClicked(e -> search.accept(text));
            chip.setTooltip(new Tooltip("Filter by " + text));
            chip.maxWidthProperty().bind(chips.widthProperty());
            chips.getChildren().add(chip);
        }
        VBox middle = new VBox(4, nameLine, description, chips);
        Optional<ServingMark> mark = r instanceof DatabaseResource db ? marks.apply(db) : Optional.empty();
        if (mark.isPresent()) {
            // Plain words on the row, the whole reason (and what to do) in its tooltip; Connect is off.
            Label why = new Label("Cannot connect: " + mark.get().reason().title());
            why.getStyleClass().addAll(MARK_CLASS, Styles.WARNING, Styles.TEXT_SMALL);
            why.setId("mark-" + r.name());
            why.setMinWidth(0);
            Tooltip reason = new Tooltip(mark.get().message());
            reason.setWrapText(true);
            reason.setMaxWidth(480);
            why.setTooltip(reason);
            middle.getChildren().add(1, why);
        }
        middle.setAlignment(Pos.CENTER_LEFT);
        middle.setMinWidth(0);
        middle.setPrefWidth(0);
        HBox.setHgrow(middle, Priority.ALWAYS);

        HBox row = new HBox(16, badge, middle, action(r, mark.isPresent()));
        row.setAlignment(Pos.CENTER_LEFT);
        setGraphic(row);
    }

    private VBox action(Resource r, boolean marked) {
        Button b;
        if (r instanceof AppResource app && app.isAwsConsole()) {
            b = new Button("Launch ▾");
            b.getStyleClass().add(Styles.ACCENT);
            ProgressIndicator busy = new ProgressIndicator();
            busy.setPrefSize(16, 16);
            busy.setMaxSize(16, 16);
            BooleanBinding launching = Bindings.createBooleanBinding(() -> launcher.busy().contains(app.name()), launcher.busy());
            busy.visibleProperty().bind(launching);
            b.disableProperty().bind(launching);
            b.setGraphic(busy);
            b.setContentDisplay(ContentDisplay.RIGHT);
            busy.managedProperty().bind(launching);
            b.setOnAction(e -> launcher.requestLaunch(app, roles -> pickRole.accept(app, roles)));
            b.setId("launch-" + app.name());
        } else if (r instanceof AppResource app) {
            b = new Button("Open");
            b.getStyleClass().add(Styles.BUTTON_OUTLINED);
            b.setOnAction(e -> primary.accept(app));
        } else {
            DatabaseResource db = (DatabaseResource) r;
            b = new Button("Connect");
            b.getStyleClass().add(Styles.ACCENT);
            b.setOnAction(e -> connect.accept(db));
            b.setId("connect-" + db.name());
            b.setDisable(marked);
        }
        b.getStyleClass().add(ACTION_CLASS);
        b.setUserData(r);
        b.setMinWidth(ACTIONS_WIDTH); // at least; the column is as wide as its widest button
        b.setMaxWidth(Double.MAX_VALUE);
        b.setFocusTraversable(false);
        VBox box = new VBox(6, b);
        if (r instanceof AppResource app && app.isAwsConsole()) {
            Button access = new Button("AWS CLI/SDK access ▾");
            access.getStyleClass().addAll(Styles.BUTTON_OUTLINED, ACCESS_CLASS);
            access.setId("access-" + app.name());
            access.setUserData(r);
            access.setFocusTraversable(false);
            access.setMinWidth(ACTIONS_WIDTH);
            access.setMaxWidth(Double.MAX_VALUE);
            access.setOnAction(e -> launcher.requestRoles(app, "Cannot start AWS access for " + app.name(),
                    roles -> pickAccessRole.accept(app, roles)));
            box.getChildren().add(access);
        }
        box.setAlignment(Pos.CENTER);
        box.setMinWidth(USE_PREF_SIZE);
        return box;
    }

    private static String badgeText(Resource r) {
        if (r instanceof AppResource app) {
            return app.isAwsConsole() ? "AWS" : "WEB";
        }
        return "DB";
    }
}
