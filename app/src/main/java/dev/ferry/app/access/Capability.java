package dev.ferry.app.access;

/**
 * What a workspace's provider can do, so the UI and CLI offer an action only where it works
 * instead of asking which kind of workspace it is.
 */
public enum Capability {
    /** Ferry runs an interactive sign-in (Teleport: tsh login; Identity Center: the OIDC flow). */
    SIGN_IN,
    /**
     * The sign-in can also use a code confirmed on a web page (on any device) instead of the browser
     * coming back to this computer (IAM Identity Center's device authorization).
     */
    SIGN_IN_WITH_CODE,
    /** Ferry holds a session it can end (tsh logout, revoking a cached token). */
    SIGN_OUT,
    /**
     * Temporary AWS credentials for a role can be handed to another program, e.g. as a
     * {@code credential_process} ({@code ferry credentials}, "Write AWS profile…").
     */
    ISSUE_CREDENTIALS,
    /** AWS console sign-in URLs. */
    CONSOLE,
    /** Local AWS API proxies. */
    AWS_PROXY,
    /** Local database tunnels. */
    DATABASE_TUNNELS,
    /**
     * Databases found by the workspace's {@code discovery:} matchers, scanned in the background
     * with progress and refreshed on demand ({@link AccessProvider#discovery()}).
     */
    DISCOVERY,
    /** The resources come from a service and can be listed again ({@code ferry apps ls --refresh}, Refresh). */
    REFRESH,
    /**
     * Roles can be starred ({@link AccessProvider#roleStars}, {@link AccessProvider#starRole}): starred
     * roles come first in {@link AccessProvider#awsRoles} (IAM Identity Center permission sets); and
     * apps ({@link AccessProvider#appStars}, {@link AccessProvider#starApp}): starred apps come first in
     * {@link AccessProvider#resources} (IAM Identity Center accounts).
     */
    FAVOURITES
}
