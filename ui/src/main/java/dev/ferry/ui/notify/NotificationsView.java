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
 * below the controls it is told to keep off ({@link #keepBelow}: the tabs and the search box,
 * measured where they are laid out now, at any window size), at most {@link #WIDTH} wide and never
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
    /** The room kept between the lowest control the toasts keep off and the top toast. */
    private static final double GAP = 8;

    private java.util.function.Supplier<java.util.List<Node>> keepOff = java.util.List::of;

    private final Notifications model;
    private double lastReserve = Double.NaN;
    private final Runnable watchReserve = () -> {
        double now = topReserve();
        if (now != lastReserve) {
            lastReserve = now;
            if (getParent() != null) {
                getParent().requestLayout();
            }
        }
    };
    private final Map<Long, Node> shown = new HashMap<>();

    public NotificationsView(Notifications model) {
        this.model = model;
        setId("notifications");
        setSpacing(10);
        setPadding(new Insets(MARGIN));
        setAlignment(Pos.BOTTOM_RIGHT);
        setPickOnBounds(false);
        setMaxWidth(USE_PREF_SIZE);
        model.notes().addListener((ListChangeListener<Notifications.Note>) c -> {
            while (c.next()) {
                c.getRemoved().forEach(n -> getChildren().remove(shown.remove(n.id())));
                c.getAddedSubList().forEach(this::show);
            }
        });
        // A control laid out lower (a banner appeared above the search box) changes the room
        // without laying the overlay out again: look after each layout pass.
        sceneProperty().addListener((o, was, now) -> {
            if (was != null) {
                was.removePostLayoutPulseListener(watchReserve);
            }
            if (now != null) {
                now.addPostLayoutPulseListener(watchReserve);
            }
        });
        parentProperty().addListener((o, was, now) -> {
            if (now instanceof javafx.scene.layout.Region r) {
                follow(r);
            }
        });
    }

    /**
     * The controls the toasts never cover (asked at every layout, so a control laid out lower
     * at another window size or shown later counts; hidden ones do not).
     */
    public void keepBelow(java.util.function.Supplier<java.util.List<Node>> controls) {
        this.keepOff = controls;
        requestLayout();
    }

    /**
     * Where the toasts may begin, in the parent's coordinates: below the lowest shown control of
     * {@link #keepBelow}, or the margin when there is none.
     */
    public double topReserve() {
        double top = MARGIN;
        if (getParent() == null) {
            return top;
        }
        for (Node n : keepOff.get()) {
            if (n != null && n.getScene() == getScene() && treeVisible(n)) {
                javafx.geometry.Bounds b = n.localToScene(n.getLayoutBounds());
                top = Math.max(top, getParent().sceneToLocal(b.getMinX(), b.getMaxY()).getY() + GAP);
            }
        }
        return top;
    }

    private static boolean treeVisible(Node n) {
        for (Node at = n; at != null; at = at.getParent()) {
            if (!at.isVisible()) {
                return false;
            }
        }
        return true;
    }

    /** The height the stack may take: from the bottom of the parent up to {@link #topReserve()}. */
    private double room() {
        return getParent() instanceof javafx.scene.layout.Region r ? Math.max(0, r.getHeight() - topReserve()) : Double.MAX_VALUE;
    }

    /** Never taller than the room below the controls it keeps off (a toast too tall for it shrinks and elides). */
    @Override
    protected double computeMaxHeight(double width) {
        return Math.min(prefHeight(width), room());
    }

    private boolean tooFull() {
        return getChildren().size() > 1 && prefHeight(getWidth()) > room();
    }

    /**
     * Keeps the toasts below {@link #topReserve()}: while the stack needs more room than there is,
     * the oldest toast closes (it stays in the history), until it fits or one is left.
     */
    private void fit() {
        if (tooFull() && getChildren().get(0).getUserData() instanceof Notifications.Note oldest) {
            model.dismiss(oldest);
        }
    }

    @Override
    protected void layoutChildren() {
        super.layoutChildren();
        if (tooFull()) {
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
        message.setMinHeight(0); // a toast with less room than it needs elides its message (Copy details has it all)
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
