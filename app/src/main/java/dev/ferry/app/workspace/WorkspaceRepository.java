package dev.ferry.app.workspace;

import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.FerryException;
import dev.ferry.app.settings.FerryPaths;
import dev.ferry.app.settings.JsonFileStore;
import dev.ferry.app.settings.Settings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The workspaces a user has: every {@code *.yaml} in Ferry's config folder plus files opened
 * from elsewhere (remembered in settings), and which one a command means.
 */
public final class WorkspaceRepository {
    public static final String ENV_FILE = "FERRY_WORKSPACE_FILE";

    private final FerryEnvironment env;
    private final FerryPaths paths;
    private final JsonFileStore<Settings> settings;
    private final WorkspaceLoader loader;

    public WorkspaceRepository(FerryEnvironment env, FerryPaths paths, JsonFileStore<Settings> settings,
                               WorkspaceLoader loader) {
        this.env = env;
        this.paths = paths;
        this.settings = settings;
        this.loader = loader;
    }

    public Workspace load(Path file) {
        return loader.load(file);
    }

    /** Workspace files known to Ferry, config folder first (sorted), then recent ones. */
    public List<Path> known() {
        LinkedHashSet<Path> out = new LinkedHashSet<>();
        Path dir = paths.workspacesDir();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> p.getFileName().toString().matches(".*\\.ya?ml")).sorted()
                        .forEach(p -> out.add(p.toAbsolutePath().normalize()));
            } catch (IOException e) {
                // an unreadable folder lists nothing; the UI still offers "Open…"
            }
        }
        for (String f : settings.load().recentWorkspaceFiles) {
            Path p = Path.of(f).toAbsolutePath().normalize();
            if (Files.exists(p)) {
                out.add(p);
            }
        }
        return new ArrayList<>(out);
    }

    /**
     * The workspace file a command means: the flag, else {@code FERRY_WORKSPACE_FILE}, else
     * the one used last, else the only one in the config folder.
     */
    public Path choose(Optional<Path> flag) {
        if (flag.isPresent()) {
            return flag.get();
        }
        Optional<String> fromEnv = env.get(ENV_FILE);
        if (fromEnv.isPresent()) {
            return Path.of(fromEnv.get());
        }
        String last = settings.load().lastWorkspaceFile;
        if (last != null && Files.exists(Path.of(last))) {
            return Path.of(last);
        }
        List<Path> all = known();
        if (all.size() == 1) {
            return all.get(0);
        }
        throw new FerryException(all.isEmpty() ? "No workspace is set up yet."
                : "Several workspaces exist; say which one to use.",
                "Pass --workspace-file FILE, set " + ENV_FILE + ", or put a workspace file in "
                        + paths.workspacesDir() + ".");
    }

    /** Remembers a workspace as the one in use (and among the recent files when outside the config folder). */
    public void remember(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        Settings s = settings.load();
        s.lastWorkspaceFile = abs.toString();
        if (!abs.startsWith(paths.workspacesDir().toAbsolutePath().normalize())) {
            s.recentWorkspaceFiles.remove(abs.toString());
            s.recentWorkspaceFiles.add(0, abs.toString());
            while (s.recentWorkspaceFiles.size() > 10) {
                s.recentWorkspaceFiles.remove(s.recentWorkspaceFiles.size() - 1);
            }
        }
        settings.save(s);
    }
}
