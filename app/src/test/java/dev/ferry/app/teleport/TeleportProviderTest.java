package dev.ferry.app.teleport;

import dev.ferry.app.workspace.TeleportWorkspace;
import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.FerryException;
import dev.ferry.app.access.AccessProvider;
import dev.ferry.app.access.AccessProviders;
import dev.ferry.app.access.Identity;
import dev.ferry.app.access.LoginPrompter;
import dev.ferry.app.access.RoleChooser;
import dev.ferry.app.aws.ConsoleFederation;
import dev.ferry.app.model.AppResource;
import dev.ferry.app.model.AwsRole;
import dev.ferry.app.model.DatabaseResource;
import dev.ferry.app.model.Resource;
import dev.ferry.app.workspace.Workspace;
import dev.ferry.app.workspace.WorkspaceLoader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The Teleport access provider against the tsh stand-in. */
class TeleportProviderTest {
    @TempDir
    Path dir;

    TshStub tsh;
    FerryEnvironment env;
    Path ferryHome;

    /** Answers prompts from a map and records what was asked. */
    static class Answers implements LoginPrompter {
        final Map<Kind, String> answers;
        final List<String> asked = new CopyOnWriteArrayList<>();
        final List<URI> links = new CopyOnWriteArrayList<>();

        Answers(Map<Kind, String> answers) {
            this.answers = answers;
        }

        @Override
        public Optional<char[]> ask(Kind kind, String prompt) {
            asked.add(kind + ": " + prompt);
            return Optional.ofNullable(answers.get(kind)).map(String::toCharArray);
        }

        @Override
        public void ssoLink(URI url) {
            links.add(url);
        }
    }

    static final Map<LoginPrompter.Kind, String> GOOD = Map.of(LoginPrompter.Kind.PASSWORD, "correct horse",
            LoginPrompter.Kind.OTP, "123456");

    @BeforeEach
    void setUp() throws Exception {
        tsh = new TshStub(dir);
        ferryHome = dir.resolve("ferry-home");
        env = tsh.env(ferryHome);
    }

    AccessProvider open(String extra) throws Exception {
        Workspace ws = new WorkspaceLoader("os-user").load(tsh.workspace(extra));
        return new AccessProviders(env, new ConsoleFederation(HttpClient.newHttpClient()), () -> {
                    throw new IllegalStateException("no local CA in these tests");
                }, new TshLocator(env, List.of())).open(ws);
    }

    AccessProvider signedIn() throws Exception {
        AccessProvider p = open("");
        p.signIn(new Answers(GOOD));
        return p;
    }

    @Test
    void notLoggedInIsATypedErrorThatSaysHowToSignIn() throws Exception {
        try (AccessProvider p = open("")) {
            TshNotLoggedInException e = catchThrowableOfType(p::identity, TshNotLoggedInException.class);
            assertThat(e).isNotNull();
            assertThat(e.expired()).isFalse();
            assertThat(e.getMessage()).isEqualTo("You are not signed in to Teleport (" + TshStub.PROXY + ").")
                    .doesNotContain("\u001B");
            assertThat(e.hint()).contains("ferry login");
            assertThatThrownBy(p::resources).isInstanceOf(TshNotLoggedInException.class);
        }
    }

    @Test
    void passwordAndOtpAreAnsweredThroughStdinAndTheSessionLandsInFerrysTeleportHome() throws Exception {
        try (AccessProvider p = open("")) {
            Answers answers = new Answers(GOOD);
            Identity id = p.signIn(answers);
            assertThat(answers.asked).containsExactly("PASSWORD: Enter password for Teleport user alice",
                    "OTP: Enter an OTP code from a device");
            assertThat(id.principal()).isEqualTo("alice");
            assertThat(id.account()).isEqualTo("acme");
            assertThat(id.detail()).contains("access, aws-console").contains("tsh 16.4.0");
            assertThat(id.expiresAt()).isPresent();
            Path home = ferryHome.resolve("teleport").resolve("acme-teleport");
            assertThat(home.resolve("keys/teleport.acme.example/alice-x509.pem")).exists();
            assertThat(tsh.calls()).filteredOn(c -> !c.get("argv").get(0).asText().equals("version"))
                    .hasSizeGreaterThanOrEqualTo(2)
                    .allSatisfy(c -> assertThat(c.get("TELEPORT_HOME").asText()).isEqualTo(home.toString()));
            assertThat(tsh.calls().stream().map(c -> c.get("argv").toString()))
                    .contains("[\"login\",\"--proxy=teleport.acme.example:443\",\"--user=alice\"]");
        }
    }

