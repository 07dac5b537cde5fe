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
        // Ferry's theme is flat: region backgrounds are plain fills and rounded rectangles, cheap
        // to draw every frame. JavaFX's region cache would hold a 2048x1024 image for them
        // (8 MB of heap with software rendering, video memory otherwise): not worth it.
        if (System.getProperty(REGION_CACHING) == null) {
            System.setProperty(REGION_CACHING, "true");
        }
        FerryApp.launch(args);
    }

    /** A Prism setting, read when the toolkit starts (users may still set it themselves). */
    static final String REGION_CACHING = "prism.disableRegionCaching";
}
