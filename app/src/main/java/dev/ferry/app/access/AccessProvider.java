package dev.ferry.app.access;

import dev.ferry.app.FerryException;
import dev.ferry.app.discovery.DiscoveryService;
import dev.ferry.app.model.AppResource;
import dev.ferry.app.model.AwsRole;
import dev.ferry.app.model.DatabaseResource;
import dev.ferry.app.model.Resource;
import dev.ferry.app.model.ServingMark;
import dev.ferry.app.tunnels.TunnelOpener;
import dev.ferry.app.workspace.Workspace;
import dev.ferry.tunnel.aws.ProxyMode;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Access to one workspace: the one seam between workspace kinds. Standalone AWS and Teleport
 * workspaces (and later IAM Identity Center) implement it, so the UI and the CLI never branch on
 * the workspace kind: every lookup of apps, databases and roles goes through here, what a
 * provider cannot do is said by {@link #capabilities()}, and a missing or expired session is a
 * {@link SignInRequiredException}. Calls may block (network, processes): callers run them off
 * the UI thread. Errors are {@link FerryException}s in plain words. One provider per open
 * workspace ({@link WorkspaceSessions}), shared by the UI, the CLI command and the tunnels.
 */
public interface AccessProvider extends AutoCloseable {

    Workspace workspace();

    /** What this provider can do; actions outside it are not offered. */
    Set<Capability> capabilities();

    default boolean can(Capability c) {
        return capabilities().contains(c);
    }

    /** Who the user is, checked against the real service (e.g. STS GetCallerIdentity). */
    Identity identity();

    /** Apps and databases of the workspace. */
    List<Resource> resources();

    /** The apps among {@link #resources()}. */
    default List<AppResource> apps() {
        return resources().stream().filter(AppResource.class::isInstance).map(AppResource.class::cast).toList();
    }

    /** The databases among {@link #resources()}. */
    default List<DatabaseResource> databases() {
        return resources().stream().filter(DatabaseResource.class::isInstance).map(DatabaseResource.class::cast).toList();
    }

    /** The app of that name among {@link #resources()}. */
    default Optional<AppResource> app(String name) {
        return apps().stream().filter(a -> a.name().equals(name)).findFirst();
    }

    /** The database of that name among {@link #resources()}. */
    default Optional<DatabaseResource> database(String name) {
        return databases().stream().filter(d -> d.name().equals(name)).findFirst();
    }

    /** The app of that name, or an error that says how to list them. */
    default AppResource requireApp(String name) {
        return app(name).orElseThrow(() -> new FerryException("No app named '" + name + "' in workspace '"
                + workspace().name() + "'.", "List apps with `ferry apps ls`."));
    }

    /** The database of that name, or an error that says how to list them. */
    default DatabaseResource requireDatabase(String name) {
        return database(name).orElseThrow(() -> new FerryException("No database named '" + name + "' in workspace '"
                + workspace().name() + "'.", "List databases with `ferry db ls`."));
    }

    /**
     * Why Ferry cannot open a tunnel to this database of {@link #databases()} (e.g. a discovered
     * instance that is stopped or has IAM authentication off); empty when it can.
     */
    default Optional<ServingMark> servingMark(DatabaseResource db) {
        return Optional.empty();
    }

    /**
     * The workspace's database discovery ({@link Capability#DISCOVERY}): its cached result at once,
     * scans with progress, refresh on demand and in the background. {@link #resources()} always
     * lists the newest result, merged with the databases of the workspace file.
     */
    default Optional<DiscoveryService> discovery() {
        return Optional.empty();
    }

    /** The IAM roles the user may pick for an AWS console app, only of the app's account. */
    List<AwsRole> awsRoles(AppResource app);

    /**
     * Every IAM role the user holds for the app in any account, so that a role of another
     * account can be refused with a clear message. Defaults to {@link #awsRoles(AppResource)}.
     */
    default List<AwsRole> awsRolesAnyAccount(AppResource app) {
        return awsRoles(app);
    }

    /** Which apps can be starred and which are ({@link Capability#FAVOURITES}); none by default. */
    default Stars appStars() {
        return Stars.NONE;
    }

    /**
     * Stars the app (or takes the star away), remembered across restarts: starred apps come first
     * in {@link #resources}. Only for apps {@link #appStars} says can be starred.
     */
    default void starApp(AppResource app, boolean starred) {
        throw new FerryException("'" + app.name() + "' cannot be starred in workspace '" + workspace().name() + "'.",
                "Only apps that show a star in the list can be starred.");
    }

    /** Which of the app's roles can be starred and which are ({@link Capability#FAVOURITES}); none by default. */
    default Stars roleStars(AppResource app) {
        return Stars.NONE;
    }

    /**
     * Stars the role of the app (or takes the star away), remembered across restarts: starred roles
     * come first in {@link #awsRoles}. Only for roles {@link #roleStars} says can be starred.
     */
    default void starRole(AppResource app, AwsRole role, boolean starred) {
        throw new FerryException("The role " + role.name() + " of '" + app.name() + "' cannot be starred in workspace '"
                + workspace().name() + "'.", "Only roles that show a star in the role selector can be starred.");
    }

    /** The role the user named for the app (name, path/name or ARN; blank: the only one), see {@link RoleChooser}. */
    default AwsRole chooseRole(AppResource app, String wanted) {
        return RoleChooser.choose(app, awsRoles(app), awsRolesAnyAccount(app), wanted);
    }

    /**
     * Signs in ({@link Capability#SIGN_IN}; Teleport: {@code tsh login}); blocks until done or
     * cancelled. Workspaces whose credentials Ferry does not manage just check them and return
     * who the user is. Interrupting the calling thread (or the prompter answering nothing) cancels it.
     */
    default Identity signIn(LoginPrompter prompter) {
        return identity();
    }

    /** As {@link #signIn(LoginPrompter)}, the way the person chose where the sign-in offers a choice. */
    default Identity signIn(LoginPrompter prompter, SignInOptions options) {
        return signIn(prompter);
    }

    /**
     * Lists the apps and databases again from their source ({@link Capability#REFRESH}), with one
     * line of progress now and then (e.g. "142 of 500 accounts"); the next {@link #resources()} has
     * them. A no-op where the resources are only what the workspace file says.
     */
    default void refreshResources(java.util.function.Consumer<String> progress) {
    }

    /**
     * Calls {@code listener} (on a background thread) whenever {@link #resources()} has changed
     * without being asked, e.g. after a listing in the background; a no-op where they never do.
     */
    default void onResourcesChanged(Runnable listener) {
    }

    /** Signs out ({@link Capability#SIGN_OUT}; Teleport: {@code tsh logout}); a no-op where Ferry holds no session. */
    default void signOut() {
    }

    /** A URL that opens the AWS console for the app as the role, signed in. Contains a secret token. */
    URI consoleUrl(AppResource app, AwsRole role);

    /**
     * Temporary credentials of the role for another program ({@link Capability#ISSUE_CREDENTIALS}),
     * e.g. an AWS {@code credential_process}. A provider without that capability throws a
     * {@link FerryException} saying why, and what to use instead.
     */
    AwsSessionCredentials issueCredentials(AppResource app, AwsRole role);

    /**
     * Starts a local AWS API proxy for the role on 127.0.0.1:port: clients sign with local
     * credentials ({@code keys}: kept per tunnel by Ferry, so clients configured once keep working),
     * the proxy re-signs with the role's real (refreshed) credentials.
     */
    TunnelOpener.Opened openAwsProxy(AppResource app, AwsRole role, ProxyMode mode, int port,
                                     dev.ferry.tunnel.aws.LocalCredentials keys) throws IOException;

    /** As {@link #openAwsProxy(AppResource, AwsRole, ProxyMode, int, dev.ferry.tunnel.aws.LocalCredentials)} with a new random pair. */
    default TunnelOpener.Opened openAwsProxy(AppResource app, AwsRole role, ProxyMode mode, int port) throws IOException {
        return openAwsProxy(app, role, mode, port, dev.ferry.tunnel.aws.LocalCredentials.random());
    }

    /**
     * Starts a database tunnel on 127.0.0.1:port: clients connect without a password, the
     * tunnel logs in upstream as dbUser with IAM-based credentials.
     */
    TunnelOpener.Opened openDatabaseTunnel(DatabaseResource db, String dbUser, String dbName, int port) throws IOException;

    @Override
    default void close() {
    }
}
