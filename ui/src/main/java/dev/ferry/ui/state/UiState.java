package dev.ferry.ui.state;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.ferry.app.settings.FerryPaths;
import dev.ferry.app.settings.KeepsUnknownFields;
import dev.ferry.app.settings.JsonFileStore;

/**
 * What the window looked like when Ferry last closed, saved atomically as
 * {@code <state dir>/ui-state.json}. Unknown fields are kept.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class UiState extends KeepsUnknownFields {
    public static final double DEFAULT_WIDTH = 1100;
    public static final double DEFAULT_HEIGHT = 720;

    /** The window's outer bounds (with the window manager's frame), in screen coordinates. */
    public Double x;
    public Double y;
    public double width = DEFAULT_WIDTH;
    public double height = DEFAULT_HEIGHT;
    public boolean maximized;
    /** Index of the selected document tab. */
    public int selectedTab;
    /** ALL, APPS or DATABASES. */
    public String kindFilter = "ALL";
    /** What the OS theme detection said last time (so a dark desktop does not flash light at start). */
    public Boolean lastSystemDark;
    /** Whether Ferry has said once that closing the window keeps it (and its tunnels) in the tray. */
    public boolean trayHintShown;

    public static JsonFileStore<UiState> store(FerryPaths paths) {
        return new JsonFileStore<>(paths.stateDir().resolve("ui-state.json"), UiState.class, UiState::new, false);
    }
}
