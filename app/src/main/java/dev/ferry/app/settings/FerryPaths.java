package dev.ferry.app.settings;

import dev.ferry.app.FerryEnvironment;

import java.nio.file.Path;

/**
 * Where Ferry keeps its files. {@code FERRY_HOME} puts everything in one folder (tests,
 * portable use); otherwise XDG folders on Linux, {@code ~/Library/Application Support/Ferry}
 * on macOS and {@code %APPDATA%\Ferry} on Windows.
 */
public record FerryPaths(Path configDir, Path stateDir, Path dataDir) {

    public static FerryPaths of(FerryEnvironment env) {
        var home = env.get("FERRY_HOME");
        if (home.isPresent()) {
            Path p = Path.of(home.get()).toAbsolutePath();
            return new FerryPaths(p, p, p);
        }
        Path user = Path.of(env.userHome());
        if (env.isMac()) {
            Path p = user.resolve("Library/Application Support/Ferry");
            return new FerryPaths(p, p, p);
        }
        if (env.isWindows()) {
            Path p = env.get("APPDATA").map(Path::of).orElse(user.resolve("AppData/Roaming")).resolve("Ferry");
            return new FerryPaths(p, p, p);
        }
        Path config = env.get("XDG_CONFIG_HOME").map(Path::of).orElse(user.resolve(".config")).resolve("ferry");
        Path state = env.get("XDG_STATE_HOME").map(Path::of).orElse(user.resolve(".local/state")).resolve("ferry");
        Path data = env.get("XDG_DATA_HOME").map(Path::of).orElse(user.resolve(".local/share")).resolve("ferry");
        return new FerryPaths(config, state, data);
    }

    public Path settingsFile() {
        return configDir.resolve("settings.json");
    }

    /** Workspace files kept by Ferry (the UI lists every *.yaml here). */
    public Path workspacesDir() {
        return configDir.resolve("workspaces");
    }

    /** What Ferry remembers about its use: recent workspace files, the last one ({@link AppState}). */
    public Path stateFile() {
        return stateDir.resolve("state.json");
    }

    /** The rolling log files, under the state folder. */
    public Path logDir() {
        return stateDir.resolve("logs");
    }

    /** The desktop's log file. */
    public Path desktopLog() {
        return logDir().resolve("ferry.log");
    }

    /** The command line's log file (a separate file: both may run at once). */
    public Path cliLog() {
        return logDir().resolve("ferry-cli.log");
    }
}
