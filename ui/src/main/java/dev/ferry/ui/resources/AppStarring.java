package dev.ferry.ui.resources;

import dev.ferry.app.access.Stars;
import dev.ferry.app.model.AppResource;

/** The stars of the list's apps, as a row shows and toggles them (FX thread). */
public interface AppStarring {
    /** No app can be starred. */
    AppStarring NONE = new AppStarring() {
        @Override
        public Stars stars() {
            return Stars.NONE;
        }

        @Override
        public void star(AppResource app, boolean on) {
        }
    };

    /** The stars now: a field read, cheap for every row. */
    Stars stars();

    /** Stars the app (or takes the star away): shown at once, saved and listed again in the background. */
    void star(AppResource app, boolean on);
}
