package dev.ferry.ui;

import dev.ferry.app.FerryCore;
import dev.ferry.app.FerryEnvironment;
import javafx.application.Application;
import javafx.stage.Stage;

/**
 * The JavaFX application: makes the core and reads the saved settings and window state in
 * {@link #init()} (the launcher thread, so the FX thread only builds and shows the window),
 * then hands everything to {@link FerryDesktop}.
 */
public final class FerryApp extends Application {
    private FerryCore core;
    private DesktopStart saved;
    private FerryDesktop desktop;

    @Override
    public void init() {
        core = new FerryCore(FerryEnvironment.system());
        saved = DesktopStart.read(core);
    }

    @Override
    public void start(Stage stage) {
        desktop = new FerryDesktop(core, stage, saved);
        desktop.show();
    }

    @Override
    public void stop() {
        if (desktop != null) {
            desktop.close();
        }
        core.close();
    }
}
