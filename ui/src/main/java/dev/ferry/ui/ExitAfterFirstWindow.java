package dev.ferry.ui;

import javafx.application.Platform;
import javafx.collections.ListChangeListener;
import javafx.stage.Window;

/**
 * Quits the JavaFX app once its first window is on screen, whatever Application class runs.
 * Used only when {@code FERRY_EXIT_AFTER_SHOWN=1} (AppCDS training run at build time).
 * Written by hand because JavaFX has no hook before {@code Application.launch} starts the
 * toolkit: a daemon thread waits until {@link Platform#runLater} accepts work, then watches
 * {@link Window#getWindows()} on the FX thread.
 */
final class ExitAfterFirstWindow {

    private ExitAfterFirstWindow() {
    }

    static void arm() {
        Thread watcher = new Thread(ExitAfterFirstWindow::watchWhenToolkitIsUp, "ferry-exit-after-shown");
        watcher.setDaemon(true);
        watcher.start();
    }

    private static void watchWhenToolkitIsUp() {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            try {
                Platform.runLater(ExitAfterFirstWindow::watchWindows);
                return;
            } catch (IllegalStateException toolkitNotStartedYet) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static void watchWindows() {
        if (!Window.getWindows().isEmpty()) {
            exitSoon();
            return;
        }
        Window.getWindows().addListener((ListChangeListener<Window>) change -> exitSoon());
    }

    private static void exitSoon() {
        // One more turn of the FX queue so the shown window has been laid out and painted.
        Platform.runLater(() -> Platform.runLater(Platform::exit));
    }
}
