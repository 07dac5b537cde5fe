package dev.ferry.app.teleport;

import dev.ferry.app.FerryException;
import dev.ferry.app.access.AccessProvider;
import dev.ferry.app.access.Capability;
import dev.ferry.app.access.Identity;
import dev.ferry.app.access.RoleChooser;
import dev.ferry.app.access.LoginPrompter;
import dev.ferry.app.model.DatabaseResource;
import dev.ferry.app.tunnels.AwsProxyInfo;
import dev.ferry.app.tunnels.DatabaseTunnelInfo;
import dev.ferry.app.tunnels.TunnelOpener;
import dev.ferry.tunnel.aws.ProxyMode;
import dev.ferry.tunnel.db.FrontTunnel;
import dev.ferry.tunnel.mysql.MySqlStartWatch;
import dev.ferry.tunnel.pg.PgStartWatch;
import dev.ferry.app.model.DatabaseFlavour;
import dev.ferry.app.model.AppResource;
import dev.ferry.app.model.AwsRole;
import dev.ferry.app.model.Resource;
import dev.ferry.app.workspace.TeleportWorkspace;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
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
import java.util.Set;
import java.util.function.Function;
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

    private static final Set<Capability> CAPABILITIES = Set.of(Capability.SIGN_IN, Capability.SIGN_OUT,
            Capability.CONSOLE, Capability.AWS_PROXY, Capability.DATABASE_TUNNELS);

    private final TeleportWorkspace workspace;
    private final Supplier<TshClient> clientFactory;
    private final Clock clock;
    private TshClient client;
    private TshStatus status;

    /** @param clientFactory makes the tsh client on first use (finding tsh runs a process) */
    public TeleportProvider(TeleportWorkspace workspace, Supplier<TshClient> clientFactory, Clock clock) {
        this.workspace = workspace;
        this.clientFactory = clientFactory;
        this.clock = clock;
    }

    @Override
    public TeleportWorkspace workspace() {
        return workspace;
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    /**
     * Teleport hands out no AWS credentials: its App Service signs every request itself, and
     * the credentials tsh holds only work through {@code tsh proxy aws}. So a credential_process
     * cannot be served; the local AWS API proxy is what works.
     */
    @Override
    public AwsSessionCredentials issueCredentials(AppResource app, AwsRole role) {
        throw new FerryException("Teleport cannot hand out AWS credentials for a credential_process: the credentials "
                + "Teleport gives for '" + app.name() + "' only work through its own proxy (tsh proxy aws).",
                "Use `ferry proxy aws --app " + app.name() + " --aws-role " + role.name() + "` (or AWS CLI/SDK access in "
                        + "the Ferry window) and point the AWS CLI or SDK at the HTTPS_PROXY and AWS_CA_BUNDLE it prints.");
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
        return new Identity(s.username(), s.cluster(), detail, s.validUntil(), "Cluster");
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

    /**
     * {@code tsh apps login --aws-role ROLE APP} (again before every restart: app certificates
     * are short-lived), then a supervised {@code tsh proxy aws --app APP --port P --format text}.
     * Ferry hands tsh the local credentials in its environment (tsh reads
     * {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY} when set), so they stay the same
     * when tsh is restarted; the CA bundle and address come from what tsh prints.
     */
    @Override
    public TunnelOpener.Opened openAwsProxy(AppResource app, AwsRole role, ProxyMode mode, int port,
                                            dev.ferry.tunnel.aws.LocalCredentials keys) throws IOException {
        RoleChooser.requireConsoleRole(app, role, awsRoles(app),
                "Pick one of the roles Teleport grants you in this app's account.");
        TshClient client = tsh();
        List<String> args = new ArrayList<>(List.of("proxy", "aws", "--app=" + app.name(), "--port=" + port,
                "--format=text"));
        if (mode == ProxyMode.ENDPOINT_URL) {
            args.add("--endpoint-url");
        }
        Map<String, String> localCredentials = Map.of(
                AwsProxyInfo.ACCESS_KEY, keys.accessKeyId(), AwsProxyInfo.SECRET_KEY, keys.secretAccessKey());
        SupervisedTshTunnel tunnel = SupervisedTshTunnel.start(client, args, localCredentials, port,
                "tsh proxy aws for " + app.name(), TshProxyOutput.awsProxy(mode),
                () -> appLogin(client, app, role), SupervisedTshTunnel.READY_TIMEOUT);
        Map<String, String> printed = tunnel.details();
        AwsProxyInfo info = new AwsProxyInfo(role.arn(), mode, printed.get(AwsProxyInfo.ACCESS_KEY),
                printed.get(AwsProxyInfo.SECRET_KEY), java.nio.file.Path.of(printed.get(AwsProxyInfo.CA_BUNDLE)),
                printed.get(mode == ProxyMode.HTTPS_PROXY ? AwsProxyInfo.HTTPS_PROXY : AwsProxyInfo.ENDPOINT_URL), "");
        return new TunnelOpener.Opened(tunnel, info);
    }

    /**
     * A supervised {@code tsh proxy db --tunnel --db-user U --db-name N --port P DB}: tsh keeps
     * the database certificates fresh itself; clients connect to 127.0.0.1:{@code port} without
     * TLS, where Ferry's front relays them to tsh on a private port P and learns each
     * connection's upstream result (PostgreSQL or MySQL start-up) on the way.
     */
    @Override
    public TunnelOpener.Opened openDatabaseTunnel(DatabaseResource db, String dbUser, String dbName, int port)
            throws IOException {
        if (dbUser == null || dbUser.isBlank()) {
            throw new FerryException("Connecting to " + db.name() + " needs a database user.");
        }
        TshStatus s = session();
        TshClient client = tsh();
        String what = "tsh proxy db for " + db.name();
        Function<FrontTunnel.Outcome, FrontTunnel.Watch> watches = db.flavour() == DatabaseFlavour.MYSQL
                ? o -> new MySqlStartWatch(o, what) : o -> new PgStartWatch(o, what);
        SupervisedTshTunnel tunnel = SupervisedTshTunnel.startBehindFront(client, tshPort -> {
            List<String> args = new ArrayList<>(List.of("proxy", "db", "--tunnel", "--db-user=" + dbUser));
            if (dbName != null && !dbName.isBlank()) {
                args.add("--db-name=" + dbName);
            }
            args.add("--port=" + tshPort);
            args.add(db.name());
            return args;
        }, Map.of(), port, what, TshProxyOutput.databaseTunnel(), () -> session(), SupervisedTshTunnel.READY_TIMEOUT,
                watches);
        return new TunnelOpener.Opened(tunnel, new DatabaseTunnelInfo(dbUser, dbName == null ? "" : dbName, db.flavour(),
                db.uri() + " via Teleport " + workspace.teleport().proxy(),
                "Teleport certificate of " + s.username() + " (tsh proxy db)", "Teleport mutual TLS"));
    }

    private void appLogin(TshClient client, AppResource app, AwsRole role) {
        session();
        TshOutput out = client.run(List.of("apps", "login", "--aws-role=" + role.arn(), app.name()));
        if (out.notLoggedIn()) {
            throw new TshNotLoggedInException(workspace.teleport().proxy(), out.expired());
        }
        if (out.exitCode() != 0) {
            throw new TshException("tsh apps login " + app.name() + " as " + role.arn() + " failed: "
                    + out.errorMessage(), "", out.exitCode());
        }
    }
}
