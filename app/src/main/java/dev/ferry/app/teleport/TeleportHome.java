package dev.ferry.app.teleport;

import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.settings.FerryPaths;
import dev.ferry.app.workspace.TeleportWorkspace;

import java.nio.file.Path;

/**
 * Where tsh keeps the workspace's profile ({@code TELEPORT_HOME}). By default a folder
 * Ferry owns, {@code <data dir>/teleport/<workspace name>}, so Ferry's sessions never
 * disturb the user's own tsh. {@code teleport_home: shared} (or {@code ~/.tsh}) uses the
 * user's own profile ({@code $TELEPORT_HOME}, else {@code ~/.tsh}); any other value is a
 * folder ({@code ~/} expanded, relative to the workspace file).
 */
public final class TeleportHome {
    public static final String SHARED = "shared";

    private TeleportHome() {
    }

    public static Path of(TeleportWorkspace ws, FerryEnvironment env, FerryPaths paths) {
        String v = ws.teleport().teleportHome().trim();
        Path userHome = Path.of(env.userHome());
        if (v.isEmpty()) {
            return paths.dataDir().resolve("teleport").resolve(safe(ws.name()));
        }
        if (v.equals(SHARED) || v.equals("~/.tsh") || v.equals("~/.tsh/")) {
            return env.get("TELEPORT_HOME").map(Path::of).orElse(userHome.resolve(".tsh"));
        }
        Path p = v.equals("~") ? userHome : v.startsWith("~/") ? userHome.resolve(v.substring(2)) : Path.of(v);
        Path dir = ws.source() == null ? null : ws.source().toAbsolutePath().getParent();
        return p.isAbsolute() || dir == null ? p : dir.resolve(p);
    }

    /** A folder name from a workspace name: letters, digits, '.', '_' and '-' kept, the rest '_'. */
    static String safe(String name) {
        String s = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return s.isEmpty() || s.equals(".") || s.equals("..") ? "workspace" : s;
    }
}
