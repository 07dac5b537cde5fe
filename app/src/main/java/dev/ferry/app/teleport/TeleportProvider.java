package dev.ferry.app.teleport;

import dev.ferry.app.FerryException;
import dev.ferry.app.access.AccessProvider;
import dev.ferry.app.access.Identity;
import dev.ferry.app.access.RoleChooser;
import dev.ferry.app.access.LoginPrompter;
import dev.ferry.app.model.AppResource;
import dev.ferry.app.model.AwsRole;
import dev.ferry.app.model.Resource;
import dev.ferry.app.workspace.Workspace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A Teleport workspace: everything goes through the user's tsh. The session is checked
 * with {@code tsh status} before listing (so an expired session never makes tsh start an
 * interactive re-login behind Ferry's back); apps and databases come from
 * {@code tsh apps ls} / {@code tsh db ls}; AWS roles from the user's certificate (falling
 * back to the table {@code tsh apps login} prints); consoles open through the proxy's web
 * launcher.
 */
public final class TeleportProvider implements AccessProvider {
    private static final Logger LOG = LoggerFactory.getLogger(TeleportProvider.class);
    public static final Duration LOGIN_TIMEOUT = Duration.ofMinutes(5);

    private final Workspace workspace;
    private final Supplier<TshClient> clientFactory;
    private final Clock clock;
    private TshClient client;
    private TshStatus status;

    /** @param clientFactory makes the tsh client on first use (finding tsh runs a process) */
    public TeleportProvider(Workspace workspace, Supplier<TshClient> clientFactory, Clock clock) {
        this.workspace = workspace;
        this.clientFactory = clientFactory;
        this.clock = clock;
    }

    @Override
    public Workspace workspace() {
        return workspace;
    }

    public synchronized TshClient tsh() {
        if (client == null) {
            client = clientFactory.get();
        }
        return client;
    }

    /** The session, from {@code tsh status}; re-checked once it has expired. */
    public synchronized TshStatus session() {
        if (status == null || status.expiredAt(clock.instant())) {
            status = tsh().status();
            if (status.expiredAt(clock.instant())) {
                status = null;
                throw new TshNotLoggedInException(workspace.teleport().proxy(), true);
            }
        }
        return status;
    }

    @Override
    public synchronized Identity identity() {
        status = null;
        TshStatus s = session();
        String detail = "roles " + String.join(", ", s.roles()) + " via " + workspace.teleport().proxy()
                + ", tsh " + tsh().tsh().version();
        return new Identity(s.username(), s.cluster(), detail, s.validUntil());
    }

    @Override
    public List<Resource> resources() {
        session();
        List<Resource> all = new ArrayList<>(tsh().apps());
        all.addAll(tsh().databases());
        return all;
    }

    @Override
    public List<AwsRole> awsRoles(AppResource app) {
        Optional<String> account = app.awsAccountId();
        return awsRolesAnyAccount(app).stream()
                .filter(r -> account.isEmpty() || account.get().equals(r.accountId())).toList();
    }

    /** Every role ARN the session grants (any account), as tsh would offer before filtering. */
    @Override
    public List<AwsRole> awsRolesAnyAccount(AppResource app) {
        TshStatus s = session();
        List<String> arns;
        try {
            arns = tsh().awsRoleArnsFromCertificate(s.profileUrl(), s.username());
        } catch (IOException e) {
            LOG.info("Could not read AWS roles from the tsh certificate ({}); asking tsh apps login", e.getMessage());
            arns = tsh().awsRoleArnsFromAppLogin(app.name());
        }
        Map<String, AwsRole> byArn = new LinkedHashMap<>();
        for (String arn : arns) {
            AwsRole.tryParse(arn).ifPresent(r -> byArn.putIfAbsent(r.arn(), r));
        }
        return List.copyOf(byArn.values());
    }

    @Override
    public URI consoleUrl(AppResource app, AwsRole role) {
        RoleChooser.requireConsoleRole(app, role, awsRoles(app),
                "Pick one of the roles Teleport grants you in this app's account.");
        return TeleportLaunchUrl.of(workspace.teleport().proxy(), session().cluster(), app, role);
    }

    @Override
    public Identity signIn(LoginPrompter prompter) {
        TshLogin login = tsh().login(prompter);
        login.await(LOGIN_TIMEOUT);
        return identity();
    }

    @Override
    public synchronized void signOut() {
        status = null;
        tsh().logout();
    }

    @Override
    public dev.ferry.app.tunnels.TunnelOpener.Opened openAwsProxy(AppResource app, AwsRole role,
            dev.ferry.tunnel.aws.ProxyMode mode, int port) {
        throw new dev.ferry.app.FerryException("AWS API proxies through tsh are not available yet.",
                "Use `tsh proxy aws --app " + app.name() + "` meanwhile.");
    }

    @Override
    public dev.ferry.app.tunnels.TunnelOpener.Opened openDatabaseTunnel(dev.ferry.app.model.DatabaseResource db,
            String dbUser, String dbName, int port) {
        throw new dev.ferry.app.FerryException("Database tunnels through tsh are not available yet.",
                "Use `tsh proxy db --tunnel " + db.name() + "` meanwhile.");
    }
}
