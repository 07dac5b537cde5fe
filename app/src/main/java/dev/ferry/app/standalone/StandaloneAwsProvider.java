package dev.ferry.app.standalone;

import dev.ferry.app.FerryException;
import dev.ferry.app.access.AccessProvider;
import dev.ferry.app.access.Capability;
import dev.ferry.app.access.Identity;
import dev.ferry.app.access.LoginPrompter;
import dev.ferry.app.access.SignInOptions;
import dev.ferry.app.concurrent.Background;
import dev.ferry.app.sso.SsoServices;
import dev.ferry.app.access.RoleChooser;
import dev.ferry.app.aws.AwsErrors;
import dev.ferry.app.aws.AwsSetup;
import dev.ferry.app.aws.ConsoleFederation;
import dev.ferry.app.aws.RoleSessionName;
import dev.ferry.app.model.AppResource;
import dev.ferry.app.model.AwsRole;
import dev.ferry.app.model.DatabaseResource;
import dev.ferry.app.model.Resource;
import dev.ferry.app.model.ServingMark;
import dev.ferry.app.discovery.DiscoveryService;
import dev.ferry.app.discovery.ScanAccounts;
import dev.ferry.app.discovery.ServingRules;
import dev.ferry.app.tunnels.AwsProxyInfo;
import dev.ferry.app.tunnels.TunnelOpener;
import dev.ferry.app.workspace.StandaloneWorkspace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;
import software.amazon.awssdk.services.sts.model.StsException;

import dev.ferry.app.db.DatabaseAccess;
import dev.ferry.app.db.DbAuth;
import dev.ferry.app.db.DbCredentialSource;
import dev.ferry.tunnel.aws.AwsProxy;
import dev.ferry.tunnel.aws.AwsProxyConfig;
import dev.ferry.tunnel.aws.LocalCredentials;
import dev.ferry.tunnel.aws.ProxyMode;
import dev.ferry.tunnel.aws.UpstreamResolver;
import dev.ferry.tunnel.ca.LocalCa;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.function.Supplier;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A standalone AWS workspace: Ferry does federation itself with the user's own AWS
 * credentials (profile or default chain), or with the credentials of IAM Identity Center
 * permission sets ({@code identity_center:}): then each account of the session is a console app
 * whose roles are its permission sets, and an ended session is a sign-in-required failure.
 */
public final class StandaloneAwsProvider implements AccessProvider {
    private static final Logger LOG = LoggerFactory.getLogger(StandaloneAwsProvider.class);
    static final int MAX_DURATION = 12 * 3600;
    static final int CHAINED_DURATION = 3600;

    private static final Set<Capability> CAPABILITIES = Set.of(Capability.ISSUE_CREDENTIALS, Capability.CONSOLE,
            Capability.AWS_PROXY, Capability.DATABASE_TUNNELS);

    private final StandaloneWorkspace workspace;
    private final AwsSetup aws;
    private final ConsoleFederation federation;
    private static final Set<Capability> SSO_CAPABILITIES = Set.of(Capability.SIGN_IN, Capability.SIGN_IN_WITH_CODE,
            Capability.SIGN_OUT,
            Capability.REFRESH, Capability.ISSUE_CREDENTIALS, Capability.CONSOLE, Capability.AWS_PROXY,
            Capability.DATABASE_TUNNELS, Capability.FAVOURITES);

    private final Supplier<LocalCa> ca;
    private final WorkspaceDatabases databases;
    /** The IAM Identity Center source, when the workspace has one; else null. */
    private final IdentityCenterSource sso;

    /** Without discovery: the databases of the workspace file only. */
    public StandaloneAwsProvider(StandaloneWorkspace workspace, AwsSetup aws, ConsoleFederation federation, Supplier<LocalCa> ca) {
        this(workspace, aws, federation, ca, null, null, false, null);
    }

