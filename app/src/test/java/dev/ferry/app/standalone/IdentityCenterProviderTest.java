package dev.ferry.app.standalone;

import dev.ferry.app.FerryCore;
import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.FerryException;
import dev.ferry.app.access.AccessProvider;
import dev.ferry.app.access.Capability;
import dev.ferry.app.access.Identity;
import dev.ferry.app.access.LoginPrompter;
import dev.ferry.app.access.SignInOptions;
import dev.ferry.app.access.SignInRequiredException;
import dev.ferry.app.model.AppResource;
import dev.ferry.app.model.AwsRole;
import dev.ferry.app.model.DatabaseResource;
import dev.ferry.app.sso.SsoSession;
import dev.ferry.app.testsupport.IdentityCenterRig;
import dev.ferry.app.testsupport.IdentityCenterStandIn;
import dev.ferry.app.testsupport.SigninEndpointDouble;
import dev.ferry.app.testsupport.Python;
import dev.ferry.app.tunnels.AwsProxyInfo;
import dev.ferry.app.tunnels.TunnelOpener;
import dev.ferry.tunnel.aws.ProxyMode;
import dev.ferry.tunnel.testsupport.MotoServer;
import dev.ferry.tunnel.testsupport.PostgresServer;
import dev.ferry.tunnel.testsupport.Wait;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sts.StsClient;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A standalone workspace whose source is IAM Identity Center (the stand-in, driven through the
 * SDK's sso-oidc and sso clients), with real moto credentials for the permission sets: accounts
 * become console apps, their permission sets the roles, and the credentials work for the console,
 * a credential_process and a database's AWS calls; an ended session asks for a sign-in.
 */
class IdentityCenterProviderTest {
    @RegisterExtension
    static MotoServer moto = new MotoServer();

    static final Pattern READ_ONLY_IN_PROD = Pattern.compile(
            "arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_ReadOnly_[0-9a-f]{16}/alice@acme\\.example");
    static final SsoSession SESSION = IdentityCenterRig.SESSION;

    @TempDir
    Path home;
    IdentityCenterRig rig;
    SigninEndpointDouble signin;
    Path workspace;

    @BeforeEach
    void setUp() throws Exception {
        rig = new IdentityCenterRig(home, moto.endpoint(), IdentityCenterRig.smallOrg());
        signin = new SigninEndpointDouble(moto.endpoint());
        workspace = home.resolve("acme.yaml");
        Files.writeString(workspace, """
                name: acme
                identity_center:
                  start_url: %s
                  region: %s
                aws:
                  signin_endpoint: %s
                databases:
                  - name: reports
                    protocol: postgres
                    uri: reports.cluster-c9abcdefghij.eu-west-1.rds.amazonaws.com:5432
                    aws: {region: eu-west-1, account_id: "222222222222", rds: {cluster_id: reports}}
                """.formatted(IdentityCenterStandIn.START_URL, IdentityCenterStandIn.REGION, signin.endpoint()));
    }

    @AfterEach
    void tearDown() {
        signin.close();
        rig.close();
    }

    FerryCore core(boolean desktop) {
        return new FerryCore(rig.env.with("AWS_ENDPOINT_URL_SECRETS_MANAGER", moto.endpoint()), rig.browser, desktop);
    }

    StsClient sts(AwsSessionCredentials c) {
        return StsClient.builder().region(Region.EU_WEST_1).endpointOverride(URI.create(moto.endpoint()))
                .credentialsProvider(StaticCredentialsProvider.create(c)).build();
    }

    @Test
    void aStarredAccountComesFirstAndStaysStarredInANewCore() {
        rig.signedIn();
        try (FerryCore core = core(false)) {
            AccessProvider p = core.sessions().provider(workspace);
            assertThat(p.apps()).extracting(AppResource::name).containsExactly("audit", "prod", "staging");
            dev.ferry.app.access.Stars stars = p.appStars();
            assertThat(stars.starrable()).containsExactlyInAnyOrder("audit", "prod", "staging");
            assertThat(stars.starred()).isEmpty();
            p.starApp(p.requireApp("staging"), true);
            assertThat(p.apps()).extracting(AppResource::name).containsExactly("staging", "audit", "prod");
            assertThat(p.appStars().starred()).containsExactly("staging");
        }
        try (FerryCore core = core(false)) {
            AccessProvider p = core.sessions().provider(workspace);
            assertThat(p.apps()).extracting(AppResource::name).containsExactly("staging", "audit", "prod");
            assertThat(p.appStars().starred()).containsExactly("staging");
            p.starApp(p.requireApp("staging"), false);
            assertThat(p.apps()).extracting(AppResource::name).containsExactly("audit", "prod", "staging");
            assertThat(p.appStars().starred()).isEmpty();
        }
        assertThat(rig.standIn.problems()).isEmpty();
    }

    @Test
    void aStarredPermissionSetComesFirstAndStaysStarredInANewCore() {
        rig.signedIn();
        try (FerryCore core = core(false)) {
            AccessProvider p = core.sessions().provider(workspace);
            assertThat(p.can(Capability.FAVOURITES)).isTrue();
            AppResource prod = p.requireApp("prod");
            assertThat(p.awsRoles(prod)).extracting(AwsRole::name).containsExactly("Admin", "ReadOnly");
            dev.ferry.app.access.Stars stars = p.roleStars(prod);
            assertThat(stars.starrable()).containsExactlyInAnyOrder("arn:aws:iam::111111111111:role/Admin",
                    "arn:aws:iam::111111111111:role/ReadOnly");
            assertThat(stars.starred()).isEmpty();
            p.starRole(prod, AwsRole.parse("arn:aws:iam::111111111111:role/ReadOnly"), true);
            assertThat(p.awsRoles(prod)).extracting(AwsRole::name).containsExactly("ReadOnly", "Admin");
        }
        try (FerryCore core = core(false)) {
            AccessProvider p = core.sessions().provider(workspace);
            AppResource prod = p.requireApp("prod");
            assertThat(p.roleStars(prod).starred()).containsExactly("arn:aws:iam::111111111111:role/ReadOnly");
            assertThat(p.awsRoles(prod)).extracting(AwsRole::name).containsExactly("ReadOnly", "Admin");
            p.starRole(prod, AwsRole.parse("arn:aws:iam::111111111111:role/ReadOnly"), false);
            assertThat(p.roleStars(prod).starred()).isEmpty();
            assertThatThrownBy(() -> p.starRole(prod, AwsRole.parse("arn:aws:iam::111111111111:role/Other"), true))
                    .isInstanceOf(FerryException.class).hasMessageContaining("cannot be starred");
        }
    }

    @Test
    void withoutASessionEverythingAsksForASignIn() {
        try (FerryCore core = core(false)) {
            AccessProvider p = core.sessions().provider(workspace);
            assertThat(p.capabilities()).contains(Capability.SIGN_IN, Capability.SIGN_OUT, Capability.REFRESH,
                    Capability.ISSUE_CREDENTIALS, Capability.CONSOLE, Capability.AWS_PROXY);
            assertThatThrownBy(p::resources).isInstanceOf(SignInRequiredException.class)
                    .hasMessageContaining("not signed in to IAM Identity Center (acme)")
                    .satisfies(e -> assertThat(((SignInRequiredException) e).where()).isEqualTo(IdentityCenterStandIn.START_URL));
            assertThatThrownBy(p::identity).isInstanceOf(SignInRequiredException.class);
        }
        assertThat(rig.standIn.count("ListAccounts")).isZero();
    }

    @Test
    void afterTheBrowserSignInAccountsAreConsoleAppsAndPermissionSetsTheirRoles() throws Exception {
        List<URI> links = new CopyOnWriteArrayList<>();
        try (FerryCore core = core(false)) {
            AccessProvider p = core.sessions().provider(workspace);
            Identity me = p.signIn(new LoginPrompter() {
                @Override
                public Optional<char[]> ask(Kind kind, String prompt) {
                    throw new AssertionError("no questions in an Identity Center sign-in");
                }

                @Override
                public void ssoLink(URI url) {
                    links.add(url);
                }
            }, SignInOptions.defaults());
            assertThat(links).singleElement().satisfies(u -> assertThat(u.getPath()).isEqualTo("/authorize"));
            assertThat(me.account()).isEqualTo(IdentityCenterStandIn.START_URL);
            assertThat(me.detail()).isEqualTo("eu-west-1, 3 accounts");
            assertThat(me.expiresAt()).hasValueSatisfying(t -> assertThat(t).isAfter(Instant.now().plusSeconds(7 * 3600)));

            assertThat(p.apps()).extracting(AppResource::name).containsExactly("audit", "prod", "staging");
            AppResource prod = p.requireApp("prod");
            assertThat(prod.isAwsConsole()).isTrue();
            assertThat(prod.labels()).containsEntry("aws_account_id", "111111111111").containsEntry("account_name", "prod")
                    .containsEntry("email", "aws-prod@acme.example");
            assertThat(p.awsRoles(prod)).extracting(AwsRole::arn).containsExactly(
                    "arn:aws:iam::111111111111:role/Admin", "arn:aws:iam::111111111111:role/ReadOnly");
            assertThat(p.databases()).extracting(DatabaseResource::name).containsExactly("reports");

            // credential_process: the permission set's real credentials
            AwsSessionCredentials c = p.issueCredentials(prod, p.chooseRole(prod, "ReadOnly"));
            assertThat(c.expirationTime()).isPresent();
            try (StsClient sts = sts(c)) {
                assertThat(sts.getCallerIdentity().arn()).matches(READ_ONLY_IN_PROD);
            }
            // the console, through federation with the same kind of credentials and no SessionDuration
            URI console = p.consoleUrl(prod, p.chooseRole(prod, "ReadOnly"));
            String token = SigninEndpointDouble.query(console.getRawQuery()).get("SigninToken");
            assertThat(signin.roleOfToken(token)).matches(READ_ONLY_IN_PROD);
            assertThat(signin.tokenRequests()).singleElement()
                    .satisfies(r -> assertThat(r.sessionDuration()).isNull());
            assertThatThrownBy(() -> p.chooseRole(prod, "Developer")).isInstanceOf(FerryException.class)
                    .hasMessage("Unknown role 'Developer' for 'prod'.");
        }
        assertThat(rig.standIn.problems()).isEmpty();
    }

    @Test
    void aDeviceCodeSignInShowsTheCodeAndLinkAndGoesOnOnceConfirmed() {
        List<String> codes = new CopyOnWriteArrayList<>();
        try (FerryCore core = core(false)) {
            AccessProvider p = core.sessions().provider(workspace);
            Identity me = p.signIn(new LoginPrompter() {
                @Override
                public Optional<char[]> ask(Kind kind, String prompt) {
                    return Optional.empty();
                }

                @Override
                public void userCode(String code, URI verificationUri, URI complete, boolean browserOpened) {
                    codes.add(code);
                    assertThat(browserOpened).isFalse();
                    assertThat(complete.toString()).startsWith(verificationUri.toString()).endsWith(code);
                    rig.browser.visit(complete); // the person confirms the code in a browser
                }
            }, new SignInOptions(true, false));
            assertThat(codes).hasSize(1);
            assertThat(me.expiresAt()).isPresent();
            assertThat(rig.browser.opened()).isEmpty();
            assertThat(p.apps()).hasSize(3);
        }
        assertThat(rig.standIn.count("StartDeviceAuthorization")).isEqualTo(1);
    }

    @Test
    void theCachedListComesAtOnceAndTheDesktopListsAgainInTheBackground() {
        rig.signedIn();
        try (FerryCore core = core(false)) {
            assertThat(core.sessions().provider(workspace).apps()).hasSize(3);
        }
        rig.standIn.resetCalls();
        try (FerryCore core = core(false)) {
            assertThat(core.sessions().provider(workspace).apps()).hasSize(3);
            assertThat(rig.standIn.count("ListAccounts")).as("a CLI command uses the cached list").isZero();
            core.sessions().provider(workspace).refreshResources(line -> { });
            assertThat(rig.standIn.count("ListAccounts")).isEqualTo(1);
        }
        rig.standIn.resetCalls();
        try (FerryCore core = core(true)) {
            assertThat(core.sessions().provider(workspace).apps()).hasSize(3);
            Wait.until("the background listing", () -> rig.standIn.count("ListAccountRoles") == 3);
        }
    }

    @Test
    void anAccountWhoseRolesCannotBeListedStaysInTheListWithWhatToDo() {
        rig.signedIn();
        rig.standIn.failRolesOf("333333333333", 403);
        try (FerryCore core = core(false)) {
            AccessProvider p = core.sessions().provider(workspace);
            p.refreshResources(line -> { });
            assertThat(p.apps()).extracting(AppResource::name).containsExactly("audit", "prod", "staging");
            assertThat(p.requireApp("audit").description()).contains("roles could not be listed")
                    .contains("refused to list your roles in this account")
                    .contains("Ask your AWS administrator to check your permission set assignments");
            assertThat(p.requireApp("prod").description()).doesNotContain("could not be listed");
            assertThat(p.chooseRole(p.requireApp("prod"), "ReadOnly").name()).isEqualTo("ReadOnly");
        }
    }

    @Test
    void anEndedSessionAsksForASignInWhileTheCachedListStaysAndSignOutEndsIt() {
        rig.signedIn();
        try (FerryCore core = core(false)) {
            AccessProvider p = core.sessions().provider(workspace);
            AppResource staging = p.requireApp("staging");
            rig.standIn.expireAccessTokens();
            rig.standIn.revokeRefreshTokens();
            assertThat(p.apps()).hasSize(3);
            assertThatThrownBy(() -> p.issueCredentials(staging, p.chooseRole(staging, null)))
                    .isInstanceOf(SignInRequiredException.class);
        }
        rig.signedIn();
        try (FerryCore core = core(false)) {
            AccessProvider p = core.sessions().provider(workspace);
            p.signOut();
            assertThat(rig.cache.token(SESSION)).isEmpty();
            assertThat(rig.standIn.count("Logout")).isEqualTo(1);
            assertThatThrownBy(p::identity).isInstanceOf(SignInRequiredException.class);
        }
    }

    @Test
    void aRunningProxyWhoseSessionEndedSaysSignInKeepsItsPortAndServesAgainAfterTheSignIn() throws Exception {
        rig.standIn.reportedCredentialLifetime(Duration.ofSeconds(30)); // stale at once: every request fetches again
        rig.signedIn();
        try (FerryCore core = core(true)) {
            AccessProvider p = core.sessions().provider(workspace);
            AppResource prod = p.requireApp("prod");
            dev.ferry.app.tunnels.Tunnel t = core.tunnels().open(dev.ferry.app.tunnels.TunnelSpec.awsProxy(
                    workspace.toAbsolutePath().toString(), "prod", p.chooseRole(prod, "ReadOnly").arn(),
                    ProxyMode.ENDPOINT_URL, 0)).join();
            AwsProxyInfo info = (AwsProxyInfo) t.info().orElseThrow();
            int port = t.localAddress().getPort();
            Map<String, String> cli = Map.of("AWS_ENDPOINT_URL", info.address(), "AWS_CA_BUNDLE", info.caBundle().toString(),
                    "AWS_ACCESS_KEY_ID", info.accessKeyId(), "AWS_SECRET_ACCESS_KEY", info.secretAccessKey(),
                    "AWS_DEFAULT_REGION", "eu-west-1", "AWS_CONFIG_FILE", "/nonexistent",
                    "AWS_SHARED_CREDENTIALS_FILE", "/nonexistent", "AWS_MAX_ATTEMPTS", "1");
            List<String> whoAmI = List.of("aws", "sts", "get-caller-identity", "--output", "text", "--query", "Arn");
            Python.Result first = Python.exec(home, cli, whoAmI);
            assertThat(first.exit()).as(first.err()).isZero();
            assertThat(t.needsSignIn()).isFalse();

            rig.standIn.expireAccessTokens();
            rig.standIn.revokeRefreshTokens();
            // Role credentials fetched just before the session ended may still serve a request (AWS
            // accepts them until they expire); the first request that needs new ones is refused.
            Python.Result refused = Wait.until("a request is refused for the ended session",
                    () -> Python.exec(home, cli, whoAmI), r -> r.exit() != 0);
            assertThat(refused.err()).contains("no longer accepts your session").contains("ferry login");
            Wait.until("the tunnel says a sign-in is needed", () -> t.needsSignIn() && t.sessionEnded().isPresent());
            assertThat(t.status()).isEqualTo(dev.ferry.app.tunnels.TunnelStatus.READY);
            assertThat(t.failure().orElseThrow().reason()).isEqualTo(dev.ferry.app.tunnels.TunnelFailure.Reason.SIGN_IN_REQUIRED);
            assertThat(t.sessionEnded().orElseThrow().where()).isEqualTo(IdentityCenterStandIn.START_URL);
            assertThat(t.localAddress().getPort()).isEqualTo(port);

            String renewed = rig.signedIn().accessToken(); // what the sign-in prompt does; the tunnel is not restarted
            Python.Result again = Python.exec(home, cli, whoAmI);
            assertThat(again.exit()).as(again.err()).isZero();
            assertThat(again.out().trim()).matches(READ_ONLY_IN_PROD);
            assertThat(rig.standIn.calls()).filteredOn(c -> c.operation().equals("GetRoleCredentials"))
                    .last().satisfies(c -> assertThat(c.token()).isEqualTo(renewed));
            assertThat(t.needsSignIn()).isFalse();
            assertThat(t.sessionEnded()).isEmpty();
            assertThat(t.localAddress().getPort()).isEqualTo(port);
        }
    }

    @Test
    void aDatabaseTunnelLogsInWithASecretReadAsTheAccountsPermissionSet() throws Exception {
        PostgresServer pg = PostgresServer.shared();
        rig.signedIn();
        Path dbWorkspace = home.resolve("db.yaml");
        Files.writeString(dbWorkspace, """
                name: acme
                identity_center: {start_url: %s, region: %s}
                databases:
                  - name: reports
                    protocol: postgres
                    uri: localhost:%d
                    aws: {region: eu-west-1, account_id: "222222222222", secret_store: {secret_id: reports-app}}
                    tls: {mode: verify-full, ca_cert_file: %s}
                  - name: audit-db
                    protocol: postgres
                    uri: localhost:%d
                    aws: {region: eu-west-1, account_id: "333333333333", secret_store: {secret_id: audit-app}}
                roles:
                  - name: everyone
                    allow: {db_labels: {'*': '*'}, db_users: ['*'], db_names: ['*']}
                """.formatted(IdentityCenterStandIn.START_URL, IdentityCenterStandIn.REGION, pg.port(), pg.caPem(), pg.port()));
        try (FerryCore core = core(false)) {
            AccessProvider p = core.sessions().provider(dbWorkspace);
            // The secret lives in account 222222222222 (moto keeps accounts apart by the caller's credentials).
            AppResource staging = p.requireApp("staging");
            AwsSessionCredentials developer = p.issueCredentials(staging, p.chooseRole(staging, "Developer"));
            try (SecretsManagerClient sm = SecretsManagerClient.builder().region(Region.EU_WEST_1)
                    .endpointOverride(URI.create(moto.endpoint()))
                    .credentialsProvider(StaticCredentialsProvider.create(developer)).build()) {
                sm.createSecret(b -> b.name("reports-app").secretString("{\"username\":\"" + PostgresServer.SCRAM_USER
                        + "\",\"password\":\"" + PostgresServer.PASSWORD + "\"}"));
            }
            rig.standIn.resetCalls();
            // staging has one permission set, so the tunnel uses it
            TunnelOpener.Opened opened = p.openDatabaseTunnel(p.requireDatabase("reports"), PostgresServer.SCRAM_USER,
                    PostgresServer.DATABASE, 0);
            try (var tunnel = opened.tunnel();
                 Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + tunnel.localAddress().getPort()
                         + "/x?sslmode=disable", "whoever", "");
                 Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("select current_user")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo(PostgresServer.SCRAM_USER);
            }
            assertThat(rig.standIn.calls()).filteredOn(call -> call.operation().equals("GetRoleCredentials"))
                    .extracting(call -> call.params().get("account_id") + "/" + call.params().get("role_name"))
                    .containsExactly("222222222222/Developer");
            // audit has two permission sets and the database names none of them
            assertThatThrownBy(() -> p.openDatabaseTunnel(p.requireDatabase("audit-db"), "alice", "audit", 0))
                    .isInstanceOf(FerryException.class)
                    .hasMessageContaining("several permission sets (ReadOnly, SecurityAudit)")
                    .satisfies(e -> assertThat(((FerryException) e).hint())
                            .contains("arn:aws:iam::333333333333:role/<permission set>"));
        }
        assertThat(rig.standIn.problems()).isEmpty();
    }
}
