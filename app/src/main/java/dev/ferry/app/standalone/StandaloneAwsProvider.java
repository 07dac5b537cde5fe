package dev.ferry.app.standalone;

import dev.ferry.app.FerryException;
import dev.ferry.app.access.AccessProvider;
import dev.ferry.app.access.Capability;
import dev.ferry.app.access.Identity;
import dev.ferry.app.access.RoleChooser;
import dev.ferry.app.aws.AwsErrors;
import dev.ferry.app.aws.AwsSetup;
import dev.ferry.app.aws.ConsoleFederation;
import dev.ferry.app.aws.RoleSessionName;
import dev.ferry.app.model.AppResource;
import dev.ferry.app.model.AwsRole;
import dev.ferry.app.model.DatabaseResource;
import dev.ferry.app.model.Resource;
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
import dev.ferry.tunnel.pg.PgTunnel;
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
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A standalone AWS workspace: Ferry does federation itself with the user's own AWS
 * credentials (profile or default chain).
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
    private final Supplier<LocalCa> ca;

    public StandaloneAwsProvider(StandaloneWorkspace workspace, AwsSetup aws, ConsoleFederation federation, Supplier<LocalCa> ca) {
        this.workspace = workspace;
        this.aws = aws;
        this.federation = federation;
        this.ca = ca;
    }

    @Override
    public StandaloneWorkspace workspace() {
        return workspace;
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    public AwsSetup aws() {
        return aws;
    }

    @Override
    public Identity identity() {
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
        return workspace.resources();
    }

    @Override
    public List<AwsRole> awsRoles(AppResource app) {
        return workspace.awsRolesFor(app);
    }

    @Override
    public List<AwsRole> awsRolesAnyAccount(AppResource app) {
        return workspace.awsRolesAnyAccount(app);
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
        return assumeRole(role, app.awsExternalId()).credentials();
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
        RoleSession session = assumeRole(role, app.awsExternalId());
        URI endpoint = workspace.aws().signinEndpoint().isEmpty()
                ? app.partition().federationEndpoint() : URI.create(workspace.aws().signinEndpoint());
        OptionalInt sessionDuration = session.chained() ? OptionalInt.empty() : OptionalInt.of(session.durationSeconds());
        String token = federation.signinToken(endpoint, session.credentials(), sessionDuration);
        return federation.loginUrl(endpoint, token, app.uri());
    }

    @Override
    public TunnelOpener.Opened openAwsProxy(AppResource app, AwsRole role, ProxyMode mode, int port,
                                            LocalCredentials keys) throws IOException {
        requireRole(app, role);
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
        AwsProxyInfo info = new AwsProxyInfo(role.arn(), mode, proxy.localCredentials().accessKeyId(),
                proxy.localCredentials().secretAccessKey(), proxy.caBundle(),
                mode == ProxyMode.HTTPS_PROXY ? proxy.proxyUrl() : proxy.endpointUrl(), aws.region().id());
        return new TunnelOpener.Opened(new ClosingTunnel(proxy, roleCredentials, sts), info);
    }

    @Override
    public TunnelOpener.Opened openDatabaseTunnel(DatabaseResource db, String dbUser, String dbName, int port)
            throws IOException {
        DatabaseAccess.checkAllowed(db, dbUser, dbName);
        DbCredentialSource source = new DbAuth(aws, workspace.user(), Clock.systemUTC()).sourceFor(db);
        PgTunnel tunnel = PgTunnel.start(DatabaseAccess.config(db, dbUser, dbName, port, source));
        return new TunnelOpener.Opened(tunnel, DatabaseAccess.info(db, dbUser, dbName, source));
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
