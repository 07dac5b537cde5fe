package dev.ferry.ui;

import dev.ferry.app.cli.FerryCli;
import javafx.application.Application;

/**
 * Entry point of the packaged app and of {@code ferry-desktop.jar}: no arguments opens the
 * desktop window, any argument runs the {@code ferry} command line. It does not extend
 * {@link Application} so that it also starts from a plain class path.
 *
 * <p>With {@code FERRY_EXIT_AFTER_SHOWN=1} the app quits as soon as its first window is shown;
 * the installer build uses that to record the AppCDS archive (see installers/README.md).
 */
public final class Launcher {

    private Launcher() {
    }

    public static void main(String[] args) {
        if (args.length > 0) {
            FerryCli.main(args);
            return;
        }
        if ("1".equals(System.getenv("FERRY_EXIT_AFTER_SHOWN"))) {
            ExitAfterFirstWindow.arm();
        }
        Application.launch(FerryDesktopStub.class);
    }
}
