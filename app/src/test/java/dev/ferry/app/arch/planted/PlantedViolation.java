package dev.ferry.app.arch.planted;

import dev.ferry.app.access.AccessProvider;
import dev.ferry.app.teleport.TeleportProvider;

/** A command that branches on the workspace kind, as the seam forbids: the architecture test must catch it. */
public final class PlantedViolation {
    private PlantedViolation() {
    }

    public static boolean isTeleport(AccessProvider p) {
        return p instanceof TeleportProvider;
    }
}
