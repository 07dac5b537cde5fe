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
import dev.ferry.ui.FerryDesktop;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.input.Clipboard;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import dev.ferry.app.settings.Settings;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

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
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Teleport workspaces in the window, against the tsh stand-in (which checks the password and
 * one-time code it is given, and serves a real loopback SSO callback): sign-in prompt,
 * password and OTP dialogs, Escape and Cancel, SSO link, expired session, sign-out, adding a
 * cluster, and a missing or too old tsh.
 */
@ExtendWith(ApplicationExtension.class)
class TeleportDesktopTest {
    @TempDir
    Path dir;

    Stage stage;
    TshStub tsh;
    FerryEnvironment env;
    Path workspaceFile;
    FerryCore core;
    FerryDesktop desktop;
    final List<URI> opened = new CopyOnWriteArrayList<>();

    @Start
    void start(Stage s) {
        stage = s;
    }

    @BeforeEach
    void setUp() throws Exception {
        tsh = new TshStub(dir);
        env = tsh.env(dir.resolve("ferry-home"));
        workspaceFile = tsh.workspace("");
    }

    @AfterEach
    void tearDown() throws Exception {
        FxToolkit.cleanupStages();
        if (desktop != null) {
            fx(() -> {
                desktop.close();
                return null;
            });
        }
        if (core != null) {
            core.close();
        }
    }

    // ---- helpers -------------------------------------------------------------------------

    static <T> T fx(Callable<T> c) throws Exception {
        return WaitForAsyncUtils.asyncFx(c).get(10, TimeUnit.SECONDS);
    }

