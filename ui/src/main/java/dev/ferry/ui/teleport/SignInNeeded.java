package dev.ferry.ui.teleport;

import dev.ferry.app.teleport.TshNotLoggedInException;
import dev.ferry.app.workspace.Workspace;

/**
 * A Teleport workspace has no usable session: never signed in, signed out, or expired.
 *
 * @param proxy   the cluster's proxy address, as the workspace names it
 * @param expired whether a session existed but has expired
 */
public record SignInNeeded(String proxy, boolean expired) {

    public static SignInNeeded of(Workspace ws, TshNotLoggedInException e) {
        return new SignInNeeded(ws.teleport().proxy(), e.expired());
    }

    /** One line for the prompt. */
    public String message() {
        return expired ? "Your session has expired. Sign in again to see the cluster's apps and databases."
                : "You are not signed in. Sign in to see the cluster's apps and databases.";
    }
}
