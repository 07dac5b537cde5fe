package dev.ferry.ui.fx;

import javafx.application.Platform;
import javafx.geometry.Rectangle2D;
import javafx.scene.control.Dialog;
import javafx.scene.control.DialogPane;
import javafx.stage.Screen;
import javafx.stage.Stage;
import javafx.stage.Window;
import javafx.stage.WindowEvent;

import java.util.List;

/**
 * Every dialog goes through {@link #owned}: owned by the window it belongs to (on top of it,
 * modal to it, in its task-bar entry), centred on it, decorated, and never smaller than its
 * content.
 *
 * <p>Why not JavaFX's defaults: under a window manager (Openbox, GNOME, KDE) GTK glass gives a
 * fixed-size dialog the size hints of a stale size, so a dialog opened a second time came up
 * at (0,0) with its title bar off screen and its content clipped. A resizable dialog keeps its
 * size; its minimum is set to its content once the window manager has framed it, and it is
 * centred on its owner (kept on the owner's screen).
 */
public final class Dialogs {
    private Dialogs() {
    }

    /** Owns {@code dialog} by {@code owner} (when there is one showing) and places it as above; returns it. */
    public static <D extends Dialog<?>> D owned(D dialog, Window owner) {
        if (owner != null && owner.isShowing() && dialog.getOwner() == null) {
            dialog.initOwner(owner);
        }
        dialog.setResizable(true);
        Window window = dialog.getDialogPane().getScene().getWindow();
        window.addEventHandler(WindowEvent.WINDOW_SHOWN, e -> Platform.runLater(() -> fit(dialog, window)));
        return dialog;
    }

    /** Minimum size = the content's preferred size (plus the frame), then centred on the owner. */
    static void fit(Dialog<?> dialog, Window window) {
        if (!window.isShowing()) {
            return;
        }
        DialogPane pane = dialog.getDialogPane();
        double frameW = Math.max(0, window.getWidth() - window.getScene().getWidth());
        double frameH = Math.max(0, window.getHeight() - window.getScene().getHeight());
        double prefW = pane.prefWidth(-1);
        double prefH = pane.prefHeight(prefW);
        if (window instanceof Stage stage) {
            stage.setMinWidth(prefW + frameW);
            stage.setMinHeight(prefH + frameH);
        }
        if (window.getWidth() < prefW + frameW) {
            window.setWidth(prefW + frameW);
        }
        if (window.getHeight() < prefH + frameH) {
            window.setHeight(prefH + frameH);
        }
        Window owner = dialog.getOwner();
        Rectangle2D area = owner != null ? screenOf(owner) : Screen.getPrimary().getVisualBounds();
        Rectangle2D around = owner != null ? new Rectangle2D(owner.getX(), owner.getY(), owner.getWidth(), owner.getHeight()) : area;
        double x = around.getMinX() + (around.getWidth() - window.getWidth()) / 2;
        double y = around.getMinY() + (around.getHeight() - window.getHeight()) / 2;
        x = Math.max(area.getMinX(), Math.min(x, area.getMaxX() - window.getWidth()));
        y = Math.max(area.getMinY(), Math.min(y, area.getMaxY() - window.getHeight()));
        if (Math.abs(window.getX() - x) >= 1 || Math.abs(window.getY() - y) >= 1) {
            window.setX(Math.round(x));
            window.setY(Math.round(y));
        }
    }

    /** The visual bounds of the screen that shows most of {@code w}. */
    static Rectangle2D screenOf(Window w) {
        List<Screen> screens = Screen.getScreensForRectangle(w.getX(), w.getY(), Math.max(1, w.getWidth()), Math.max(1, w.getHeight()));
        return (screens.isEmpty() ? Screen.getPrimary() : screens.get(0)).getVisualBounds();
    }
}
