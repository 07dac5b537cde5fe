package dev.ferry.app.access;

import dev.ferry.app.model.AppResource;
import dev.ferry.app.model.AwsRole;
import dev.ferry.app.model.DatabaseResource;
import dev.ferry.app.model.Resource;
import dev.ferry.app.tunnels.TunnelOpener;
import dev.ferry.app.workspace.Workspace;
import dev.ferry.tunnel.aws.ProxyMode;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * Access to one workspace. Standalone AWS and Teleport workspaces implement the same
 * interface so the UI and the CLI never branch on the workspace kind. Calls may block
 * (network, processes): callers run them off the UI thread. Errors are
 * {@link dev.ferry.app.FerryException}s in plain words.
 */
public interface AccessProvider extends AutoCloseable {

    Workspace workspace();

    /** Who the user is, checked against the real service (e.g. STS GetCallerIdentity). */
    Identity identity();

    /** Apps and databases of the workspace. */
    List<Resource> resources();

    /** The app of that name among {@link #resources()}. */
    default Optional<AppResource> app(String name) {
        return resources().stream().filter(r -> r instanceof AppResource a && a.name().equals(name))
                .map(AppResource.class::cast).findFirst();
    }

    /** The database of that name among {@link #resources()}. */
    default Optional<DatabaseResource> database(String name) {
        return resources().stream().filter(r -> r instanceof DatabaseResource d && d.name().equals(name))
                .map(DatabaseResource.class::cast).findFirst();
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

    /**
     * Signs in (Teleport: {@code tsh login}); blocks until done or cancelled. Workspaces that
     * use credentials Ferry does not manage just check them and return who the user is.
     * Interrupting the calling thread (or the prompter answering nothing) cancels it.
     */
    default Identity signIn(LoginPrompter prompter) {
        return identity();
    }

    /** Signs out (Teleport: {@code tsh logout}); a no-op where Ferry holds no session. */
    default void signOut() {
    }

    /** A URL that opens the AWS console for the app as the role, signed in. Contains a secret token. */
    URI consoleUrl(AppResource app, AwsRole role);

    /**
     * Starts a local AWS API proxy for the role on 127.0.0.1:port: clients sign with random
     * local credentials, the proxy re-signs with the role's real (refreshed) credentials. The
     * details hold what clients need: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
     * AWS_CA_BUNDLE, HTTPS_PROXY or AWS_ENDPOINT_URL, AWS_DEFAULT_REGION.
     */
    TunnelOpener.Opened openAwsProxy(AppResource app, AwsRole role, ProxyMode mode, int port) throws IOException;

    /**
     * Starts a database tunnel on 127.0.0.1:port: clients connect without a password, the
     * tunnel logs in upstream as dbUser with IAM-based credentials.
     */
    TunnelOpener.Opened openDatabaseTunnel(DatabaseResource db, String dbUser, String dbName, int port) throws IOException;

    @Override
    default void close() {
    }
}