    @Test
    void wrongPasswordIsReportedInTshsWordsWithoutColourCodes() throws Exception {
        try (AccessProvider p = open("")) {
            FerryException e = catchThrowableOfType(() -> p.signIn(new Answers(Map.of(
                    LoginPrompter.Kind.PASSWORD, "wrong"))), FerryException.class);
            assertThat(e.getMessage()).isEqualTo("Teleport sign-in to " + TshStub.PROXY + " failed: invalid credentials");
        }
    }

    @Test
    void cancellingAtThePromptKillsTsh() throws Exception {
        try (AccessProvider p = open("")) {
            TshClient client = ((TeleportProvider) p).tsh();
            Answers none = new Answers(Map.of());
            TshLogin login = client.login(none);
            FerryException e = catchThrowableOfType(() -> login.await(TeleportProvider.LOGIN_TIMEOUT),
                    FerryException.class);
            assertThat(e.getMessage()).contains("was cancelled");
            assertThat(login.isRunning()).isFalse();
            assertThat(none.asked).hasSize(1);
            assertThatThrownBy(p::identity).isInstanceOf(TshNotLoggedInException.class);
        }
    }

    @Test
    void ssoLoginExposesTheLinkAndFinishesWhenTheBrowserComesBack() throws Exception {
        try (AccessProvider p = open("  auth: github\n")) {
            HttpClient http = HttpClient.newHttpClient();
            List<CompletableFuture<HttpResponse<String>>> visits = new ArrayList<>();
            Answers browser = new Answers(Map.of()) {
                @Override
                public void ssoLink(URI url) {
                    super.ssoLink(url);
                    visits.add(http.sendAsync(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString()));
                }
            };
            Identity id = p.signIn(browser);
            assertThat(browser.links).hasSize(1);
            assertThat(browser.links.get(0).toString()).matches("http://127\\.0\\.0\\.1:\\d+/[0-9a-f-]{36}");
            assertThat(visits.get(0).get().body()).contains("Login successful");
            assertThat(browser.asked).isEmpty();
            assertThat(id.principal()).isEqualTo("alice@acme.example");
            assertThat(tsh.calls().stream().map(c -> c.get("argv").toString()))
                    .contains("[\"login\",\"--proxy=teleport.acme.example:443\",\"--user=alice\",\"--auth=github\"]");
        }
    }

    @Test
    void expiredProfileIsATypedErrorToo() throws Exception {
        tsh.state.put("valid_hours", -1);
        tsh.save();
        try (AccessProvider p = open("")) {
            TshClient client = ((TeleportProvider) p).tsh();
            client.login(new Answers(GOOD)).await(TeleportProvider.LOGIN_TIMEOUT);
            TshOutput raw = client.run(List.of("status", "--format=json"));
            assertThat(raw.exitCode()).isEqualTo(1);
            assertThat(raw.stderr()).startsWith("\u001B[31mERROR: \u001B[0mActive profile expired.");
            assertThat(raw.stdout()).contains("\"valid_until\"");
            assertThat(raw.errorMessage()).isEqualTo("Active profile expired.");
            TshNotLoggedInException e = catchThrowableOfType(p::identity, TshNotLoggedInException.class);
            assertThat(e.expired()).isTrue();
            assertThat(e.getMessage()).contains("has expired");
            assertThatThrownBy(p::resources).isInstanceOf(TshNotLoggedInException.class);
        }
    }

    @Test
    void appsAndDatabasesComeFromTsh() throws Exception {
        try (AccessProvider p = signedIn()) {
            List<Resource> all = p.resources();
            assertThat(all).extracting(Resource::name)
                    .containsExactly("aws-prod", "aws-staging", "grafana", "orders", "analytics");
            AppResource staging = (AppResource) all.get(1);
            assertThat(staging.isAwsConsole()).isTrue();
            assertThat(staging.cloud()).isEqualTo("AWS");
            assertThat(staging.awsAccountId()).contains("222222222222");
            assertThat(((AppResource) all.get(2)).isAwsConsole()).isFalse();
            DatabaseResource orders = (DatabaseResource) all.get(3);
            assertThat(orders.typeName()).isEqualTo("Aurora PostgreSQL");
            assertThat(orders.allowedUsers()).containsExactly("alice", "reporting");
            assertThat(orders.aws().accountId()).isEqualTo("111111111111");
            DatabaseResource analytics = (DatabaseResource) all.get(4);
            assertThat(analytics.typeName()).isEqualTo("Redshift");
            assertThat(analytics.anyUserAllowed()).isTrue();
        }
    }