    /**
     * @param sso                 the Identity Center services (used when the workspace has {@code identity_center:})
     * @param refreshInBackground list the accounts again in the background once the cached list was shown (desktop)
     * @param discovery           makes the workspace's discovery (its matchers), or null; closed with the provider
     */
    public StandaloneAwsProvider(StandaloneWorkspace workspace, AwsSetup aws, ConsoleFederation federation, Supplier<LocalCa> ca,
                                 SsoServices sso, Background background, boolean refreshInBackground,
                                 DiscoveryFactory discovery) {
        if (workspace.identityCenter().isPresent() && sso == null) {
            throw new IllegalArgumentException("an Identity Center workspace needs the Identity Center services");
        }
        this.workspace = workspace;
        this.aws = aws;
        this.federation = federation;
        this.ca = ca;
        this.sso = workspace.identityCenter().isPresent()
                ? new IdentityCenterSource(workspace, sso, background, refreshInBackground) : null;
        Discovery d = discovery == null ? null : discovery.open(this.sso == null ? null : this.sso::scanAccounts);
        this.databases = new WorkspaceDatabases(workspace, d == null ? null : d.service(), ServingRules.CURRENT,
                d == null ? null : d.closeWith());
    }

    /** Makes a workspace's discovery once the provider can hand it the Identity Center accounts. */
    @FunctionalInterface
    public interface DiscoveryFactory {
        /**
         * @param roleNames the accounts of {@code role_name} matchers: every account of the workspace's IAM
         *                  Identity Center session, through that permission set; null without Identity Center
         */
        Discovery open(ScanAccounts roleNames);
    }

    /** @param closeWith closed with the discovery (e.g. its {@code StsScanAccounts}); may be null */
    public record Discovery(DiscoveryService service, AutoCloseable closeWith) {
    }

    @Override
    public StandaloneWorkspace workspace() {
        return workspace;
    }

    @Override
    public Set<Capability> capabilities() {
        Set<Capability> base = sso != null ? SSO_CAPABILITIES : CAPABILITIES;
        if (databases.discovery().isPresent()) {
            Set<Capability> all = EnumSet.copyOf(base);
            all.add(Capability.DISCOVERY);
            return all;
        }
        return base;
    }

    @Override
    public Optional<DiscoveryService> discovery() {
        return databases.discovery();
    }

    @Override
    public Optional<ServingMark> servingMark(DatabaseResource db) {
        return databases.mark(db);
    }

    @Override
    public void close() {
        try {
            databases.close();
        } finally {
            if (sso != null) {
                sso.close();
            }
        }
    }

    public AwsSetup aws() {
        return aws;
    }

    @Override
    public Identity identity() {
        if (sso != null) {
            return sso.identity();
        }
        AwsCredentialsProvider base = aws.baseCredentials();
        AwsCredentials creds = aws.resolveBaseCredentials(base);
        try (StsClient sts = sts(StaticCredentialsProvider.create(creds))) {
            GetCallerIdentityResponse me = sts.getCallerIdentity();
            Optional<Instant> expiry = creds.expirationTime();
            String detail = "profile " + aws.profileName() + ", " + aws.region().id()
                    + (creds instanceof AwsSessionCredentials ? ", temporary credentials" : ", long-term keys");
            return new Identity(me.arn(), me.account(), detail, expiry);
        } catch (StsException e) {
            throw stsError(e, null, () -> "you");
        } catch (SdkClientException e) {
            throw unreachable(e);
        }
    }

    @Override
    public List<Resource> resources() {
        List<Resource> all = new ArrayList<>();
        if (sso != null) {
            Set<String> fileApps = new java.util.HashSet<>();
            workspace.apps().forEach(a -> fileApps.add(a.name()));
            all.addAll(sso.apps(fileApps));
        }
        all.addAll(workspace.apps());
        all.addAll(databases.databases());
        return all;
    }

