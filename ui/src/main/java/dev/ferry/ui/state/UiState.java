package dev.ferry.ui.state;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.ferry.app.settings.FerryPaths;
import dev.ferry.app.settings.JsonFileStore;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the window looked like when Ferry last closed, saved atomically as
 * {@code <state dir>/ui-state.json}. Unknown fields are kept.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class UiState {
    public Double x;
    public Double y;
    public double width = 1100;
    public double height = 720;
    public boolean maximized;
    /** Index of the selected document tab. */
    public int selectedTab;
    /** ALL, APPS or DATABASES. */
    public String kindFilter = "ALL";
    /** What the OS theme detection said last time (so a dark desktop does not flash light at start). */
    public Boolean lastSystemDark;
    /** Whether Ferry has said once that closing the window keeps it (and its tunnels) in the tray. */
    public boolean trayHintShown;

    private final Map<String, Object> unknown = new LinkedHashMap<>();

    public static JsonFileStore<UiState> store(FerryPaths paths) {
        return new JsonFileStore<>(paths.stateDir().resolve("ui-state.json"), UiState.class, UiState::new, false);
    }

    @JsonAnySetter
    public void setUnknown(String key, Object value) {
        unknown.put(key, value);
    }

    @JsonAnyGetter
    public Map<String, Object> unknown() {
        return unknown;
    }
}
