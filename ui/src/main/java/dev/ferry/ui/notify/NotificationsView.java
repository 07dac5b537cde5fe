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
 * The top-right overlay that shows {@link Notifications} as AtlantaFX {@link Notification}s.
 * Clicks outside the notes fall through to the window below.
 */
public final class NotificationsView extends VBox {
    public static final String STYLE_CLASS = "ferry-notification";
    private static final Duration AUTO_HIDE = Duration.seconds(6);

    private final Notifications model;
    private final Map<Long, Node> shown = new HashMap<>();

    public NotificationsView(Notifications model) {
        this.model = model;
        setId("notifications");
        setSpacing(10);
        setPadding(new Insets(16));
        setAlignment(Pos.TOP_RIGHT);
        setPickOnBounds(false);
        setMaxWidth(USE_PREF_SIZE);
        setMaxHeight(USE_PREF_SIZE);
        model.notes().addListener((ListChangeListener<Notifications.Note>) c -> {
            while (c.next()) {
                c.getRemoved().forEach(n -> getChildren().remove(shown.remove(n.id())));
                c.getAddedSubList().forEach(this::show);
            }
        });
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
        n.setPrefWidth(400);
        n.setMaxWidth(400);
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
