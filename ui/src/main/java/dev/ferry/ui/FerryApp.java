package dev.ferry.ui;

import dev.ferry.app.FerryCore;
import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.instance.SingleInstance;
import dev.ferry.app.settings.FerryPaths;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.stage.Stage;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The JavaFX application: makes the core and reads the saved settings and window state in
 * {@link #init()} (the launcher thread, so the FX thread only builds and shows the window),
 * then hands everything to {@link FerryDesktop}. A second desktop launch hands over to the
 * running one (its window comes forward) and exits, before any window. Quitting, and an OS shutdown (a shutdown
 * hook), close the core once, within {@link #CLOSE_DEADLINE}: every tunnel stops and the
 * open ones are remembered for the next start.
 */
public final class FerryApp extends Application {
    static final Duration CLOSE_DEADLINE = Duration.ofSeconds(5);

    private FerryCore core;
    private DesktopStart saved;
    private FerryDesktop desktop;
    private final AtomicBoolean closed = new AtomicBoolean();
    private Thread shutdownHook;
    /** This process's claim on being the one desktop Ferry (a second launch hands over to it). */
    private SingleInstance instance;

    @Override
    public void init() {
        FerryEnvironment env = FerryEnvironment.system();
        try {
            Optional<SingleInstance> first = SingleInstance.claimOrHandOver(FerryPaths.of(env).stateDir(), getParameters().getRaw());
            if (first.isEmpty()) {
                System.err.println("Ferry is already running: its window was brought to the front.");
                System.exit(0);
                return;
            }
            instance = first.get();
        } catch (IOException e) {
            System.err.println("Ferry could not check for a running copy (" + e.getMessage() + "); starting anyway.");
        }
        core = new FerryCore(env);
        saved = DesktopStart.read(core);
        shutdownHook = new Thread(() -> closeCore(core, closed), "ferry-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    @Override
    public void start(Stage stage) {
        desktop = new FerryDesktop(core, stage, saved);
        if (instance != null) {
            instance.onMessage(args -> Platform.runLater(desktop::bringToFront));
        }
        // The tray (AWT start-up) comes once the window is up: nothing competes with the first frame.
        stage.addEventHandler(javafx.stage.WindowEvent.WINDOW_SHOWN, e -> desktop.enableTray());
        desktop.show();
    }

    @Override
    public void stop() {
        if (desktop != null) {
            desktop.close();
        }
        closeCore(core, closed);
        if (instance != null) {
            instance.close();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // already shutting down
        }
        // AWT (tray) threads would keep the JVM alive
        System.exit(0);
    }

    /**
     * Closes the core once: stops every tunnel (remembering the open ones) and the background
     * threads, giving up after {@link #CLOSE_DEADLINE} so a stuck tunnel cannot block quitting
     * or an OS shutdown.
     */
    static void closeCore(FerryCore core, AtomicBoolean closed) {
        if (core == null || !closed.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(core::close, "ferry-close");
        t.setDaemon(true);
        t.start();
        try {
            t.join(CLOSE_DEADLINE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (t.isAlive()) {
            FerryDesktop.LOG.warn("Tunnels did not stop within {} s; quitting anyway.", CLOSE_DEADLINE.toSeconds());
        }
    }
}
