package dev.ferry.app.settings;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.ArrayList;
import java.util.List;

/**
 * User settings, saved as JSON in the config folder. Fields Ferry does not know (written by
 * a newer version) are kept and written back unchanged.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class Settings extends KeepsUnknownFields {

    public enum Theme { SYSTEM, LIGHT, DARK }

    /** Whether the desktop reopens the tunnels that were open when it last quit. */
    public enum RestoreTunnels { ALWAYS, ASK, NEVER }

    /** Light, dark, or follow the OS. */
    public Theme theme = Theme.SYSTEM;

    /** A command that opens a URL, containing {@code {url}}; empty: the system default browser. */
    public String browserCommand = "";

    /** Workspace files opened from elsewhere than the config folder, most recent first. */
    public List<String> recentWorkspaceFiles = new ArrayList<>();

    /** Athena workgroup offered in athena-jdbc/odbc formats. */
    public String athenaWorkgroup = "primary";

    /** Athena query results location (s3://…), empty when the workgroup sets it. */
    public String athenaOutputLocation = "";

    /** The workspace file in use when Ferry last closed. */
    public String lastWorkspaceFile;

    /** Closing the window while tunnels run keeps Ferry in the system tray. */
    public boolean closeToTray = true;

    /** Reopen the tunnels of the last session at start-up. */
    public RestoreTunnels restoreTunnels = RestoreTunnels.ALWAYS;

    /** DBeaver's workspace folder (…/DBeaverData/workspace6) when it is not in the standard place; empty: found. */
    public String dbeaverWorkspace = "";


    public Settings copy() {
        Settings s = new Settings();
        s.theme = theme;
        s.browserCommand = browserCommand;
        s.recentWorkspaceFiles = new ArrayList<>(recentWorkspaceFiles);
        s.lastWorkspaceFile = lastWorkspaceFile;
        s.athenaWorkgroup = athenaWorkgroup;
        s.athenaOutputLocation = athenaOutputLocation;
        s.closeToTray = closeToTray;
        s.restoreTunnels = restoreTunnels;
        s.dbeaverWorkspace = dbeaverWorkspace;
        s.unknown().putAll(unknown());
        return s;
    }
}