    @Test
    void rolesComeFromTheCertificateFilteredByTheAppsAccount() throws Exception {
        try (AccessProvider p = signedIn()) {
            List<Resource> all = p.resources();
            AppResource prod = (AppResource) all.get(0);
            AppResource staging = (AppResource) all.get(1);
            assertThat(p.awsRoles(prod)).extracting(AwsRole::arn).containsExactly(
                    TshStub.ROLE_ARNS.get(0), TshStub.ROLE_ARNS.get(1), TshStub.ROLE_ARNS.get(2));
            assertThat(p.awsRoles(staging)).extracting(AwsRole::name).containsExactly("Admin", "Deploy@ci");
            assertThat(tsh.calls().stream().map(c -> c.get("argv").get(0).asText())).doesNotContain("apps login");
        }
    }

    @Test
    void withoutACertificateRolesComeFromTheAvailableRolesTable() throws Exception {
        try (AccessProvider p = signedIn()) {
            Files.delete(ferryHome.resolve("teleport/acme-teleport/keys/teleport.acme.example/alice-x509.pem"));
            AppResource prod = (AppResource) p.resources().get(0);
            assertThat(p.awsRoles(prod)).extracting(AwsRole::arn).containsExactlyInAnyOrder(
                    TshStub.ROLE_ARNS.get(0), TshStub.ROLE_ARNS.get(1), TshStub.ROLE_ARNS.get(2));
            assertThat(tsh.calls().stream().map(c -> c.get("argv").toString()))
                    .contains("[\"apps\",\"login\",\"aws-prod\",\"--proxy=teleport.acme.example:443\"]");
        }
    }

    @Test
    void consoleUrlIsTheProxysWebLauncherRoute() throws Exception {
        try (AccessProvider p = signedIn()) {
            AppResource prod = (AppResource) p.resources().get(0);
            AwsRole dev = RoleChooser.choose(prod, p.awsRoles(prod), p.awsRolesAnyAccount(prod),
                    "/engineering/Developer");
            assertThat(p.consoleUrl(prod, dev)).hasToString("https://teleport.acme.example/web/launch/"
                    + "aws-prod.teleport.acme.example/acme/aws-prod.teleport.acme.example/"
                    + "arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2Fengineering%2FDeveloper");
            AwsRole admin = AwsRole.parse(TshStub.ROLE_ARNS.get(3));
            assertThatThrownBy(() -> p.consoleUrl(prod, admin)).hasMessageContaining("is not allowed for 'aws-prod'");
        }
    }

    @Test
    void signOutEndsTheSession() throws Exception {
        try (AccessProvider p = signedIn()) {
            assertThat(p.identity().principal()).isEqualTo("alice");
            p.signOut();
            assertThatThrownBy(p::identity).isInstanceOf(TshNotLoggedInException.class);
            assertThat(ferryHome.resolve("teleport/acme-teleport/keys")).doesNotExist();
        }
    }

    @Test
    void sharedTeleportHomeIsTheUsersOwn() throws Exception {
        TeleportWorkspace ws = (TeleportWorkspace) new WorkspaceLoader("u").load(tsh.workspace("  teleport_home: shared\n"));
        assertThat(TeleportHome.of(ws, env, dev.ferry.app.settings.FerryPaths.of(env)))
                .isEqualTo(dir.resolve("home/.tsh"));
        assertThat(TeleportHome.of(ws, env.with("TELEPORT_HOME", "/elsewhere/tsh"),
                dev.ferry.app.settings.FerryPaths.of(env))).isEqualTo(Path.of("/elsewhere/tsh"));
        TeleportWorkspace own = (TeleportWorkspace) new WorkspaceLoader("u").load(tsh.workspace("  teleport_home: profiles/acme\n"));
        assertThat(TeleportHome.of(own, env, dev.ferry.app.settings.FerryPaths.of(env)))
                .isEqualTo(dir.resolve("profiles/acme"));
    }
}