    static void waitUntil(Callable<Boolean> condition) throws Exception {
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> fx(condition));
    }

    void launch(FerryEnvironment e) throws Exception {
        core = new FerryCore(e.with("FERRY_WORKSPACE_FILE", workspaceFile.toString()), opened::add);
        fx(() -> {
            desktop = new FerryDesktop(core, stage);
            desktop.show();
            return null;
        });
    }

    boolean showing(FxRobot robot, String id) throws Exception {
        return fx(() -> robot.lookup(id).tryQuery().filter(n -> {
            for (Node at = n; at != null; at = at.getParent()) {
                if (!at.isVisible()) {
                    return false;
                }
            }
            return n.getScene() != null;
        }).isPresent());
    }

    String text(FxRobot robot, String id) throws Exception {
        return fx(() -> {
            Node n = robot.lookup(id).query();
            if (n instanceof Label l) {
                return l.getText();
            }
            if (n instanceof Hyperlink h) {
                return h.getText();
            }
            if (n instanceof atlantafx.base.controls.Message m) {
                return m.getTitle() + "\n" + m.getDescription();
            }
            throw new AssertionError("no text on " + n);
        });
    }

    void waitForPrompt(FxRobot robot) throws Exception {
        waitUntil(() -> showing(robot, "#signInPane") && showing(robot, "#signInButton"));
    }

    List<String> resourceNames() throws Exception {
        return fx(() -> desktop.workspace().resources().stream().map(Resource::name).toList());
    }

    void waitForStubResources() throws Exception {
        waitUntil(() -> desktop.workspace().resources().size() == 5 && desktop.workspace().identityProperty().get() != null);
    }

    /** Types into the field of the dialog that shows {@code dialogId}, then Enter. */
    void answer(FxRobot robot, String dialogId, String fieldId, String value) throws Exception {
        waitUntil(() -> robot.lookup(dialogId).tryQuery().isPresent()
                && robot.lookup(fieldId).tryQuery().map(Node::isFocused).orElse(false));
        robot.write(value);
        robot.type(KeyCode.ENTER);
        waitUntil(() -> robot.lookup(dialogId).tryQuery().isEmpty());
    }

    void openAddClusterDialog(FxRobot robot) throws Exception {
        launch(env);
        waitForPrompt(robot);
        robot.clickOn("#addTeleportCluster");
        waitUntil(() -> robot.lookup("#clusterProxy").tryQuery().map(Node::isFocused).orElse(false));
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
    void signInWithPasswordAndOtpShowsTheClusterResourcesAndIdentity(FxRobot robot) throws Exception {
        launch(env);
        waitForPrompt(robot);
        assertThat(text(robot, "#signInTitle")).isEqualTo("Sign in to " + TshStub.PROXY);
        assertThat(text(robot, "#signInReason")).contains("You are not signed in");
        assertThat(showing(robot, "#loadProblem")).isFalse();
        assertThat(showing(robot, "#signOutButton")).isFalse();

        // Escape in the password dialog cancels the sign-in: tsh stops, the prompt stays, no error.
        robot.clickOn("#signInButton");
        waitUntil(() -> robot.lookup("#passwordDialog").tryQuery().isPresent()
                && robot.lookup("#signInPassword").tryQuery().map(Node::isFocused).orElse(false));
        assertThat(showing(robot, "#cancelSignIn")).isTrue();
        robot.type(KeyCode.ESCAPE);
        waitUntil(() -> !desktop.workspace().resources().isEmpty() || showing(robot, "#signInButton"));
        assertThat(showing(robot, "#signInError")).isFalse();
        assertThat(logins()).hasSize(1);

        // A wrong one-time code: tsh refuses, the reason shows under the prompt.
        robot.clickOn("#signInButton");
        answer(robot, "#passwordDialog", "#signInPassword", "correct horse");
        answer(robot, "#otpDialog", "#signInOtp", "654321");
        waitUntil(() -> showing(robot, "#signInError"));
        assertThat(text(robot, "#signInError")).contains("Teleport sign-in to " + TshStub.PROXY + " failed: invalid credentials");
        assertThat(resourceNames()).isEmpty();

        // Enter (default button) starts it again; the right answers sign in.
        robot.clickOn("#signInTitle");
        robot.type(KeyCode.ENTER);
        answer(robot, "#passwordDialog", "#signInPassword", "correct horse");
        answer(robot, "#otpDialog", "#signInOtp", "123456");
        waitForStubResources();
        assertThat(resourceNames()).containsExactly("aws-prod", "aws-staging", "grafana", "orders", "analytics");
        waitUntil(() -> !showing(robot, "#signInPane") && robot.lookup("#resourceList").lookup(".resource-name").queryAll().size() >= 5);
        assertThat(text(robot, "#identity")).isEqualTo("alice");
        assertThat(text(robot, "#identityDetail")).startsWith("Cluster acme · roles access, aws-console via "
                + TshStub.PROXY).contains("expires");
        assertThat(showing(robot, "#signOutButton")).isTrue();
        List<JsonNode> logins = logins();
        assertThat(logins).hasSize(3);
        assertThat(logins.get(2).get("argv").toString()).contains("--proxy=" + TshStub.PROXY).contains("--user=alice");
        assertThat(fx(() -> desktop.notifications().notes().stream().map(n -> n.title()).toList()))
                .contains("Signed in").doesNotContain("No usable credentials");
    }

    @Test
    void expiredSessionShowsThePrompt(FxRobot robot) throws Exception {
        tsh.state.put("valid_hours", -1);
        tsh.save();
        assertThatThrownBy(this::signInOutsideTheWindow).isInstanceOf(TshNotLoggedInException.class)
                .hasMessageContaining("has expired");
        launch(env);
        waitForPrompt(robot);
        assertThat(text(robot, "#signInReason")).contains("Your session has expired");
        assertThat(text(robot, "#signInTitle")).isEqualTo("Sign in to " + TshStub.PROXY);
        assertThat(showing(robot, "#loadProblem")).isFalse();
        assertThat(resourceNames()).isEmpty();

        // The prompt follows the theme: AtlantaFX colours, none of its own.
        assertThat(promptBrightness(robot)).isGreaterThan(0.8);
        try {
            fx(() -> {
                desktop.themes().preferenceProperty().set(Settings.Theme.DARK);
                return null;
            });
            waitUntil(() -> promptBrightness(robot) < 0.3);
            assertThat(fx(() -> ((Color) robot.lookup("#signInTitle").queryAs(Label.class).getTextFill()).getBrightness()))
                    .isGreaterThan(0.7);
        } finally {
            fx(() -> {
                desktop.themes().preferenceProperty().set(Settings.Theme.LIGHT);
                return null;
            });
        }
    }

    double promptBrightness(FxRobot robot) throws Exception {
        return fx(() -> {
            Region pane = robot.lookup("#signInPane").queryAs(Region.class);
            return pane.getBackground() == null ? -1 : ((Color) pane.getBackground().getFills().get(0).getFill()).getBrightness();
        });
    }

    @Test
    void ssoShowsTheLinkCancelKillsTshAndTheBrowserFinishesASecondTry(FxRobot robot) throws Exception {
        workspaceFile = tsh.workspace("  auth: github\n");
        launch(env);
        waitForPrompt(robot);
        robot.clickOn("#signInButton");
        waitUntil(() -> showing(robot, "#ssoLink") && text(robot, "#ssoLink").startsWith("http://127.0.0.1:"));
        URI link = URI.create(text(robot, "#ssoLink"));
        assertThat(text(robot, "#signInProgress")).isEqualTo("Waiting for the sign-in in your browser…");
        robot.clickOn("#copySsoLink");
        assertThat(fx(() -> Clipboard.getSystemClipboard().getString())).isEqualTo(link.toString());
        robot.clickOn("#ssoLink");
        waitUntil(() -> opened.contains(link));
        assertThat(accepts(link)).isTrue();

        robot.clickOn("#cancelSignIn");
        waitUntil(() -> showing(robot, "#signInButton"));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> !accepts(link)); // tsh (and its listener) is gone
        assertThat(showing(robot, "#signInError")).isFalse();
        assertThat(showing(robot, "#ssoLink")).isFalse();

        robot.clickOn("#signInButton");
        waitUntil(() -> showing(robot, "#ssoLink") && !text(robot, "#ssoLink").equals(link.toString()));
        URI second = URI.create(text(robot, "#ssoLink"));
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(second).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        waitForStubResources();
        assertThat(text(robot, "#identity")).isEqualTo("alice@acme.example");
        assertThat(logins().get(1).get("argv").toString()).contains("--auth=github");
    }

    @Test
    void signOutRunsTshLogoutAndReturnsToThePrompt(FxRobot robot) throws Exception {
        signInOutsideTheWindow();
        launch(env);
        waitForStubResources();
        assertThat(showing(robot, "#signInPane")).isFalse();
        waitUntil(() -> showing(robot, "#signOutButton"));
        robot.clickOn("#signOutButton");
        waitForPrompt(robot);
        assertThat(text(robot, "#signInReason")).contains("You are not signed in");
        assertThat(resourceNames()).isEmpty();
        assertThat(tsh.calls().stream().map(c -> c.get("argv").get(0).asText())).contains("logout");
        waitUntil(() -> !showing(robot, "#signOutButton"));
    }

    @Test
    void addClusterWritesAWorkspaceThatLoadsAndOpensIt(FxRobot robot) throws Exception {
        openAddClusterDialog(robot);
        robot.write("https://teleport.beta.example");
        waitUntil(() -> text(robot, "#clusterProxyError").contains("host:port"));
        DialogPane pane = robot.lookup("#addClusterDialog").queryAs(DialogPane.class);
        Button add = fx(() -> (Button) pane.getButtonTypes().stream().map(pane::lookupButton)
                .filter(b -> ((Button) b).getText().equals("Add")).findFirst().orElseThrow());
        assertThat(fx(add::isDisabled)).isTrue();
        fx(() -> {
            robot.lookup("#clusterProxy").queryAs(javafx.scene.control.TextField.class).clear();
            return null;
        });
        robot.clickOn("#clusterProxy").write("teleport.beta.example:3080");
        robot.clickOn("#clusterUser").write("bob");
        robot.clickOn("#clusterAuth").write("local");
        waitUntil(() -> !add.isDisabled() && text(robot, "#clusterProxyError").isEmpty());
        robot.type(KeyCode.ENTER);

        Path expected = core.paths().workspacesDir().resolve("bob@teleport.beta.example.yaml").toAbsolutePath().normalize();
        waitUntil(() -> expected.equals(desktop.workspace().currentProperty().get()));
        var ws = (dev.ferry.app.workspace.TeleportWorkspace) new WorkspaceLoader("os-user").load(expected);
        assertThat(ws.teleport().proxy()).isEqualTo("teleport.beta.example:3080");
        assertThat(ws.teleport().auth()).isEqualTo("local");
        assertThat(ws.user()).isEqualTo("bob");
        assertThat(fx(() -> desktop.workspace().known())).contains(expected);
        waitForPrompt(robot);
        assertThat(text(robot, "#signInTitle")).isEqualTo("Sign in to teleport.beta.example:3080");
        try (var files = Files.list(expected.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("bob@teleport.beta.example.yaml");
        }
    }

    @Test
    void addClusterEscapeWritesNothing(FxRobot robot) throws Exception {
        openAddClusterDialog(robot);
        robot.write("teleport.beta.example:443");
        robot.type(KeyCode.ESCAPE);
        waitUntil(() -> robot.lookup("#addClusterDialog").tryQuery().isEmpty());
        assertThat(core.paths().workspacesDir()).doesNotExist();
    }

    @Test
    void missingTshIsExplained(FxRobot robot) throws Exception {
        launch(env.with("PATH", Files.createDirectories(dir.resolve("empty")).toString()));
        waitUntil(() -> showing(robot, "#loadProblem"));
        assertThat(text(robot, "#loadProblem")).contains("tsh (Teleport's command-line client) was not found on this computer.")
                .contains("Install Teleport 14 or newer").contains("https://goteleport.com/download/")
                .doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(showing(robot, "#signInPane")).isFalse();
    }

    @Test
    void tooOldTshIsExplained(FxRobot robot) throws Exception {
        tsh.state.put("version", "12.0.3");
        tsh.save();
        launch(env);
        waitUntil(() -> showing(robot, "#loadProblem") && text(robot, "#loadProblem").contains("12.0.3"));
        assertThat(text(robot, "#loadProblem")).contains("is version 12.0.3; Ferry needs 14.0.0 or newer")
                .contains("https://goteleport.com/download/");
        assertThat(showing(robot, "#signInPane")).isFalse();
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
    void aTunnelThatNeedsASessionOffersSignInAndStartsAfterIt(FxRobot robot) throws Exception {
        dev.ferry.tunnel.testsupport.PostgresServer pg = dev.ferry.tunnel.testsupport.PostgresServer.shared();
        tsh.addRelayedDatabase("pg-local", pg.port(), dev.ferry.tunnel.testsupport.PostgresServer.TRUST_USER);
        tsh.state.put("valid_hours", -1); // signed in once, long ago: the session has expired
        tsh.save();
        assertThatThrownBy(this::signInOutsideTheWindow).isInstanceOf(TshNotLoggedInException.class).hasMessageContaining("has expired");
        tsh.state.put("valid_hours", 12);
        tsh.save();
        launch(env);
        waitForPrompt(robot);

        dev.ferry.app.tunnels.TunnelSpec spec = dev.ferry.app.tunnels.TunnelSpec.database(workspaceFile.toAbsolutePath().toString(),
                "pg-local", dev.ferry.tunnel.testsupport.PostgresServer.TRUST_USER, dev.ferry.tunnel.testsupport.PostgresServer.DATABASE, 0);
        fx(() -> desktop.tunnelDocuments().open(spec));
        waitUntil(() -> core.tunnels().tunnels().size() == 1
                && core.tunnels().tunnels().get(0).status() == dev.ferry.app.tunnels.TunnelStatus.FAILED);
        dev.ferry.app.tunnels.Tunnel t = core.tunnels().tunnels().get(0);
        assertThat(t.lastError()).contains("has expired");
        waitUntil(() -> showing(robot, "#tunnelSignIn"));

        // By keyboard (the button may sit below the fold of a small test window).
        fx(() -> {
            robot.lookup("#tunnelSignIn").query().requestFocus();
            return null;
        });
        waitUntil(() -> robot.lookup("#tunnelSignIn").query().isFocused());
        robot.type(KeyCode.SPACE);
        answer(robot, "#passwordDialog", "#signInPassword", "correct horse");
        answer(robot, "#otpDialog", "#signInOtp", "123456");
        waitUntil(() -> t.status() == dev.ferry.app.tunnels.TunnelStatus.READY);
        waitUntil(() -> !showing(robot, "#tunnelSignIn"));
        assertThat(dev.ferry.ui.tunnels.TunnelFixtures.query("jdbc:postgresql://127.0.0.1:" + t.localAddress().getPort() + "/"
                + dev.ferry.tunnel.testsupport.PostgresServer.DATABASE + "?user=" + dev.ferry.tunnel.testsupport.PostgresServer.TRUST_USER
                + "&sslmode=disable", "select current_user")).isEqualTo(dev.ferry.tunnel.testsupport.PostgresServer.TRUST_USER);
    }

    @Test
    void aSessionLostWhileTheWindowIsOpenBringsBackThePrompt(FxRobot robot) throws Exception {
        signInOutsideTheWindow();
        launch(env);
        waitForStubResources();
        // Signed out elsewhere (e.g. `tsh logout` in a terminal sharing this profile).
        try (FerryCore other = new FerryCore(env, u -> { })) {
            other.providers().open(other.workspaces().load(workspaceFile)).signOut();
        }
        // The next action that needs tsh finds no session: the list gives way to the prompt.
        dev.ferry.ui.tunnels.TunnelFixtures.clickVisible(robot, "#launch-aws-prod");
        waitForPrompt(robot);
        assertThat(text(robot, "#signInReason")).contains("not signed in");
        assertThat(resourceNames()).isEmpty();
    }
}
