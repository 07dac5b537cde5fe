package dev.ferry.ui.notify;

import atlantafx.base.controls.Notification;
import atlantafx.base.theme.Styles;
import javafx.animation.PauseTransition;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.VBox;
import javafx.util.Duration;

import java.util.HashMap;
import java.util.Map;

/**
 * The bottom-right overlay that shows {@link Notifications} as AtlantaFX {@link Notification}s:
 * below the tabs and the search box (never over them), at most {@link #WIDTH} wide and never
 * wider than the window leaves (no overflow past its left edge), each with a close button.
 * Clicks outside the notes fall through to the window below.
 */
public final class NotificationsView extends VBox {
    public static final String STYLE_CLASS = "ferry-notification";
    private static final Duration AUTO_HIDE = Duration.seconds(6);
    public static final double WIDTH = 400;
    private static final double MARGIN = 16;
    /** The toast's padding and its close button, beside the text. */
    private static final double CLOSE_ROOM = 64;
    /** The top of the window the toasts keep off: the tab headers and the search bar below them. */
    public static final double TOP_RESERVE = 130;

    private final Notifications model;
    private final Map<Long, Node> shown = new HashMap<>();

    public NotificationsView(Notifications model) {
        this.model = model;
        setId("notifications");
        setSpacing(10);
        setPadding(new Insets(MARGIN));
        setAlignment(Pos.BOTTOM_RIGHT);
        setPickOnBounds(false);
        setMaxWidth(USE_PREF_SIZE);
        setMaxHeight(USE_PREF_SIZE);
        model.notes().addListener((ListChangeListener<Notifications.Note>) c -> {
            while (c.next()) {
                c.getRemoved().forEach(n -> getChildren().remove(shown.remove(n.id())));
                c.getAddedSubList().forEach(this::show);
            }
        });
        parentProperty().addListener((o, was, now) -> {
            if (now instanceof javafx.scene.layout.Region r) {
                follow(r);
            }
        });
    }

    /**
     * Keeps the toasts below {@link #TOP_RESERVE}: when the laid-out stack reaches higher, the
     * oldest toast closes (it stays in the history), until it fits or one is left.
     */
    private void fit() {
        if (getChildren().size() > 1 && getLayoutY() + getChildren().get(0).getLayoutY() < TOP_RESERVE
                && getChildren().get(0).getUserData() instanceof Notifications.Note oldest) {
            model.dismiss(oldest);
        }
    }

    @Override
    protected void layoutChildren() {
        super.layoutChildren();
        if (getChildren().size() > 1 && getLayoutY() + getChildren().get(0).getLayoutY() < TOP_RESERVE) {
            javafx.application.Platform.runLater(this::fit);
        }
    }

    /** {@link #WIDTH}, or less when the window is narrower than that plus the margins. */
    private final javafx.beans.property.DoubleProperty noteWidth = new javafx.beans.property.SimpleDoubleProperty(WIDTH);

    private javafx.beans.property.DoubleProperty noteWidth() {
        return noteWidth;
    }

    private void follow(javafx.scene.layout.Region parent) {
        noteWidth.bind(javafx.beans.binding.Bindings.createDoubleBinding(
                () -> Math.max(160, Math.min(WIDTH, parent.getWidth() - 2 * MARGIN)), parent.widthProperty()));
    }

    private void show(Notifications.Note note) {
        Label title = new Label(note.title());
        title.getStyleClass().add(Styles.TEXT_BOLD);
        Label message = new Label(note.details().isEmpty() ? note.message() : note.message() + "\n" + note.details());
        message.setWrapText(true);
        VBox body = new VBox(4, title, message);
        Notification n = new Notification();
        n.setGraphic(body);
        n.setMessage("");
        n.getStyleClass().addAll(STYLE_CLASS, Styles.ELEVATED_2, switch (note.level()) {
            case INFO -> Styles.ACCENT;
            case SUCCESS -> Styles.SUCCESS;
            case ERROR -> Styles.DANGER;
        });
        n.setUserData(note);
        n.prefWidthProperty().bind(noteWidth());
        n.maxWidthProperty().bind(noteWidth());
        n.setMinWidth(USE_PREF_SIZE);
        body.setMinWidth(0);
        // The text's own width, else the skin lays the close button out past the toast's right edge.
        body.prefWidthProperty().bind(noteWidth().subtract(CLOSE_ROOM));
        body.maxWidthProperty().bind(noteWidth().subtract(CLOSE_ROOM));
        message.setMinWidth(0);
        title.setWrapText(true);
        n.setMaxHeight(USE_PREF_SIZE);
        n.setOnClose(e -> model.dismiss(note));
        if (note.level() == Notifications.Level.ERROR) {
            Button copy = new Button("Copy details");
            copy.getStyleClass().add(Styles.SMALL);
            copy.setOnAction(e -> {
                ClipboardContent content = new ClipboardContent();
                content.putString(note.text());
                Clipboard.getSystemClipboard().setContent(content);
                copy.setText("Copied");
            });
            n.setPrimaryActions(copy);
        } else {
            PauseTransition hide = new PauseTransition(AUTO_HIDE);
            hide.setOnFinished(e -> model.dismiss(note));
            hide.play();
        }
        shown.put(note.id(), n);
        getChildren().add(n);
    }
}
