package dev.ferry.ui;

import java.util.concurrent.TimeUnit;

/**
 * When the desktop's start-up steps ended, in milliseconds since {@code Launcher.main} began:
 * logged after the "window shown" line so that bench/startup.sh can say where the time to the
 * first window goes. Each step is marked by the thread that does it; read once the window shows.
 */
final class StartupPhases {
    private final long origin;
    /** The single-instance claim, logging, the core, settings and window state (ferry-prepare). */
    private volatile long prepared;
    /** JavaFX's toolkit up: {@code Application.init} called. */
    private volatile long toolkit;
    /** The start window shown. */
    private volatile long startWindow;
    /** The desktop's scene graph made, before it is laid out and takes the start window's place. */
    private volatile long built;
    /** The desktop shown (its scene laid out in the window). */
    private volatile long shown;

    StartupPhases(long originNanos) {
        this.origin = originNanos;
    }

    void prepared() {
        prepared = System.nanoTime();
    }

    void toolkit() {
        toolkit = System.nanoTime();
    }

    void startWindow() {
        startWindow = System.nanoTime();
    }

    void built() {
        built = System.nanoTime();
    }

    void shown() {
        shown = System.nanoTime();
    }

    private long ms(long at) {
        return at == 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(at - origin);
    }

    /** "Start-up since main: toolkit 80 ms, prepared 170 ms, start window 200 ms, desktop built 280 ms, shown 500 ms". */
    String describe() {
        return "Start-up since main: toolkit " + ms(toolkit) + " ms, prepared " + ms(prepared) + " ms, start window "
                + ms(startWindow) + " ms, desktop built " + ms(built) + " ms, desktop shown " + ms(shown) + " ms";
    }
}
