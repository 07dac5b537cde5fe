package dev.ferry.ui;

import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.cli.FerryCli;
import dev.ferry.app.instance.SingleInstance;
import dev.ferry.app.settings.FerryPaths;
import javafx.application.Application;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The installed program's entry point. A plain class (not an {@link Application}) so that
 * {@code java -jar} works with JavaFX on the class path. No arguments start the desktop app;
 * any argument runs the {@code ferry} command line instead, so one launcher serves both.
 * A second desktop launch hands over to the running one (its window comes forward) and exits.
 */
public final class Launcher {
    /**
     * The single-instance listener of this process, for {@link FerryApp} (JavaFX creates the
     * Application itself, so it cannot be handed over through a constructor).
     */
    private static volatile SingleInstance instance;

    private Launcher() {
    }

    public static void main(String[] args) {
        if (args.length > 0) {
            FerryCli.main(args);
            return;
        }
        try {
            Optional<SingleInstance> first = SingleInstance.claimOrHandOver(
                    FerryPaths.of(FerryEnvironment.system()).stateDir(), List.of(args));
            if (first.isEmpty()) {
                System.err.println("Ferry is already running: its window was brought to the front.");
                System.exit(0);
                return;
            }
            instance = first.get();
        } catch (IOException e) {
            System.err.println("Ferry could not check for a running copy (" + e.getMessage() + "); starting anyway.");
        }
        Application.launch(FerryApp.class, args);
    }

    static Optional<SingleInstance> instance() {
        return Optional.ofNullable(instance);
    }
}
