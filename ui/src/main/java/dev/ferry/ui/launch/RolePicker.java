package dev.ferry.ui.launch;

import atlantafx.base.controls.CustomTextField;
import atlantafx.base.theme.Styles;
import dev.ferry.app.model.AwsRole;
import javafx.collections.FXCollections;
import javafx.collections.transformation.FilteredList;
import javafx.geometry.Bounds;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.VBox;
import javafx.stage.Popup;

import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The role selector of a Launch button: a popup with a search box over the roles, each read
 * {@code <account>: <role> (<path>)}. Typing filters; arrows move; Enter or a click picks;
 * Escape closes. Where the workspace can star roles ({@link #withStars}), each such role has a
 * star (a click on it, or Ctrl+D on the selected role, toggles it) and starred roles come first.
 */
public final class RolePicker {
    public static final String STYLE_CLASS = "role-picker";
    /** The star toggle of a role (its user data is the role's ARN). */
    public static final String STAR_CLASS = "role-star";

    /** Which roles can be starred and are, and what a toggle does (it is remembered by the workspace). */
    public interface Stars {
        boolean canStar(AwsRole role);

        boolean isStarred(AwsRole role);

        void setStarred(AwsRole role, boolean starred);
    }

    private final Popup popup = new Popup();
    private final CustomTextField search = new CustomTextField();
    private final List<AwsRole> given;
    private final javafx.collections.ObservableList<AwsRole> all;
    private final FilteredList<AwsRole> shown;
    private Stars stars;
    private final ListView<AwsRole> list;
    private final Consumer<AwsRole> onPick;
    private final VBox box;

    public RolePicker(String appName, List<AwsRole> roles, Consumer<AwsRole> onPick) {
        this(roles, onPick, "Sign in to " + appName + " as");
    }

    /** A picker with its own title, e.g. for the AWS CLI/SDK access of an app. */
    public static RolePicker titled(String title, List<AwsRole> roles, Consumer<AwsRole> onPick) {
        return new RolePicker(roles, onPick, title);
    }

    private RolePicker(List<AwsRole> roles, Consumer<AwsRole> onPick, String titleText) {
        this.onPick = onPick;
        given = List.copyOf(roles);
        all = FXCollections.observableArrayList(roles);
        shown = new FilteredList<>(all);
        list = new ListView<>(shown);
        list.setId("rolePickerList");
        list.getStyleClass().addAll(Styles.DENSE);
        list.setCellFactory(l -> new ListCell<>() {
            @Override
            protected void updateItem(AwsRole r, boolean empty) {
                super.updateItem(r, empty);
                if (empty || r == null || stars == null || !stars.canStar(r)) {
                    setText(empty || r == null ? null : r.displayName());
                    setGraphic(null);
                    return;
                }
                setText(null);
                Label name = new Label(r.displayName());
                name.setMaxWidth(Double.MAX_VALUE);
                javafx.scene.layout.HBox.setHgrow(name, javafx.scene.layout.Priority.ALWAYS);
                setGraphic(new javafx.scene.layout.HBox(6, name, star(r)));
            }
        });
        list.setPrefHeight(Math.min(8, Math.max(roles.size(), 2)) * 30 + 6);
        list.setPrefWidth(360);
        list.setPlaceholder(new Label("No role matches"));
        list.setOnMouseClicked(e -> {
            if (e.getButton() == MouseButton.PRIMARY && list.getSelectionModel().getSelectedItem() != null) {
                pick(list.getSelectionModel().getSelectedItem());
            }
        });
        list.addEventFilter(KeyEvent.KEY_PRESSED, this::onKey);

        search.setId("rolePickerSearch");
        search.setPromptText("Search roles");
        search.textProperty().addListener((o, was, now) -> {
            String q = now == null ? "" : now.trim().toLowerCase(Locale.ROOT);
            shown.setPredicate(r -> q.isEmpty() || r.displayName().toLowerCase(Locale.ROOT).contains(q)
                    || r.arn().toLowerCase(Locale.ROOT).contains(q));
            list.getSelectionModel().selectFirst();
        });
        search.addEventFilter(KeyEvent.KEY_PRESSED, this::onKey);

        Label title = new Label(titleText);
        title.getStyleClass().addAll(Styles.TEXT_CAPTION, Styles.TEXT_MUTED);
        box = new VBox(8, title, search, list);
        box.setPadding(new Insets(10));
        box.getStyleClass().add(STYLE_CLASS);
        box.getStylesheets().add(RolePicker.class.getResource("/dev/ferry/ui/ferry.css").toExternalForm());
        popup.getContent().add(box);
        popup.setAutoHide(true);
        popup.setHideOnEscape(true);
        list.getSelectionModel().selectFirst();
    }

    /** A role's star: filled when starred; a click toggles it without picking the role. */
    private javafx.scene.control.Button star(AwsRole r) {
        boolean on = stars.isStarred(r);
        javafx.scene.control.Button b = new javafx.scene.control.Button(on ? "\u2605" : "\u2606");
        b.getStyleClass().addAll(STAR_CLASS, Styles.FLAT, Styles.SMALL);
        if (on) {
            b.getStyleClass().add(Styles.WARNING);
        }
        b.setUserData(r.arn());
        b.setFocusTraversable(false);
        b.setTooltip(new javafx.scene.control.Tooltip(on ? "Starred: listed first. Click to unstar (Ctrl+D)"
                : "Star: list it first (Ctrl+D)"));
        b.setOnAction(e -> toggleStar(r));
        b.addEventHandler(javafx.scene.input.MouseEvent.MOUSE_CLICKED, javafx.event.Event::consume);
        return b;
    }

    /**
     * Shows a star on each role {@code stars} can star and lists starred roles first; null: no stars.
     */
    public RolePicker withStars(Stars stars) {
        this.stars = stars;
        reorder(list.getSelectionModel().getSelectedItem());
        list.refresh();
        return this;
    }

    /** Stars the role (or takes the star away) and lists the starred roles first, the role staying selected. */
    public void toggleStar(AwsRole r) {
        if (stars == null || !stars.canStar(r)) {
            return;
        }
        stars.setStarred(r, !stars.isStarred(r));
        reorder(r);
        list.refresh();
    }

    /** Starred roles first, otherwise in the order given; keeps {@code selected} selected. */
    private void reorder(AwsRole selected) {
        if (stars == null) {
            return;
        }
        List<AwsRole> sorted = new java.util.ArrayList<>(given);
        sorted.sort(java.util.Comparator.comparingInt((AwsRole r) -> stars.isStarred(r) ? 0 : 1));
        all.setAll(sorted);
        if (selected != null && shown.contains(selected)) {
            list.getSelectionModel().select(selected);
            list.scrollTo(selected);
        } else {
            list.getSelectionModel().selectFirst();
        }
    }

    /** The roles as listed now (after the search). */
    public List<AwsRole> shownRoles() {
        return List.copyOf(shown);
    }

    /** Selects the role with this ARN when it is listed (the one picked last), else keeps the first. */
    public void select(String arn) {
        shown.stream().filter(r -> r.arn().equals(arn)).findFirst().ifPresent(r -> {
            list.getSelectionModel().select(r);
            list.scrollTo(r);
        });
    }

    /**
     * Adds an action under the list that acts on the selected role (e.g. "Copy sign-in URL")
     * and closes the picker.
     */
    public RolePicker addAction(String text, String id, Consumer<AwsRole> action) {
        javafx.scene.control.Button b = new javafx.scene.control.Button(text);
        b.setId(id);
        b.getStyleClass().addAll(Styles.SMALL, Styles.FLAT);
        b.disableProperty().bind(list.getSelectionModel().selectedItemProperty().isNull());
        b.setOnAction(e -> {
            AwsRole r = list.getSelectionModel().getSelectedItem();
            if (r != null) {
                popup.hide();
                action.accept(r);
            }
        });
        box.getChildren().add(b);
        return this;
    }

    private void onKey(KeyEvent e) {
        switch (e.getCode()) {
            case DOWN -> {
                move(1);
                e.consume();
            }
            case UP -> {
                move(-1);
                e.consume();
            }
            case ENTER -> {
                AwsRole r = list.getSelectionModel().getSelectedItem();
                if (r != null) {
                    pick(r);
                }
                e.consume();
            }
            case ESCAPE -> {
                popup.hide();
                e.consume();
            }
            case D -> {
                AwsRole r = list.getSelectionModel().getSelectedItem();
                if (e.isShortcutDown() && r != null) {
                    toggleStar(r);
                    e.consume();
                }
            }
            default -> {
            }
        }
    }

    private void move(int delta) {
        if (shown.isEmpty()) {
            return;
        }
        int i = list.getSelectionModel().getSelectedIndex();
        int next = Math.max(0, Math.min(shown.size() - 1, i < 0 ? 0 : i + delta));
        list.getSelectionModel().select(next);
        list.scrollTo(next);
    }

    private void pick(AwsRole role) {
        popup.hide();
        onPick.accept(role);
    }

    /** Shows the picker under the anchor, right edges aligned, with the search box focused. */
    public void show(Node anchor) {
        Bounds b = anchor.localToScreen(anchor.getBoundsInLocal());
        popup.show(anchor, b.getMinX(), b.getMaxY() + 4);
        double width = popup.getWidth();
        popup.setX(Math.max(0, b.getMaxX() - width));
        search.requestFocus();
    }

    public Popup popup() {
        return popup;
    }

    public boolean isShowing() {
        return popup.isShowing();
    }

    public void hide() {
        popup.hide();
    }
}
