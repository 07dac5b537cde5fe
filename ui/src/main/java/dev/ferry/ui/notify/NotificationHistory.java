package dev.ferry.ui.notify;

import atlantafx.base.theme.Styles;
import dev.ferry.ui.fx.Dialogs;
import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.Window;

import java.util.List;
import java.util.function.Supplier;

/**
 * "Notifications (N)": a button that opens the history of this session's notifications, newest
 * first, each with its level, title, message, what to do, and "Copy details" for errors. Errors
 * shown only in a tab (and dismissed toasts) are there too.
 */
public final class NotificationHistory {
    private final Notifications model;
    private final Supplier<Window> owner;
    private final Button button = new Button();

    public NotificationHistory(Notifications model, Supplier<Window> owner) {
        this.model = model;
        this.owner = owner;
        button.setId("notificationHistory");
        button.getStyleClass().add(Styles.FLAT);
        button.setMaxWidth(Double.MAX_VALUE);
        button.textProperty().bind(Bindings.createStringBinding(() -> model.history().isEmpty() ? "Notifications"
                : "Notifications (" + model.history().size() + ")", model.history()));
        button.setOnAction(e -> show());
    }

    public Button button() {
        return button;
    }

    /** Opens the history dialog (FX thread). */
    public Dialog<ButtonType> show() {
        Dialog<ButtonType> d = new Dialog<>();
        d.setTitle("Notifications");
        d.getDialogPane().setId("notificationHistoryDialog");
        d.getDialogPane().getButtonTypes().add(ButtonType.CLOSE);
        VBox list = new VBox(12);
        list.setId("notificationHistoryList");
        Runnable fill = () -> list.getChildren().setAll(model.history().isEmpty()
                ? List.of(new Label("No notifications yet."))
                : newestFirst(model.history()).stream().map(NotificationHistory::entry).toList());
        fill.run();
        ListChangeListener<Notifications.Note> onChange = c -> fill.run();
        model.history().addListener(onChange);
        d.setOnHidden(e -> model.history().removeListener(onChange));
        ScrollPane scroll = new ScrollPane(list);
        scroll.setFitToWidth(true);
        scroll.setPrefSize(520, 360);
        d.getDialogPane().setContent(scroll);
        Dialogs.owned(d, owner.get()).show();
        return d;
    }

    private static List<Notifications.Note> newestFirst(List<Notifications.Note> notes) {
        List<Notifications.Note> copy = new java.util.ArrayList<>(notes);
        java.util.Collections.reverse(copy);
        return copy;
    }

    private static Region entry(Notifications.Note n) {
        Label level = new Label(switch (n.level()) {
            case INFO -> "Info";
            case SUCCESS -> "Done";
            case ERROR -> "Error";
        });
        level.getStyleClass().addAll(Styles.TEXT_SMALL, switch (n.level()) {
            case INFO -> Styles.ACCENT;
            case SUCCESS -> Styles.SUCCESS;
            case ERROR -> Styles.DANGER;
        });
        level.setMinWidth(Region.USE_PREF_SIZE);
        Label title = new Label(n.title());
        title.getStyleClass().add(Styles.TEXT_BOLD);
        title.setWrapText(true);
        Label message = new Label(n.details().isEmpty() ? n.message() : n.message() + "\n" + n.details());
        message.setWrapText(true);
        VBox text = new VBox(2, title, message);
        HBox.setHgrow(text, Priority.ALWAYS);
        HBox row = new HBox(10, level, text);
        row.getStyleClass().add("notification-history-entry");
        if (n.level() == Notifications.Level.ERROR) {
            Button copy = new Button("Copy details");
            copy.getStyleClass().add(Styles.SMALL);
            copy.setMinWidth(Region.USE_PREF_SIZE);
            copy.setOnAction(e -> {
                ClipboardContent c = new ClipboardContent();
                c.putString(n.text());
                Clipboard.getSystemClipboard().setContent(c);
                copy.setText("Copied");
            });
            row.getChildren().add(copy);
        }
        return row;
    }
}
