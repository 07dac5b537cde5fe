package dev.ferry.ui;

import dev.ferry.app.FerryCore;
import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.instance.SingleInstance;
import dev.ferry.app.logging.FerryLogging;
import dev.ferry.app.settings.FerryPaths;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.stage.Stage;
import javafx.stage.WindowEvent;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The desktop app's life cycle, and the composition root of the desktop.
 *
 * <p>Start-up runs two things at once (they are independent and this matters for the time to
 * the first window): {@link #launch} starts a thread that claims the single instance, makes the
 * {@link FerryCore} and reads the settings and window state, and then JavaFX starts its toolkit
 * (GTK, the graphics pipeline) meanwhile. {@link #init()} waits for that thread's result; the FX
 * thread then only builds and shows the window.
 *
 * <p>A second desktop launch hands over to the running one (its window comes forward) and
 * exits, before any window. Quitting, and an OS shutdown (a shutdown hook), close the core
 * once, within {@link #CLOSE_DEADLINE}: every tunnel stops and the open ones are remembered
 * for the next start.
 */
public final class FerryApp extends Application {
    static final Duration CLOSE_DEADLINE = Duration.ofSeconds(5);
    /**
     * The start-up work {@link #launch} begins before JavaFX makes this class. JavaFX creates
     * the Application itself (no constructor arguments), so this hand-over is the only way in;
     * {@link #init()} takes it once and clears it.
     */
    private static final AtomicReference<CompletableFuture<Started>> STARTING = new AtomicReference<>();
    /** The start-up clock {@link #launch} begins, handed over the same way. */
    private static final AtomicReference<StartupPhases> PHASES = new AtomicReference<>();

    /** What start-up prepares off the FX thread. */
    private record Started(SingleInstance instance, FerryCore core, DesktopStart saved) {
    }

    private final AtomicBoolean closed = new AtomicBoolean();
    private FerryCore core;
    private DesktopStart saved;
    private FerryDesktop desktop;
    private Thread shutdownHook;
    /** This process's claim on being the one desktop Ferry (a second launch hands over to it). */
    private SingleInstance instance;
    private StartupPhases phases;

    /** Starts the desktop app (blocks until it quits); {@code began}: System.nanoTime() when main began. */
    public static void launch(String[] args, long began) {
        FerryEnvironment env = FerryEnvironment.system();
        List<String> raw = List.of(args);
        StartupPhases phases = new StartupPhases(began);
        PHASES.set(phases);
        STARTING.set(CompletableFuture.supplyAsync(() -> {
            Started s = prepare(env, raw);
            phases.prepared();
            return s;
        }, r -> new Thread(r, "ferry-prepare").start()));
        Application.launch(FerryApp.class, args);
    }

    /** Off the FX thread, while the toolkit starts. Exits when another Ferry takes over. */
    private static Started prepare(FerryEnvironment env, List<String> args) {
        SingleInstance instance = null;
        try {
            Optional<SingleInstance> first = SingleInstance.claimOrHandOver(FerryPaths.of(env).stateDir(), args);
            if (first.isEmpty()) {
                System.err.println("Ferry is already running: its window was brought to the front.");
                System.exit(0);
            }
            instance = first.get();
        } catch (IOException e) {
            System.err.println("Ferry could not check for a running copy (" + e.getMessage() + "); starting anyway.");
        }
        FerryLogging.toFile(FerryPaths.of(env).desktopLog());
        FerryLogging.logUncaughtExceptions();
        FerryCore core = new FerryCore(env, null, true);
        return new Started(instance, core, DesktopStart.read(core));
    }

    @Override
    public void init() {
        phases = PHASES.getAndSet(null);
        if (phases == null) {
            phases = new StartupPhases(System.nanoTime());
        }
        phases.toolkit();
        CompletableFuture<Started> started = STARTING.getAndSet(null);
        if (started == null) { // made some other way than launch(): prepare here
            started = CompletableFuture.completedFuture(prepare(FerryEnvironment.system(), getParameters().getRaw()));
        }
        Started s;
        try {
            s = started.join();
        } catch (CompletionException e) {
            throw new IllegalStateException("Ferry could not start: " + e.getCause().getMessage(), e.getCause());
        }
        instance = s.instance();
        core = s.core();
        saved = s.saved();
        shutdownHook = new Thread(() -> closeCore(core, closed), "ferry-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    @Override
    public void start(Stage stage) {
        StartupPhases clock = phases;
        stage.addEventHandler(WindowEvent.WINDOW_SHOWN, new javafx.event.EventHandler<WindowEvent>() {
            @Override
            public void handle(WindowEvent e) {
                stage.removeEventHandler(WindowEvent.WINDOW_SHOWN, this);
                clock.startWindow();
            }
        });
        // A start window at once; the desktop takes its place once it is made.
        FerryDesktop.open(core, stage, saved, d -> {
            desktop = d;
            clock.built();
            // An exception nobody caught on the FX thread: logged with its stack trace, and said in plain words.
            Thread.currentThread().setUncaughtExceptionHandler((t, e) -> {
                FerryDesktop.LOG.error("Uncaught exception on the JavaFX thread", e);
                d.notifications().error("Something went wrong", e);
            });
            if (instance != null) {
                instance.onMessage(a -> Platform.runLater(d::bringToFront));
            }
            // The tray (AWT start-up) comes once the desktop is up: nothing competes with its first frame.
            Platform.runLater(() -> { // after d.show(): its scene was laid out
                clock.shown();
                FerryDesktop.LOG.info(clock.describe());
                d.enableTray();
            });
        });
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
