package dev.ferry.app.settings;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What the user chose, saved as JSON in the config folder and held once in memory
 * ({@link SavedDocument}: observable, saved after a short delay). What Ferry remembers about its
 * use (recent workspaces) is {@link AppState}, in the state folder. Fields Ferry does not know
 * (written by a newer version) are kept and written back unchanged.
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

    /** Athena workgroup offered in athena-jdbc/odbc formats. */
    public String athenaWorkgroup = "primary";

    /** Athena query results location (s3://…), empty when the workgroup sets it. */
    public String athenaOutputLocation = "";

    /** Closing the window while tunnels run keeps Ferry in the system tray. */
    public boolean closeToTray = true;

    /** Reopen the tunnels of the last session at start-up. */
    public RestoreTunnels restoreTunnels = RestoreTunnels.ALWAYS;

    /** DBeaver's workspace folder (…/DBeaverData/workspace6) when it is not in the standard place; empty: found. */
    public String dbeaverWorkspace = "";

    /** Minutes between background scans of a workspace's database discovery; 0: only on demand (and once with no cache). */
    public int discoveryRefreshMinutes = DEFAULT_DISCOVERY_REFRESH_MINUTES;

    public static final int DEFAULT_DISCOVERY_REFRESH_MINUTES = 30;

    public Settings copy() {
        Settings s = new Settings();
        s.theme = theme;
        s.browserCommand = browserCommand;
        s.athenaWorkgroup = athenaWorkgroup;
        s.athenaOutputLocation = athenaOutputLocation;
        s.closeToTray = closeToTray;
        s.restoreTunnels = restoreTunnels;
        s.dbeaverWorkspace = dbeaverWorkspace;
        s.discoveryRefreshMinutes = discoveryRefreshMinutes;
        s.unknown().putAll(unknown());
        return s;
    }
}
