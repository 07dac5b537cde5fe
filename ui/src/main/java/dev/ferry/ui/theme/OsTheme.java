package dev.ferry.ui.theme;

import dev.ferry.app.FerryEnvironment;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Asks the OS whether it uses a dark theme. Blocking (it runs small programs): call it off the
 * FX thread. Hand-written because no maintained library covers Linux, macOS and Windows
 * without native code; each check is one well-known command.
 */
public final class OsTheme {
    private final FerryEnvironment env;

    public OsTheme(FerryEnvironment env) {
        this.env = env;
    }

    /** True for dark, false for light, empty when it cannot be told. */
    public Optional<Boolean> detectDark() {
        if (env.isMac()) {
            // Prints "Dark" in dark mode; fails (key absent) in light mode.
            return run(List.of("defaults", "read", "-g", "AppleInterfaceStyle"))
                    .map(out -> out.toLowerCase(Locale.ROOT).contains("dark"))
                    .or(() -> Optional.of(false));
        }
        if (env.isWindows()) {
            return run(List.of("reg", "query",
                    "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Themes\\Personalize", "/v", "AppsUseLightTheme"))
                    .filter(out -> out.contains("AppsUseLightTheme"))
                    .map(out -> out.trim().endsWith("0x0"));
        }
        Optional<String> gtk = env.get("GTK_THEME");
        if (gtk.isPresent() && gtk.get().toLowerCase(Locale.ROOT).contains("dark")) {
            return Optional.of(true);
        }
        Optional<Boolean> scheme = run(List.of("gsettings", "get", "org.gnome.desktop.interface", "color-scheme"))
                .map(out -> out.toLowerCase(Locale.ROOT).contains("dark"));
        if (scheme.isPresent()) {
            return scheme;
        }
        return gtk.map(t -> false);
    }

    private static Optional<String> run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            // The answers are a few bytes (they fit the pipe), so wait first: a hung command
            // must not block the read.
            if (!p.waitFor(3, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            byte[] out;
            try (InputStream in = p.getInputStream()) {
                out = in.readNBytes(4096);
            }
            return p.exitValue() == 0 ? Optional.of(new String(out, StandardCharsets.UTF_8)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
