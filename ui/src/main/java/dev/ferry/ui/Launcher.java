package dev.ferry.ui;

import dev.ferry.app.cli.FerryCli;


/**
 * The installed program's entry point. A plain class (not a JavaFX {@code Application}) so that
 * {@code java -jar} works with JavaFX on the class path. No arguments start the desktop app;
 * any argument runs the {@code ferry} command line instead, so one launcher serves both.
 */
public final class Launcher {
    private Launcher() {
    }

    public static void main(String[] args) {
        if (args.length > 0) {
            FerryCli.main(args);
            return;
        }
        FerryApp.launch(args);
    }
}
