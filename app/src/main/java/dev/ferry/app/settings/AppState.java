package dev.ferry.app.settings;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What Ferry remembers about its use, not what the user chose ({@code state.json} in the state
 * folder): the workspace files opened from elsewhere and the one in use last. Unknown fields kept.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class AppState extends KeepsUnknownFields {
    static final int RECENT = 10;

    /** Workspace files opened from elsewhere than the config folder, most recent first. */
    public List<String> recentWorkspaceFiles = new ArrayList<>();

    /** The workspace file in use when Ferry last closed. */
    public String lastWorkspaceFile;

    /** The role picked last per console app: key {@code <workspace file>#<app>}, value the role ARN. */
    public Map<String, String> lastRoles = new LinkedHashMap<>();

    public AppState copy() {
        AppState s = new AppState();
        s.lastRoles = new LinkedHashMap<>(lastRoles);
        s.recentWorkspaceFiles = new ArrayList<>(recentWorkspaceFiles);
        s.lastWorkspaceFile = lastWorkspaceFile;
        s.unknown().putAll(unknown());
        return s;
    }

    /**
     * Moves what settings.json held before the state had its own file (recent files, last
     * workspace) from the settings' unknown fields here. True when there was something to move.
     */
    @SuppressWarnings("unchecked")
    public static boolean migrateFrom(Settings settings, AppState state) {
        Object recent = settings.unknown().remove("recentWorkspaceFiles");
        Object last = settings.unknown().remove("lastWorkspaceFile");
        if (recent instanceof List<?> list && state.recentWorkspaceFiles.isEmpty()) {
            list.forEach(f -> state.recentWorkspaceFiles.add(String.valueOf(f)));
        }
        if (last instanceof String s && state.lastWorkspaceFile == null) {
            state.lastWorkspaceFile = s;
        }
        return recent != null || last != null;
    }
}
