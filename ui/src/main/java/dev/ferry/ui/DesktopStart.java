package dev.ferry.ui;

import dev.ferry.app.FerryCore;
import dev.ferry.app.settings.JsonFileStore;
import dev.ferry.app.settings.Settings;
import dev.ferry.ui.state.UiState;

/**
 * What the desktop reads from disk before its first frame: the settings (for the theme; the one
 * settings object of the process reads its file here)
 * and the UI state (window bounds, last tab and filter). Read off the FX thread.
 */
public record DesktopStart(Settings settings, UiState uiState, JsonFileStore<UiState> uiStore) {

    public static DesktopStart read(FerryCore core) {
        JsonFileStore<UiState> store = UiState.store(core.paths());
        return new DesktopStart(core.settings().get(), store.load(), store);
    }
}
