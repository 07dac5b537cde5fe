package dev.ferry.ui.teleport;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.app.FerryCore;
import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.access.AccessProvider;
import dev.ferry.app.access.LoginPrompter;
import dev.ferry.app.model.Resource;
import dev.ferry.app.teleport.TshNotLoggedInException;
import dev.ferry.app.teleport.TshStub;
import dev.ferry.app.workspace.Workspace;
import dev.ferry.app.workspace.WorkspaceLoader;
import dev.ferry.tunnel.testsupport.Wait;
import dev.ferry.ui.FerryDesktop;
import dev.ferry.ui.testing.DesktopFixture;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.input.Clipboard;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import dev.ferry.app.settings.Settings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.ferry.ui.resources.ResourceListView.RowPart.LAUNCH;
import static dev.ferry.ui.testing.DesktopFixture.fx;
import static dev.ferry.ui.testing.DesktopFixture.runFx;
import static dev.ferry.ui.testing.DesktopFixture.until;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Teleport workspaces in the window, against the tsh stand-in (which checks the password and
 * one-time code it is given, and serves a real loopback SSO callback): sign-in prompt,
 * password and OTP dialogs, Escape and Cancel, SSO link, expired session, sign-out, adding a
 * cluster, and a missing or too old tsh.
 */
class TeleportDesktopTest {
    @RegisterExtension
    final DesktopFixture ui = new DesktopFixture();

    @TempDir
    Path dir;