    /** The account's permission sets (Identity Center), then the roles the file grants for the app. */
    @Override
    public List<AwsRole> awsRoles(AppResource app) {
        if (sso == null) {
            return workspace.awsRolesFor(app);
        }
        return union(sso.roles(app), workspace.awsRolesFor(app));
    }

    @Override
    public List<AwsRole> awsRolesAnyAccount(AppResource app) {
        if (sso == null) {
            return workspace.awsRolesAnyAccount(app);
        }
        return union(sso.roles(app), workspace.awsRolesAnyAccount(app));
    }

    /** Identity Center: the accounts' apps can be starred (apps of the file cannot). */
    @Override
    public dev.ferry.app.access.Stars appStars() {
        return sso == null ? dev.ferry.app.access.Stars.NONE : sso.appStars();
    }

    @Override
    public void starApp(AppResource app, boolean starred) {
        if (sso == null || !sso.appStars().canStar(app.name())) {
            AccessProvider.super.starApp(app, starred);
            return;
        }
        sso.starAccount(app, starred);
    }

    /** Identity Center: the account's permission sets can be starred (roles of the file cannot). */
    @Override
    public dev.ferry.app.access.Stars roleStars(AppResource app) {
        return sso == null ? dev.ferry.app.access.Stars.NONE : sso.roleStars(app);
    }

    @Override
    public void starRole(AppResource app, AwsRole role, boolean starred) {
        if (sso == null || !sso.isPermissionSet(app, role)) {
            AccessProvider.super.starRole(app, role, starred);
            return;
        }
        sso.starRole(role, starred);
    }

    private static List<AwsRole> union(List<AwsRole> first, List<AwsRole> second) {
        java.util.Map<String, AwsRole> byArn = new java.util.LinkedHashMap<>();
        first.forEach(r -> byArn.putIfAbsent(r.arn(), r));
        second.forEach(r -> byArn.putIfAbsent(r.arn(), r));
        return List.copyOf(byArn.values());
    }

    @Override
    public Identity signIn(LoginPrompter prompter) {
        return signIn(prompter, SignInOptions.defaults());
    }

    /** Identity Center: the OIDC sign-in (browser with PKCE, or a device code); otherwise checks the credentials. */
    @Override
    public Identity signIn(LoginPrompter prompter, SignInOptions options) {
        return sso != null ? sso.signIn(prompter, options) : identity();
    }

    @Override
    public void signOut() {
        if (sso != null && !sso.signOut()) {
            throw new FerryException("IAM Identity Center could not be told of the sign-out; the session was removed "
                    + "from this computer.", "The session ends by itself at its expiry.");
        }
    }

    @Override
    public void refreshResources(java.util.function.Consumer<String> progress) {
        if (sso != null) {
            sso.refresh(progress);
        }
    }

    @Override
    public void onResourcesChanged(Runnable listener) {
        if (sso != null) {
            sso.onListed(listener);
        }
    }

    /** Credentials of the role for the app: its permission set's (Identity Center), else AssumeRole. */
    private AwsSessionCredentials roleCredentials(AppResource app, AwsRole role) {
        if (sso != null && sso.isPermissionSet(app, role)) {
            return (AwsSessionCredentials) sso.credentials(role).resolveCredentials();
        }
        return assumeRole(role, app.awsExternalId()).credentials();
    }

    /** Session credentials for a role, and the duration they were granted for. */
    public record RoleSession(AwsSessionCredentials credentials, int durationSeconds, boolean chained) {
    }

