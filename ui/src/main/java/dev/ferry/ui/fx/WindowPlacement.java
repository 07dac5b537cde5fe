package dev.ferry.ui.fx;

import javafx.application.Platform;
import javafx.collections.ListChangeListener;
import javafx.geometry.Rectangle2D;
import javafx.stage.Screen;
import javafx.stage.Stage;
import javafx.stage.WindowEvent;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Where the main window opens and stays: the saved bounds, kept on a screen that is there now
 * (moved and shrunk onto the screen they overlap most, or centred on the primary screen when
 * that monitor is gone), else the default size centred on the primary screen.
 *
 * <p>Under a window manager JavaFX's GTK glass loses the size and position a stage was given
 * before it was shown (the window maps at GTK's default size, then grows to the stage's
 * minimum), so the bounds are given again once the window is shown. The same happens to a
 * window that is shown again from the tray. Measured under Openbox: without this the window
 * opened at 760×480 every time; with it at the saved size, also with both cores busy.
 */
public final class WindowPlacement {
    private WindowPlacement() {
    }

    /**
     * The bounds to open at.
     *
     * @param saved   the saved bounds (x and y may be NaN for "never placed"), or empty
     * @param screens the visual bounds of the screens now
     * @param primary the primary screen's visual bounds
     */
    public static Rectangle2D bounds(Optional<Rectangle2D> saved, double defaultWidth, double defaultHeight,
                                     double minWidth, double minHeight, List<Rectangle2D> screens, Rectangle2D primary) {
        double w = saved.map(Rectangle2D::getWidth).filter(v -> v > 0).orElse(defaultWidth);
        double h = saved.map(Rectangle2D::getHeight).filter(v -> v > 0).orElse(defaultHeight);
        Optional<Rectangle2D> placed = saved.filter(r -> !Double.isNaN(r.getMinX()) && !Double.isNaN(r.getMinY()));
        Optional<Rectangle2D> screen = placed.flatMap(r -> screens.stream()
                .filter(s -> overlap(s, new Rectangle2D(r.getMinX(), r.getMinY(), w, h)) > 0)
                .max(Comparator.comparingDouble(s -> overlap(s, new Rectangle2D(r.getMinX(), r.getMinY(), w, h)))));
        Rectangle2D on = screen.orElse(primary);
        double fw = Math.max(Math.min(w, on.getWidth()), Math.min(minWidth, on.getWidth()));
        double fh = Math.max(Math.min(h, on.getHeight()), Math.min(minHeight, on.getHeight()));
        double x;
        double y;
        if (screen.isPresent()) {
            x = clamp(placed.get().getMinX(), on.getMinX(), on.getMaxX() - fw);
            y = clamp(placed.get().getMinY(), on.getMinY(), on.getMaxY() - fh);
        } else {
            x = on.getMinX() + (on.getWidth() - fw) / 2;
            y = on.getMinY() + (on.getHeight() - fh) / 2;
        }
        return new Rectangle2D(Math.round(x), Math.round(y), Math.round(fw), Math.round(fh));
    }

    /** The visual bounds of the screens now. */
    public static List<Rectangle2D> screens() {
        return Screen.getScreens().stream().map(Screen::getVisualBounds).toList();
    }

    /**
     * Opens {@code stage} at {@code bounds} (maximized when asked), gives them again once it is
     * shown, and keeps it on a screen when monitors come and go.
     */
    public static void apply(Stage stage, Rectangle2D bounds, boolean maximized) {
        set(stage, bounds);
        if (maximized) {
            stage.setMaximized(true);
        }
        // WINDOW_SHOWN comes from show() itself, before any event of the window manager: the
        // stage still holds the bounds it was given (here, or by the caller before show()).
        stage.addEventHandler(WindowEvent.WINDOW_SHOWN, e -> {
            boolean max = stage.isMaximized();
            set(stage, current(stage));
            if (max) {
                Platform.runLater(() -> stage.setMaximized(true));
            }
        });
        ListChangeListener<Screen> monitorsChanged = c -> {
            if (stage.isShowing() && !stage.isMaximized()) {
                Rectangle2D now = current(stage);
                Rectangle2D kept = bounds(Optional.of(now), now.getWidth(), now.getHeight(), stage.getMinWidth(),
                        stage.getMinHeight(), screens(), Screen.getPrimary().getVisualBounds());
                if (!kept.equals(now)) {
                    set(stage, kept);
                }
            }
        };
        stage.addEventHandler(WindowEvent.WINDOW_SHOWN, e -> Screen.getScreens().addListener(monitorsChanged));
        stage.addEventHandler(WindowEvent.WINDOW_HIDDEN, e -> Screen.getScreens().removeListener(monitorsChanged));
    }

    private static Rectangle2D current(Stage stage) {
        return new Rectangle2D(stage.getX(), stage.getY(), stage.getWidth(), stage.getHeight());
    }

    private static void set(Stage stage, Rectangle2D b) {
        stage.setX(b.getMinX());
        stage.setY(b.getMinY());
        stage.setWidth(b.getWidth());
        stage.setHeight(b.getHeight());
    }

    private static double overlap(Rectangle2D a, Rectangle2D b) {
        double w = Math.min(a.getMaxX(), b.getMaxX()) - Math.max(a.getMinX(), b.getMinX());
        double h = Math.min(a.getMaxY(), b.getMaxY()) - Math.max(a.getMinY(), b.getMinY());
        return w > 0 && h > 0 ? w * h : 0;
    }

    private static double clamp(double v, double min, double max) {
        return Math.max(min, Math.min(v, Math.max(min, max)));
    }
}
