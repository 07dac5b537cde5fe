package dev.ferry.app.workspace;

import java.nio.file.Path;

/**
 * A loaded, validated workspace: where it came from, its name and user, and what kind of source
 * gives its apps, databases, roles and credentials. Sealed: each kind is its own record, so asking
 * a Teleport workspace for YAML databases does not compile. Code outside the composition roots
 * never looks at the kind: it asks the workspace's {@link dev.ferry.app.access.AccessProvider}
 * for everything. A new source (IAM Identity Center) joins as a further permitted record, and the
 * exhaustive switch in {@link dev.ferry.app.access.AccessProviders} then says where its provider
 * is made.
 */
public sealed interface Workspace permits StandaloneWorkspace, TeleportWorkspace {

    /** The workspace file. */
    Path source();

    String name();

    /** Who the user is in the workspace (standalone: the STS RoleSessionName). */
    String user();

    /** What kind of workspace it is, in words for people ("Standalone AWS", "Teleport cluster"). */
    String kindTitle();
}
