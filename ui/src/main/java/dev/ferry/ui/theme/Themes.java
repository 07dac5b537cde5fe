package dev.ferry.ui.theme;

import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import atlantafx.base.theme.Theme;
import dev.ferry.app.settings.Settings;
import javafx.application.Application;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;

/**
 * Light or dark: the user's choice, or the OS's when the choice is SYSTEM. Applies AtlantaFX
 * Primer Light/Dark as the application's user-agent stylesheet. FX thread only.
 */
public final class Themes {
    public static final Theme LIGHT = new PrimerLight();
    public static final Theme DARK = new PrimerDark();

    private final ObjectProperty<Settings.Theme> preference = new SimpleObjectProperty<>(Settings.Theme.SYSTEM);
    private final BooleanProperty systemDark = new SimpleBooleanProperty(false);
    private final BooleanBinding dark;

    public Themes(Settings.Theme initial, boolean systemDarkGuess) {
        preference.set(initial == null ? Settings.Theme.SYSTEM : initial);
        systemDark.set(systemDarkGuess);
        dark = Bindings.createBooleanBinding(() -> switch (preference.get()) {
            case DARK -> true;
            case LIGHT -> false;
            case SYSTEM -> systemDark.get();
        }, preference, systemDark);
        dark.addListener((o, was, now) -> apply());
        apply();
    }

    public ObjectProperty<Settings.Theme> preferenceProperty() {
        return preference;
    }

    /** What the OS said (set from a background detection). */
    public BooleanProperty systemDarkProperty() {
        return systemDark;
    }

    public BooleanBinding darkProperty() {
        return dark;
    }

    private void apply() {
        // The binary form AtlantaFX ships: parsing its 170 kB CSS cost time before the first frame.
        Application.setUserAgentStylesheet((dark.get() ? DARK : LIGHT).getUserAgentStylesheetBSS());
    }
}