    /**
     * AssumeRole: RoleSessionName from the workspace user, the app's external id, 12 hours
     * (1 hour when the base credentials are temporary, i.e. role chaining). If the role's
     * maximum session is shorter, retries once with 1 hour.
     */
    public RoleSession assumeRole(AwsRole role, String externalId) {
        AwsCredentials base = aws.resolveBaseCredentials(aws.baseCredentials());
        boolean chained = base instanceof AwsSessionCredentials;
        int duration = chained ? CHAINED_DURATION : MAX_DURATION;
        String sessionName = RoleSessionName.of(workspace.user());
        try (StsClient sts = sts(StaticCredentialsProvider.create(base))) {
            AssumeRoleResponse r;
            try {
                r = sts.assumeRole(request(role, externalId, sessionName, duration));
            } catch (StsException e) {
                if (duration > CHAINED_DURATION && isDurationTooLong(e)) {
                    duration = CHAINED_DURATION;
                    r = sts.assumeRole(request(role, externalId, sessionName, duration));
                } else {
                    throw e;
                }
            }
            Credentials c = r.credentials();
            LOG.info("Assumed {} as session {}", role.arn(), sessionName);
            return new RoleSession(AwsSessionCredentials.builder().accessKeyId(c.accessKeyId())
                    .secretAccessKey(c.secretAccessKey()).sessionToken(c.sessionToken())
                    .expirationTime(c.expiration()).build(), duration, chained);
        } catch (StsException e) {
            throw stsError(e, role, () -> callerArn(base));
        } catch (SdkClientException e) {
            throw unreachable(e);
        }
    }

    /** The role's session credentials (AssumeRole as for the console), for a credential_process. */
    @Override
    public AwsSessionCredentials issueCredentials(AppResource app, AwsRole role) {
        requireRole(app, role);
        return roleCredentials(app, role);
    }

    private void requireRole(AppResource app, AwsRole role) {
        if (awsRoles(app).stream().noneMatch(r -> r.arn().equals(role.arn()))) {
            throw new FerryException("The role " + role.arn() + " is not allowed for '" + app.name() + "'.",
                    "Pick one of the roles the workspace grants for this app's account.");
        }
    }

    @Override
    public URI consoleUrl(AppResource app, AwsRole role) {
        RoleChooser.requireConsoleRole(app, role, awsRoles(app),
                "Pick one of the roles the workspace grants for this app's account.");
        URI endpoint = workspace.aws().signinEndpoint().isEmpty()
                ? app.partition().federationEndpoint() : URI.create(workspace.aws().signinEndpoint());
        if (sso != null && sso.isPermissionSet(app, role)) {
            // Temporary credentials: the console session lasts as long as they do (no SessionDuration).
            String token = federation.signinToken(endpoint, roleCredentials(app, role), OptionalInt.empty());
            return federation.loginUrl(endpoint, token, app.uri());
        }
        RoleSession session = assumeRole(role, app.awsExternalId());
        OptionalInt sessionDuration = session.chained() ? OptionalInt.empty() : OptionalInt.of(session.durationSeconds());
        String token = federation.signinToken(endpoint, session.credentials(), sessionDuration);
        return federation.loginUrl(endpoint, token, app.uri());
    }