    TshStub tsh;
    FerryEnvironment env;
    Path workspaceFile;
    FerryCore core;
    FerryDesktop desktop;
    final List<URI> opened = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        tsh = new TshStub(dir);
        env = tsh.env(dir.resolve("ferry-home"));
        workspaceFile = tsh.workspace("");
    }

    // ---- helpers -------------------------------------------------------------------------

    void launch(FerryEnvironment e) throws Exception {
        desktop = ui.launch(e.with("FERRY_WORKSPACE_FILE", workspaceFile.toString()), opened::add);
        core = ui.core();
    }

    boolean showing(String id) throws Exception {
        return ui.showing(id);
    }

    String text(String id) throws Exception {
        return ui.text(id);
    }

    void waitForPrompt() throws Exception {
        until("the sign-in prompt", () -> showing("#signInPane") && showing("#signInButton"));
    }

    List<String> resourceNames() throws Exception {
        return fx(() -> desktop.workspace().resources().stream().map(Resource::name).toList());
    }

    void waitForStubResources() throws Exception {
        until("the cluster's resources and identity", () -> desktop.workspace().resources().size() == 5 && desktop.workspace().identityProperty().get() != null);
    }

    /** Types into the field of the dialog that shows {@code dialogId}, then Enter. */
    void answer(String dialogId, String fieldId, String value) throws Exception {
        until(dialogId + " asks, with the focus in " + fieldId, () -> showing(dialogId)
                && ui.find(fieldId).map(n -> n.isFocused() && n.getScene().getWindow().isFocused()).orElse(false));
        javafx.scene.control.TextInputControl field = ui.node(fieldId, javafx.scene.control.TextInputControl.class);
        ui.write(value);
        until(fieldId + " holds what was typed", () -> value.equals(field.getText()));
        ui.type(KeyCode.ENTER);
        until(dialogId + " closed", () -> !showing(dialogId));
    }

    void openAddClusterDialog() throws Exception {
        launch(env);
        waitForPrompt();
        ui.click("#addTeleportCluster");
        until("the proxy field has the focus", () -> ui.find("#clusterProxy").map(Node::isFocused).orElse(false));
    }

    List<JsonNode> logins() throws IOException {
        return tsh.calls().stream().filter(c -> c.get("argv").get(0).asText().equals("login")).toList();
    }

    /** Signs in with the app (not the window), e.g. to start with a session. */
    void signInOutsideTheWindow() throws Exception {
        try (FerryCore c = new FerryCore(env, u -> { })) {
            AccessProvider p = c.providers().open(c.workspaces().load(workspaceFile));
            LoginPrompter answers = (kind, prompt) -> Optional.of(
                    (kind == LoginPrompter.Kind.PASSWORD ? "correct horse" : "123456").toCharArray());
            p.signIn(answers);
        }
    }

    // ---- tests ---------------------------------------------------------------------------

    @Test
    void thePromptShowsTheClusterAndEscapeInThePasswordDialogCancelsTheSignIn() throws Exception {
        launch(env);
        waitForPrompt();
        assertThat(text("#signInTitle")).isEqualTo("Sign in to " + TshStub.PROXY);
        assertThat(text("#signInReason")).contains("You are not signed in");
        assertThat(showing("#loadProblem")).isFalse();
        assertThat(showing("#signOutButton")).isFalse();

        // Escape in the password dialog cancels the sign-in: tsh stops, the prompt stays, no error.
        ui.click("#signInButton");
        until("the password dialog asks", () -> showing("#passwordDialog")
                && ui.find("#signInPassword").map(Node::isFocused).orElse(false));
        assertThat(showing("#cancelSignIn")).isTrue();
        ui.pressInFocusedWindow(KeyCode.ESCAPE);
        until("the prompt is back", () -> showing("#signInButton"));
        assertThat(showing("#signInError")).isFalse();
        assertThat(resourceNames()).isEmpty();
        assertThat(logins()).hasSize(1);
    }

    @Test
    void aWrongOneTimeCodeShowsTheReasonUnderThePrompt() throws Exception {
        launch(env);
        waitForPrompt();
        ui.click("#signInButton");
        answer("#passwordDialog", "#signInPassword", "correct horse");
        answer("#otpDialog", "#signInOtp", "654321");
        until("the sign-in error shows", () -> showing("#signInError"));
        assertThat(text("#signInError")).contains("Teleport sign-in to " + TshStub.PROXY + " failed: invalid credentials");
        assertThat(resourceNames()).isEmpty();
        assertThat(showing("#signInButton")).as("the prompt stays for another try").isTrue();
    }

    @Test
    void enterSignsInWithPasswordAndOtpAndShowsTheClusterResourcesAndIdentity() throws Exception {
        launch(env);
        waitForPrompt();
        // Enter anywhere in the window presses the default button, Sign in.
        ui.focusWindow(ui.stage());
        ui.type(KeyCode.ENTER);
        answer("#passwordDialog", "#signInPassword", "correct horse");
        answer("#otpDialog", "#signInOtp", "123456");
        waitForStubResources();
        assertThat(resourceNames()).containsExactly("aws-prod", "aws-staging", "grafana", "orders", "analytics");
        until("the list shows the resources", () -> !showing("#signInPane")
                && ui.robot().lookup("#resourceList").lookup(".resource-name").queryAll().size() >= 5);
        assertThat(text("#identity")).isEqualTo("alice");
        assertThat(text("#identityDetail")).startsWith("Cluster acme · roles access, aws-console via "
                + TshStub.PROXY).contains("expires");
        assertThat(showing("#signOutButton")).isTrue();
        List<JsonNode> logins = logins();
        assertThat(logins).hasSize(1);
        assertThat(logins.get(0).get("argv").toString()).contains("--proxy=" + TshStub.PROXY).contains("--user=alice");
        assertThat(ui.notesSeen().stream().map(n -> n.title()).toList())
                .contains("Signed in").doesNotContain("No usable credentials");
    }

    @Test
    void expiredSessionShowsThePrompt() throws Exception {
        tsh.state.put("valid_hours", -1);
        tsh.save();
        assertThatThrownBy(this::signInOutsideTheWindow).isInstanceOf(TshNotLoggedInException.class)
                .hasMessageContaining("has expired");
        launch(env);
        waitForPrompt();
        assertThat(text("#signInReason")).contains("Your session has expired");
        assertThat(text("#signInTitle")).isEqualTo("Sign in to " + TshStub.PROXY);
        assertThat(showing("#loadProblem")).isFalse();
        assertThat(resourceNames()).isEmpty();

        // The prompt follows the theme: AtlantaFX colours, none of its own.
        assertThat(promptBrightness()).isGreaterThan(0.8);
        try {
            fx(() -> {
                desktop.themes().preferenceProperty().set(Settings.Theme.DARK);
                return null;
            });
            until(() -> promptBrightness() < 0.3);
            Label title = ui.node("#signInTitle", Label.class);
            assertThat(fx(() -> ((Color) title.getTextFill()).getBrightness()))
                    .isGreaterThan(0.7);
        } finally {
            fx(() -> {
                desktop.themes().preferenceProperty().set(Settings.Theme.LIGHT);
                return null;
            });
        }
    }

    double promptBrightness() throws Exception {
        Region pane = ui.node("#signInPane", Region.class);
        return fx(() -> {
            return pane.getBackground() == null ? -1 : ((Color) pane.getBackground().getFills().get(0).getFill()).getBrightness();
        });
    }

    @Test
    void ssoShowsTheLinkCancelKillsTshAndTheBrowserFinishesASecondTry() throws Exception {
        workspaceFile = tsh.workspace("  auth: github\n");
        launch(env);
        waitForPrompt();
        ui.click("#signInButton");
        until(() -> showing("#ssoLink") && text("#ssoLink").startsWith("http://127.0.0.1:"));
        URI link = URI.create(text("#ssoLink"));
        assertThat(text("#signInProgress")).isEqualTo("Waiting for the sign-in in your browser…");
        ui.click("#copySsoLink");
        assertThat(fx(() -> Clipboard.getSystemClipboard().getString())).isEqualTo(link.toString());
        ui.click("#ssoLink");
        until(() -> opened.contains(link));
        assertThat(accepts(link)).isTrue();

        ui.click("#cancelSignIn");
        until(() -> showing("#signInButton"));
        Wait.until("tsh's SSO listener is gone", () -> !accepts(link)); // tsh (and its listener) is gone
        assertThat(showing("#signInError")).isFalse();
        assertThat(showing("#ssoLink")).isFalse();

        ui.click("#signInButton");
        until(() -> showing("#ssoLink") && !text("#ssoLink").equals(link.toString()));
        URI second = URI.create(text("#ssoLink"));
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(second).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        waitForStubResources();
        assertThat(text("#identity")).isEqualTo("alice@acme.example");
        assertThat(logins().get(1).get("argv").toString()).contains("--auth=github");
    }

    @Test
    void signOutRunsTshLogoutAndReturnsToThePrompt() throws Exception {
        signInOutsideTheWindow();
        launch(env);
        waitForStubResources();
        assertThat(showing("#signInPane")).isFalse();
        until(() -> showing("#signOutButton"));
        ui.click("#signOutButton");
        waitForPrompt();
        assertThat(text("#signInReason")).contains("You are not signed in");
        assertThat(resourceNames()).isEmpty();
        assertThat(tsh.calls().stream().map(c -> c.get("argv").get(0).asText())).contains("logout");
        until(() -> !showing("#signOutButton"));
    }

    @Test
    void addClusterWritesAWorkspaceThatLoadsAndOpensIt() throws Exception {
        openAddClusterDialog();
        ui.write("https://teleport.beta.example");
        until(() -> text("#clusterProxyError").contains("host:port"));
        DialogPane pane = ui.node("#addClusterDialog", DialogPane.class);
        Button add = fx(() -> (Button) pane.getButtonTypes().stream().map(pane::lookupButton)
                .filter(b -> ((Button) b).getText().equals("Add")).findFirst().orElseThrow());
        assertThat(fx(add::isDisabled)).isTrue();
        javafx.scene.control.TextField proxy = ui.node("#clusterProxy", javafx.scene.control.TextField.class);
        runFx(proxy::clear);
        ui.focus("#clusterProxy");
        ui.write("teleport.beta.example:3080");
        ui.focus("#clusterUser");
        ui.write("bob");
        ui.focus("#clusterAuth");
        ui.write("local");
        until(() -> !add.isDisabled() && text("#clusterProxyError").isEmpty());
        ui.type(KeyCode.ENTER);

        Path expected = core.paths().workspacesDir().resolve("bob@teleport.beta.example.yaml").toAbsolutePath().normalize();
        until(() -> expected.equals(desktop.workspace().currentProperty().get()));
        var ws = (dev.ferry.app.workspace.TeleportWorkspace) new WorkspaceLoader("os-user").load(expected);
        assertThat(ws.teleport().proxy()).isEqualTo("teleport.beta.example:3080");
        assertThat(ws.teleport().auth()).isEqualTo("local");
        assertThat(ws.user()).isEqualTo("bob");
        assertThat(fx(() -> desktop.workspace().known())).contains(expected);
        waitForPrompt();
        assertThat(text("#signInTitle")).isEqualTo("Sign in to teleport.beta.example:3080");
        try (var files = Files.list(expected.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("bob@teleport.beta.example.yaml");
        }
    }

    @Test
    void addClusterEscapeWritesNothing() throws Exception {
        openAddClusterDialog();
        ui.write("teleport.beta.example:443");
        ui.type(KeyCode.ESCAPE);
        until("the dialog closed", () -> !showing("#addClusterDialog"));
        assertThat(core.paths().workspacesDir()).doesNotExist();
    }

    @Test
    void missingTshIsExplained() throws Exception {
        launch(env.with("PATH", Files.createDirectories(dir.resolve("empty")).toString()));
        until(() -> showing("#loadProblem"));
        assertThat(text("#loadProblem")).contains("tsh (Teleport's command-line client) was not found on this computer.")
                .contains("Install Teleport 14 or newer").contains("https://goteleport.com/download/")
                .doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(showing("#signInPane")).isFalse();
    }

    @Test
    void addClusterWithoutTshSaysHowToInstallItAndWritesNothing() throws Exception {
        launch(env.with("PATH", Files.createDirectories(dir.resolve("empty")).toString()));
        until(() -> showing("#loadProblem"));
        ui.click("#addTeleportCluster");
        until("the proxy field has the focus", () -> ui.find("#clusterProxy").map(Node::isFocused).orElse(false));
        ui.write("teleport.beta.example:443");
        ui.type(KeyCode.ENTER);
        until("the dialog closed", () -> !showing("#addClusterDialog"));
        until("the error", () -> ui.notesSeen().stream().anyMatch(n -> n.title().equals("Teleport cluster not added")));
        var note = ui.notesSeen().stream().filter(n -> n.title().equals("Teleport cluster not added")).findFirst().orElseThrow();
        assertThat(note.message()).isEqualTo("tsh (Teleport's command-line client) was not found on this computer.");
        assertThat(note.details()).contains("Install Teleport 14 or newer").contains("https://goteleport.com/download/");
        assertThat(ui.notesSeen()).noneMatch(n -> n.title().equals("Teleport cluster added"));
        assertThat(core.paths().workspacesDir().resolve("teleport.beta.example.yaml")).doesNotExist();
    }

    @Test
    void tooOldTshIsExplained() throws Exception {
        tsh.state.put("version", "12.0.3");
        tsh.save();
        launch(env);
        until(() -> showing("#loadProblem") && text("#loadProblem").contains("12.0.3"));
        assertThat(text("#loadProblem")).contains("is version 12.0.3; Ferry needs 14.0.0 or newer")
                .contains("https://goteleport.com/download/");
        assertThat(showing("#signInPane")).isFalse();
    }

    static boolean accepts(URI url) {
        try (Socket s = new Socket(url.getHost(), url.getPort())) {
            return true;
        } catch (ConnectException e) {
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void aTunnelThatNeedsASessionOffersSignInAndStartsAfterIt() throws Exception {
        dev.ferry.tunnel.testsupport.PostgresServer pg = dev.ferry.tunnel.testsupport.PostgresServer.shared();
        tsh.addRelayedDatabase("pg-local", pg.port(), dev.ferry.tunnel.testsupport.PostgresServer.TRUST_USER);
        tsh.state.put("valid_hours", -1); // signed in once, long ago: the session has expired
        tsh.save();
        assertThatThrownBy(this::signInOutsideTheWindow).isInstanceOf(TshNotLoggedInException.class).hasMessageContaining("has expired");
        tsh.state.put("valid_hours", 12);
        tsh.save();
        launch(env);
        waitForPrompt();

        dev.ferry.app.tunnels.TunnelSpec spec = dev.ferry.app.tunnels.TunnelSpec.database(workspaceFile.toAbsolutePath().toString(),
                "pg-local", dev.ferry.tunnel.testsupport.PostgresServer.TRUST_USER, dev.ferry.tunnel.testsupport.PostgresServer.DATABASE, 0);
        fx(() -> desktop.tunnelDocuments().open(spec));
        until(() -> core.tunnels().tunnels().size() == 1
                && core.tunnels().tunnels().get(0).status() == dev.ferry.app.tunnels.TunnelStatus.FAILED);
        dev.ferry.app.tunnels.Tunnel t = core.tunnels().tunnels().get(0);
        assertThat(t.lastError()).contains("has expired");
        until(() -> showing("#tunnelSignIn"));

        // By keyboard (the button may sit below the fold of a small test window).
        ui.focus("#tunnelSignIn");
        ui.type(KeyCode.SPACE);
        answer("#passwordDialog", "#signInPassword", "correct horse");
        answer("#otpDialog", "#signInOtp", "123456");
        until(() -> t.status() == dev.ferry.app.tunnels.TunnelStatus.READY);
        until(() -> !showing("#tunnelSignIn"));
        assertThat(dev.ferry.ui.tunnels.TunnelFixtures.query("jdbc:postgresql://127.0.0.1:" + t.localAddress().getPort() + "/"
                + dev.ferry.tunnel.testsupport.PostgresServer.DATABASE + "?user=" + dev.ferry.tunnel.testsupport.PostgresServer.TRUST_USER
                + "&sslmode=disable", "select current_user")).isEqualTo(dev.ferry.tunnel.testsupport.PostgresServer.TRUST_USER);
    }

    @Test
    void aSessionLostWhileTheWindowIsOpenBringsBackThePrompt() throws Exception {
        signInOutsideTheWindow();
        launch(env);
        waitForStubResources();
        // Signed out elsewhere (e.g. `tsh logout` in a terminal sharing this profile).
        try (FerryCore other = new FerryCore(env, u -> { })) {
            other.providers().open(other.workspaces().load(workspaceFile)).signOut();
        }
        // The next action that needs tsh finds no session: the list gives way to the prompt.
        ui.click(LAUNCH, "aws-prod");
        waitForPrompt();
        assertThat(text("#signInReason")).contains("not signed in");
        assertThat(resourceNames()).isEmpty();
    }

    /**
     * A Teleport database tunnel whose database goes away: Ferry's front before tsh reads the
     * stand-in's ErrorResponse (as Teleport's database service sends it), so the tab and the tray
     * say "upstream unreachable" while it still listens, and clear once a client gets through.
     */
    @Test
    void aTeleportTunnelWhoseDatabaseGoesAwayShowsUnreachableInTheTabAndTrayAndClears() throws Exception {
        dev.ferry.tunnel.testsupport.PostgresServer pg = dev.ferry.tunnel.testsupport.PostgresServer.shared();
        String user = dev.ferry.tunnel.testsupport.PostgresServer.TRUST_USER;
        tsh.addRelayedDatabase("pg-local", pg.port(), user);
        signInOutsideTheWindow();
        launch(env);
        dev.ferry.app.tunnels.TunnelSpec spec = dev.ferry.app.tunnels.TunnelSpec.database(
                workspaceFile.toAbsolutePath().toString(), "pg-local", user,
                dev.ferry.tunnel.testsupport.PostgresServer.DATABASE, dev.ferry.tunnel.testsupport.FreePorts.find());
        fx(() -> desktop.tunnelDocuments().open(spec));
        until(() -> core.tunnels().tunnels().size() == 1
                && core.tunnels().tunnels().get(0).status() == dev.ferry.app.tunnels.TunnelStatus.READY);
        dev.ferry.app.tunnels.Tunnel t = core.tunnels().tunnels().get(0);
        until("the tab is open", () -> desktop.tunnelDocuments().view(t.id()).isPresent());
        dev.ferry.ui.tunnels.TunnelView view = fx(() -> desktop.tunnelDocuments().view(t.id()).orElseThrow());
        String jdbc = ui.textIn(view, "#postgresJdbcUrl");
        assertThat(jdbc).contains("127.0.0.1:" + spec.port());

        assertThat(dev.ferry.ui.tunnels.TunnelFixtures.query(jdbc, "select current_user")).isEqualTo(user);
        until("the tab says the upstream is OK", () -> "upstream OK".equals(ui.textIn(view, "#tunnelUpstream")));
        assertThat(ui.textIn(view, "#tunnelStatus")).isEqualTo("Ready");

        // The database goes away behind tsh: the stand-in answers as Teleport's database service does.
        ((com.fasterxml.jackson.databind.node.ObjectNode) tsh.state.get("db_upstreams"))
                .put("pg-local", "127.0.0.1:" + dev.ferry.tunnel.testsupport.FreePorts.find());
        tsh.save();
        assertThatThrownBy(() -> dev.ferry.ui.tunnels.TunnelFixtures.query(jdbc, "select 1"))
                .isInstanceOf(java.sql.SQLException.class).hasMessageContaining("connection refused");
        until("the tab says the database cannot be reached", () -> ui.textIn(view, "#tunnelUpstream")
                .matches("upstream unreachable since \\d\\d:\\d\\d:\\d\\d: connection refused"));
        assertThat(ui.textIn(view, "#tunnelStatus")).isEqualTo("Listening");
        dev.ferry.ui.tray.TrayMenuModel.Menu menu = desktop.trayModel().menu();
        assertThat(menu.tunnelsFailing()).isTrue();
        assertThat(menu.tunnelItems()).singleElement().extracting(dev.ferry.ui.tray.TrayMenuModel.Item::label).asString()
                .contains("Listening · upstream unreachable since");

        ((com.fasterxml.jackson.databind.node.ObjectNode) tsh.state.get("db_upstreams"))
                .put("pg-local", "127.0.0.1:" + pg.port());
        tsh.save();
        assertThat(dev.ferry.ui.tunnels.TunnelFixtures.query(jdbc, "select 41 + 1")).isEqualTo("42");
        until("the tab says the upstream is OK again", () -> "upstream OK".equals(ui.textIn(view, "#tunnelUpstream")));
        assertThat(ui.textIn(view, "#tunnelStatus")).isEqualTo("Ready");
        assertThat(desktop.trayModel().menu().tunnelsFailing()).isFalse();
    }
}
