package dev.ferry.app.discovery;

/**
 * Hears about a {@link DiscoveryService}'s scans. Called on background threads (the UI moves
 * to its own thread); keep the calls quick.
 */
public interface DiscoveryListener {
    /** A scan started (on demand or by the timer). */
    default void started(ScanRun run) {
    }

    /** A running scan moved on. */
    default void progress(ScanProgress progress) {
    }

    /** A scan finished; its result is saved and is now {@link DiscoveryService#latest()}. */
    default void finished(DiscoveryResult result) {
    }

    /** A scan was cancelled; the previous result stays. */
    default void cancelled() {
    }

    /** A scan could not run at all (not a per-account failure: those are in the result). */
    default void failed(Throwable error) {
    }
}