    @Override
    public TunnelOpener.Opened openAwsProxy(AppResource app, AwsRole role, ProxyMode mode, int port,
                                            LocalCredentials keys) throws IOException {
        requireRole(app, role);
        if (sso != null && sso.isPermissionSet(app, role)) {
            SessionCredentials roleCredentials = new SessionCredentials(sso.tunnelCredentials(role));
            try {
                roleCredentials.resolveCredentials(); // fails early, in plain words (or: sign in first)
                AwsProxy proxy = AwsProxy.start(new AwsProxyConfig(port, mode, localCredentials(keys),
                        roleCredentials::resolveCredentials, upstream(), ca.get())
                        .withPassThroughPorts(passThroughPorts()).withDefaultRegion(aws.region().id()));
                return new TunnelOpener.Opened(new SessionTunnel(proxy, roleCredentials), proxyInfo(role, mode, proxy));
            } catch (IOException | RuntimeException e) {
                roleCredentials.close();
                throw e;
            }
        }
        // Fail early, in plain words, when the role cannot be assumed at all.
        assumeRole(role, app.awsExternalId());
        AwsCredentialsProvider base = aws.baseCredentials();
        StsClient sts = aws.configure(StsClient.builder(), "STS").credentialsProvider(base).build();
        StsAssumeRoleCredentialsProvider roleCredentials = StsAssumeRoleCredentialsProvider.builder().stsClient(sts)
                .asyncCredentialUpdateEnabled(true)
                .refreshRequest(r -> {
                    r.roleArn(role.arn()).roleSessionName(RoleSessionName.of(workspace.user())).durationSeconds(CHAINED_DURATION);
                    if (!app.awsExternalId().isEmpty()) {
                        r.externalId(app.awsExternalId());
                    }
                }).build();
        AwsProxy proxy;
        try {
            proxy = AwsProxy.start(new AwsProxyConfig(port, mode, localCredentials(keys), roleCredentials::resolveCredentials,
                    upstream(), ca.get())
                    .withPassThroughPorts(passThroughPorts())
                    .withDefaultRegion(aws.region().id()));
        } catch (IOException | RuntimeException e) {
            roleCredentials.close();
            sts.close();
            throw e;
        }
        return new TunnelOpener.Opened(new ClosingTunnel(proxy, roleCredentials, sts), proxyInfo(role, mode, proxy));
    }

    private AwsProxyInfo proxyInfo(AwsRole role, ProxyMode mode, AwsProxy proxy) {
        return new AwsProxyInfo(role.arn(), mode, proxy.localCredentials().accessKeyId(),
                proxy.localCredentials().secretAccessKey(), proxy.caBundle(),
                mode == ProxyMode.HTTPS_PROXY ? proxy.proxyUrl() : proxy.endpointUrl(), aws.region().id());
    }

    @Override
    public TunnelOpener.Opened openDatabaseTunnel(DatabaseResource db, String dbUser, String dbName, int port)
            throws IOException {
        Optional<ServingMark> mark = servingMark(db);
        if (mark.isPresent()) {
            throw new FerryException("Ferry cannot open a tunnel to " + db.name() + ": " + mark.get().message());
        }
        DatabaseAccess.checkAllowed(db, dbUser, dbName);
        if (sso != null && !db.aws().accountId().isEmpty()) {
            return ssoDatabaseTunnel(db, dbUser, dbName, port);
        }
        DbCredentialSource source = new DbAuth(aws, workspace.user(), Clock.systemUTC()).sourceFor(db);
        return new TunnelOpener.Opened(DatabaseAccess.start(db, dbUser, dbName, port, source),
                DatabaseAccess.info(db, dbUser, dbName, source));
    }

    /** A database in an Identity Center account: its AWS calls use a permission set's credentials (renewed). */
    private TunnelOpener.Opened ssoDatabaseTunnel(DatabaseResource db, String dbUser, String dbName, int port)
            throws IOException {
        IdentityCenterSource.DatabaseRole role = sso.databaseRole(db);
        SessionCredentials creds = new SessionCredentials(sso.tunnelCredentials(role.role()));
        try {
            DbCredentialSource source = new DbAuth(aws.withBaseCredentials(creds), workspace.user(), Clock.systemUTC())
                    .sourceFor(role.database());
            var tunnel = DatabaseAccess.start(db, dbUser, dbName, port, source);
            return new TunnelOpener.Opened(new SessionTunnel(tunnel, creds), DatabaseAccess.info(db, dbUser, dbName, source));
        } catch (IOException | RuntimeException e) {
            creds.close();
            throw e;
        }
    }

    /** Extra ports (comma-separated) the HTTPS_PROXY mode may relay to for hosts that are not AWS; 443 always. */
    static final String PASS_THROUGH_PORTS = "FERRY_PROXY_PASS_THROUGH_PORTS";

