package dev.ferry.app.workspace;

import java.nio.file.Path;

/**
 * A Teleport cluster: Ferry drives the user's tsh; apps, databases and roles come from the
 * cluster, so the file only says how to reach it. Immutable.
 */
public record TeleportWorkspace(Path source, String name, String user, Settings teleport) implements Workspace {

    /**
     * The {@code teleport:} block; empty strings for absent values. {@code proxy} is host or
     * host:port; {@code teleportHome} as written (resolved later).
     */
    public record Settings(String proxy, String user, String auth, String tsh, String teleportHome) {
        public Settings {
            proxy = proxy == null ? "" : proxy;
            user = user == null ? "" : user;
            auth = auth == null ? "" : auth;
            tsh = tsh == null ? "" : tsh;
            teleportHome = teleportHome == null ? "" : teleportHome;
        }
    }

    @Override
    public String kindTitle() {
        return "Teleport cluster";
    }
}
