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
        long began = System.nanoTime();
        // SLF4J finds its provider (logback) without scanning every jar's META-INF/services:
        // about 25 ms of the desktop's start (and of every command).
        if (System.getProperty(SLF4J_PROVIDER) == null) {
            System.setProperty(SLF4J_PROVIDER, "ch.qos.logback.classic.spi.LogbackServiceProvider");
            if (System.getProperty(SLF4J_VERBOSITY) == null) { // else it says so on stderr, at every start
                System.setProperty(SLF4J_VERBOSITY, "WARN");
            }
        }
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
        FerryApp.launch(args, began);
    }

    /** A Prism setting, read when the toolkit starts (users may still set it themselves). */
    static final String REGION_CACHING = "prism.disableRegionCaching";
    /** SLF4J 2.0.9+: the provider class, skipping its service lookup. */
    static final String SLF4J_PROVIDER = "slf4j.provider";
    /** SLF4J's own messages on stderr: warnings and errors only. */
    static final String SLF4J_VERBOSITY = "slf4j.internal.verbosity";
}