    private java.util.Set<Integer> passThroughPorts() {
        try {
            return AwsProxyConfig.parsePorts(aws.env().get(PASS_THROUGH_PORTS).orElse(null));
        } catch (IllegalArgumentException e) {
            throw new FerryException(PASS_THROUGH_PORTS + ": " + e.getMessage(), "Give port numbers separated by commas.");
        }
    }

    /** Local credentials: FERRY_AWS_ACCESS_KEY_ID / FERRY_AWS_SECRET_ACCESS_KEY, else the tunnel's own. */
    private LocalCredentials localCredentials(LocalCredentials keys) {
        var key = aws.env().get("FERRY_AWS_ACCESS_KEY_ID");
        var secret = aws.env().get("FERRY_AWS_SECRET_ACCESS_KEY");
        if (key.isPresent() && secret.isPresent()) {
            return new LocalCredentials(key.get(), secret.get());
        }
        return keys;
    }

    /**
     * Upstream endpoints follow the SDK configuration (AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL), else the
     * genuine AWS endpoint the proxy parsed and checked against the request's scope.
     */
    private UpstreamResolver upstream() {
        return (service, region, endpoint) -> aws.endpointFor(service.toUpperCase(Locale.ROOT).replace('-', '_'))
                .orElseGet(endpoint::uri);
    }

    private AssumeRoleRequest request(AwsRole role, String externalId, String sessionName, int duration) {
        AssumeRoleRequest.Builder b = AssumeRoleRequest.builder().roleArn(role.arn())
                .roleSessionName(sessionName).durationSeconds(duration);
        if (externalId != null && !externalId.isEmpty()) {
            b.externalId(externalId);
        }
        return b.build();
    }

    private StsClient sts(AwsCredentialsProvider creds) {
        return aws.configure(StsClient.builder(), "STS").credentialsProvider(creds).build();
    }

    private String callerArn(AwsCredentials base) {
        try (StsClient sts = sts(StaticCredentialsProvider.create(base))) {
            return sts.getCallerIdentity().arn();
        } catch (RuntimeException e) {
            return "your AWS identity";
        }
    }

    private static boolean isDurationTooLong(StsException e) {
        String msg = AwsErrors.parse(e).message();
        return msg.contains("DurationSeconds") || msg.toLowerCase(Locale.ROOT).contains("maxsessionduration");
    }

    private FerryException stsError(StsException e, AwsRole role, java.util.function.Supplier<String> caller) {
        AwsErrors.Parsed err = AwsErrors.parse(e);
        String code = err.code();
        String msg = err.message();
        if (code.startsWith("ExpiredToken") || code.equals("RequestExpired")) {
            return new FerryException(FerryException.Kind.CREDENTIALS, "Your AWS credentials have expired (profile "
                    + aws.profileName() + ").", "Sign in again, e.g. `aws sso login --profile " + aws.profileName()
                    + "`, then retry.", e);
        }
        if (code.equals("InvalidClientTokenId") || code.equals("SignatureDoesNotMatch")
                || code.equals("UnrecognizedClientException")) {
            return new FerryException(FerryException.Kind.CREDENTIALS, "AWS does not accept your credentials (" + code
                    + ", profile " + aws.profileName() + ").", "Check the access keys of the profile, or sign in again.", e);
        }
        if (code.equals("AccessDenied") && role != null) {
            return new FerryException("AWS refused to let " + caller.get() + " assume " + role.arn()
                    + ": " + msg, "Check the role's trust policy (and the app's aws.external_id), "
                    + "or ask your AWS administrator for access.", e);
        }
        if (code.isEmpty()) {
            return new FerryException("AWS STS refused the request (HTTP " + e.statusCode() + ").", "", e);
        }
        return new FerryException("AWS STS failed: " + code + ": " + msg, "", e);
    }

    private FerryException unreachable(SdkClientException e) {
        return new FerryException(FerryException.Kind.UNREACHABLE, "AWS STS could not be reached: " + e.getMessage(),
                "Check your network connection and AWS endpoint settings.", e);
    }
}
