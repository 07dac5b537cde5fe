package dev.ferry.ui;

import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import dev.ferry.app.FerryCore;
import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.settings.Settings;
import dev.ferry.app.testsupport.MotoServer;
import dev.ferry.app.testsupport.SigninEndpointDouble;
import dev.ferry.app.testsupport.TestWorkspaces;
import dev.ferry.ui.notify.Notifications;
import dev.ferry.ui.notify.NotificationsView;
import javafx.application.Application;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ComboBox;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The desktop window against a real moto_server (STS) and the federation endpoint stand-in,
 * on the example workspace, driven through the UI with TestFX.
 */
@ExtendWith(ApplicationExtension.class)
class DesktopTest {
    @RegisterExtension
    static MotoServer moto = new MotoServer();

    @TempDir
    Path dir;

    SigninEndpointDouble signin;
    Path workspaceFile;
    FerryEnvironment env;
    FerryCore core;
    FerryDesktop desktop;
    final RecordingBrowser browser = new RecordingBrowser();

    @Start
    void start(Stage stage) throws Exception {
        signin = new SigninEndpointDouble(moto.endpoint());
        workspaceFile = TestWorkspaces.exampleFor(dir, signin.endpoint().toString());
        env = TestWorkspaces.motoEnv(dir, moto.endpoint()).with("FERRY_WORKSPACE_FILE", workspaceFile.toString());
        core = new FerryCore(env, browser);
        desktop = new FerryDesktop(core, stage);
        desktop.show();
    }

    @AfterEach
    void tearDown() throws Exception {
        browser.release();
        FxToolkit.cleanupStages();
        WaitForAsyncUtils.asyncFx(() -> desktop.close()).get(10, TimeUnit.SECONDS);
        core.close();
        signin.close();
    }

    // ---- helpers -------------------------------------------------------------------------

    static <T> T fx(Callable<T> c) throws Exception {
        return WaitForAsyncUtils.asyncFx(c).get(10, TimeUnit.SECONDS);
    }

    static void waitUntil(Callable<Boolean> condition) throws Exception {
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> fx(condition));
    }

    /** Names of the rows the list renders, top to bottom. */
    List<String> rowNames(FxRobot robot) throws Exception {
        return fx(() -> robot.lookup("#resourceList").lookup(".resource-name").queryAllAs(Label.class).stream()
                .filter(Node::isVisible)
                .sorted((a, b) -> Double.compare(a.localToScene(0, 0).getY(), b.localToScene(0, 0).getY()))
                .map(Label::getText).toList());
    }

    List<String> shownNames() throws Exception {
        return fx(() -> desktop.resources().shown().stream().map(r -> r.name()).toList());
    }

    void waitForResources(FxRobot robot) throws Exception {
        waitUntil(() -> desktop.resources().shown().size() == 5);
        waitUntil(() -> robot.lookup("#resourceList").lookup(".resource-name").queryAll().size() >= 5);
    }

    List<Notifications.Note> notes() throws Exception {
        return fx(() -> List.copyOf(desktop.notifications().notes()));
    }

    /** Texts of the notifications the overlay shows (title, message and details). */
    List<String> shownNotificationTexts(FxRobot robot) throws Exception {
        return fx(() -> robot.lookup("." + NotificationsView.STYLE_CLASS).queryAll().stream()
                .map(n -> robot.from(n).lookup(".label").queryAllAs(Label.class).stream()
                        .map(Label::getText).reduce("", (a, b) -> a + "\n" + b))
                .toList());
    }

    List<String> roleItems(FxRobot robot) throws Exception {
        return fx(() -> {
            ListView<?> list = robot.lookup("#rolePickerList").queryAs(ListView.class);
            return list.getItems().stream().map(r -> ((dev.ferry.app.model.AwsRole) r).displayName()).toList();
        });
    }

    void openRoleMenu(FxRobot robot, String app) throws Exception {
        waitForResources(robot);
        click(robot, "#launch-" + app);
        waitUntil(() -> desktop.resourceView().rolePicker().map(p -> p.isShowing()).orElse(false)
                && robot.lookup("#rolePickerSearch").tryQuery().map(Node::isFocused).orElse(false));
    }

    /** Clicks the visible, attached node of a query (list cells may keep detached copies). */
    static void click(FxRobot robot, String query) throws Exception {
        dev.ferry.ui.tunnels.TunnelFixtures.clickVisible(robot, query);
    }

    static String callerArnFromMoto() {
        try (StsClient sts = StsClient.builder().region(Region.US_EAST_1).endpointOverride(URI.create(moto.endpoint()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        TestWorkspaces.ACCESS_KEY, TestWorkspaces.SECRET_KEY))).build()) {
            return sts.getCallerIdentity().arn();
        }
    }

    Path writeWorkspace(String name, String yaml) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, yaml);
        return f;
    }

    // ---- tests ---------------------------------------------------------------------------

    @Test
    void rendersTheExampleWorkspaceAndTheCallerIdentity(FxRobot robot) throws Exception {
        waitForResources(robot);
        assertThat(rowNames(robot)).containsExactly("aws-prod", "aws-staging", "aws-govcloud", "analytics", "orders");
        List<String> types = fx(() -> robot.lookup("#resourceList").lookup(".resource-type").queryAllAs(Label.class)
                .stream().filter(Node::isVisible).map(Label::getText).toList());
        assertThat(types).contains("AWS console", "AWS console (GovCloud)", "Redshift", "Aurora PostgreSQL");
        List<String> chips = fx(() -> robot.lookup(".chip").queryAllAs(Label.class).stream().map(Label::getText).toList());
        assertThat(chips).contains("aws_account_id=111111111111", "env=prod", "engine=aurora-postgresql");
        assertThat(fx(() -> robot.lookup("#connect-analytics").queryAs(Button.class).isDisabled())).isFalse();

        String expected = callerArnFromMoto();
        waitUntil(() -> !robot.lookup("#identity").queryAs(Label.class).getText().isEmpty());
        assertThat(fx(() -> robot.lookup("#identity").queryAs(Label.class).getText())).isEqualTo(expected);
        assertThat(fx(() -> robot.lookup("#identityLoading").queryAs(Node.class).isVisible())).isFalse();
        assertThat(fx(() -> robot.lookup("#workspacePicker").queryAs(ComboBox.class).getValue()))
                .isEqualTo(workspaceFile.toAbsolutePath().normalize());
    }

    @Test
    void searchFiltersByNameDescriptionAndLabel(FxRobot robot) throws Exception {
        waitForResources(robot);
        robot.clickOn("#search").write("govcloud");
        waitUntil(() -> desktop.resources().shown().size() == 1);
        assertThat(rowNames(robot)).containsExactly("aws-govcloud");

        robot.press(KeyCode.ESCAPE).release(KeyCode.ESCAPE);
        waitUntil(() -> desktop.resources().shown().size() == 5);

        robot.write("Production");
        waitUntil(() -> desktop.resources().shown().size() == 1);
        assertThat(shownNames()).containsExactly("aws-prod");

        robot.press(KeyCode.ESCAPE).release(KeyCode.ESCAPE).write("222222222222");
        waitUntil(() -> desktop.resources().shown().size() == 1);
        assertThat(rowNames(robot)).containsExactly("aws-staging");

        robot.press(KeyCode.ESCAPE).release(KeyCode.ESCAPE).write("env=prod");
        waitUntil(() -> desktop.resources().shown().size() == 2);
        assertThat(rowNames(robot)).containsExactly("aws-prod", "analytics");
        assertThat(fx(() -> robot.lookup("#resourceCount").queryAs(Label.class).getText())).isEqualTo("2 of 5");
    }

    @Test
    void kindFilter(FxRobot robot) throws Exception {
        waitForResources(robot);
        robot.clickOn("#kind-databases");
        waitUntil(() -> desktop.resources().shown().size() == 2);
        assertThat(rowNames(robot)).containsExactly("analytics", "orders");
        robot.clickOn("#kind-apps");
        waitUntil(() -> desktop.resources().shown().size() == 3);
        assertThat(rowNames(robot)).containsExactly("aws-prod", "aws-staging", "aws-govcloud");
        robot.clickOn("#kind-all");
        waitUntil(() -> desktop.resources().shown().size() == 5);
    }

    @Test
    void keyboardFocusesSearchMovesAndLaunchesWithEnter(FxRobot robot) throws Exception {
        waitForResources(robot);
        robot.clickOn("#kind-all");
        robot.press(KeyCode.CONTROL, KeyCode.F).release(KeyCode.F, KeyCode.CONTROL);
        waitUntil(() -> robot.lookup("#search").queryAs(TextField.class).isFocused());
        robot.write("aws");
        waitUntil(() -> desktop.resources().shown().size() == 3);
        robot.press(KeyCode.DOWN).release(KeyCode.DOWN);  // into the list, first row
        robot.press(KeyCode.DOWN).release(KeyCode.DOWN);  // second row
        waitUntil(() -> "aws-staging".equals(fx(() -> {
            var sel = desktop.resourceView().list().getSelectionModel().getSelectedItem();
            return sel == null ? null : sel.name();
        })));
        robot.press(KeyCode.ENTER).release(KeyCode.ENTER);
        waitUntil(() -> desktop.resourceView().rolePicker().map(p -> p.isShowing()).orElse(false));
        assertThat(roleItems(robot)).containsExactly("222222222222: ReadOnly", "222222222222: Admin");
        robot.press(KeyCode.ESCAPE).release(KeyCode.ESCAPE);
        waitUntil(() -> !desktop.resourceView().rolePicker().orElseThrow().isShowing());

        // Escape in the list clears the search; "/" focuses the search box again.
        robot.clickOn("#resourceList");
        robot.press(KeyCode.ESCAPE).release(KeyCode.ESCAPE);
        waitUntil(() -> desktop.resources().shown().size() == 5);
        robot.clickOn("#resourceList");
        robot.write("/");
        waitUntil(() -> robot.lookup("#search").queryAs(TextField.class).isFocused());
        assertThat(fx(() -> robot.lookup("#search").queryAs(TextField.class).getText())).isEmpty();
    }

    @Test
    void roleMenusListOnlyTheAppsAccountAndTypingFilters(FxRobot robot) throws Exception {
        openRoleMenu(robot, "aws-prod");
        assertThat(roleItems(robot)).containsExactly("111111111111: ReadOnly", "111111111111: Developer (/engineering/)");
        robot.press(KeyCode.ESCAPE).release(KeyCode.ESCAPE);
        waitUntil(() -> !desktop.resourceView().rolePicker().orElseThrow().isShowing());

        openRoleMenu(robot, "aws-staging");
        assertThat(roleItems(robot)).containsExactly("222222222222: ReadOnly", "222222222222: Admin");
        robot.write("adm");
        waitUntil(() -> roleItems(robot).size() == 1);
        assertThat(roleItems(robot)).containsExactly("222222222222: Admin");
        assertThat(browser.opened).isEmpty();
    }

    @Test
    void launchSignsInAsThePickedRoleWithoutBlockingTheWindow(FxRobot robot) throws Exception {
        browser.hold();
        openRoleMenu(robot, "aws-prod");
        robot.write("dev");
        waitUntil(() -> roleItems(robot).size() == 1);
        robot.press(KeyCode.ENTER).release(KeyCode.ENTER);

        // The browser call is held: the launch is in progress on a background thread.
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> browser.opened.size() == 1);
        assertThat(fx(() -> robot.lookup("#launch-aws-prod").queryAs(Button.class).isDisabled())).isTrue();
        assertThat(fx(() -> ((ProgressIndicator) robot.lookup("#launch-aws-prod").queryAs(Button.class).getGraphic())
                .isVisible())).isTrue();
        // ...and the window still answers: the search box filters meanwhile.
        robot.clickOn("#search").write("orders");
        waitUntil(() -> desktop.resources().shown().size() == 1);
        robot.press(KeyCode.ESCAPE).release(KeyCode.ESCAPE);
        browser.release();
        waitUntil(() -> notes().stream().anyMatch(n -> n.level() == Notifications.Level.SUCCESS));
        waitUntil(() -> !robot.lookup("#launch-aws-prod").queryAs(Button.class).isDisabled());

        URI url = browser.opened.get(0);
        assertThat(url.toString()).startsWith(signin.endpoint() + "?Action=login");
        Map<String, String> q = SigninEndpointDouble.query(url.getRawQuery());
        assertThat(q).containsEntry("Destination", "https://console.aws.amazon.com/ec2/v2/home");
        assertThat(signin.roleOfToken(q.get("SigninToken")))
                .isEqualTo("arn:aws:sts::111111111111:assumed-role/Developer/alice@acme.example");
        assertThat(shownNotificationTexts(robot)).noneMatch(t -> t.contains(q.get("SigninToken")));
        waitUntil(() -> shownNotificationTexts(robot).stream().anyMatch(t -> t.contains("Opened aws-prod")));
    }

    @Test
    void aFailingLaunchShowsTheCauseInPlainWords(FxRobot robot) throws Exception {
        signin.failWith(400);
        openRoleMenu(robot, "aws-staging");
        robot.press(KeyCode.DOWN).release(KeyCode.DOWN).press(KeyCode.ENTER).release(KeyCode.ENTER);
        waitUntil(() -> notes().stream().anyMatch(n -> n.level() == Notifications.Level.ERROR));
        Notifications.Note note = notes().stream().filter(n -> n.level() == Notifications.Level.ERROR).findFirst().orElseThrow();
        assertThat(note.title()).isEqualTo("Could not open the AWS console for aws-staging");
        assertThat(note.message()).contains("refused the session (HTTP 400)");
        assertThat(note.details()).isNotEmpty();
        waitUntil(() -> shownNotificationTexts(robot).stream().anyMatch(t -> t.contains("refused the session (HTTP 400)")));
        assertThat(browser.opened).isEmpty();
        assertThat(signin.tokenRequests()).isEmpty();
        // Errors stay until closed, and the button is usable again.
        waitUntil(() -> !robot.lookup("#launch-aws-staging").queryAs(Button.class).isDisabled());
        assertThat(notes()).anyMatch(n -> n.level() == Notifications.Level.ERROR);
    }

    @Test
    void aSingleRoleLaunchesAtOnce(FxRobot robot) throws Exception {
        waitForResources(robot);
        click(robot, "#launch-aws-govcloud");
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> browser.opened.size() == 1);
        assertThat(fx(() -> desktop.resourceView().rolePicker().isPresent())).isFalse();
        Map<String, String> q = SigninEndpointDouble.query(browser.opened.get(0).getRawQuery());
        assertThat(q).containsEntry("Destination", "https://console.amazonaws-us-gov.com/");
        assertThat(signin.roleOfToken(q.get("SigninToken"))).contains(":assumed-role/Auditor/");
    }

    @Test
    void anAppWithoutRolesSaysWhy(FxRobot robot) throws Exception {
        Path lonely = writeWorkspace("lonely.yaml", """
                name: lonely
                aws:
                  region: us-east-1
                apps:
                  - name: aws-sandbox
                    uri: https://console.aws.amazon.com/
                    labels:
                      aws_account_id: "444444444444"
                roles:
                  - name: nobody
                    allow:
                      app_labels:
                        env: prod
                      aws_role_arns:
                        - arn:aws:iam::111111111111:role/ReadOnly
                """);
        waitForResources(robot);
        fx(() -> {
            desktop.workspace().open(lonely);
            return null;
        });
        waitUntil(() -> desktop.resources().shown().size() == 1);
        click(robot, "#launch-aws-sandbox");
        waitUntil(() -> notes().stream().anyMatch(n -> n.level() == Notifications.Level.ERROR));
        Notifications.Note note = notes().stream().filter(n -> n.level() == Notifications.Level.ERROR).findFirst().orElseThrow();
        assertThat(note.message()).isEqualTo("No IAM roles are available for 'aws-sandbox' in account 444444444444.");
        assertThat(note.details()).contains("aws_role_arns");
        assertThat(browser.opened).isEmpty();
        assertThat(fx(() -> desktop.resourceView().rolePicker().isPresent())).isFalse();
    }

    @Test
    void themeSwitchAppliesTheDarkStylesheetAndIsSaved(FxRobot robot) throws Exception {
        waitForResources(robot);
        chooseTheme(robot, "Light");
        waitUntil(() -> new PrimerLight().getUserAgentStylesheetBSS().equals(Application.getUserAgentStylesheet()));
        chooseTheme(robot, "Dark");
        waitUntil(() -> new PrimerDark().getUserAgentStylesheetBSS().equals(Application.getUserAgentStylesheet()));
        // saved to settings.json shortly after, off the FX thread
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> java.nio.file.Files.readString(core.paths().settingsFile())
                .contains("\"DARK\""));
        chooseTheme(robot, "Light");
        waitUntil(() -> new PrimerLight().getUserAgentStylesheetBSS().equals(Application.getUserAgentStylesheet()));
    }

    private void chooseTheme(FxRobot robot, String title) throws Exception {
        robot.clickOn("#settingsButton");
        waitUntil(() -> robot.lookup("#themeChoice").tryQuery().map(Node::isVisible).orElse(false));
        robot.clickOn("#themeChoice");
        robot.clickOn(title);
        DialogPane pane = robot.lookup("#settingsDialog").queryAs(DialogPane.class);
        robot.clickOn(pane.lookupButton(ButtonType.OK));
        waitUntil(() -> robot.lookup("#settingsDialog").tryQuery().isEmpty());
    }

    @Test
    void anInvalidWorkspaceShowsFileLineAndFieldAndDoesNotCrash(FxRobot robot) throws Exception {
        Path bad = writeWorkspace("bad.yaml", """
                name: x
                apps:
                  - name: a
                    urii: https://console.aws.amazon.com/
                """);
        waitForResources(robot);
        fx(() -> {
            desktop.workspace().open(bad);
            return null;
        });
        waitUntil(() -> robot.lookup("#loadProblem").queryAs(Node.class).isVisible());
        String shown = fx(() -> ((atlantafx.base.controls.Message) robot.lookup("#loadProblem").query()).getDescription());
        assertThat(shown).contains(bad.toAbsolutePath().normalize() + ":4: apps[0].urii: unknown field 'urii'");
        assertThat(shownNames()).isEmpty();
        assertThat(notes()).anyMatch(n -> n.level() == Notifications.Level.ERROR && n.message().contains(":4: apps[0].urii"));

        // Choosing the good workspace again in the picker loads it (and remembers it).
        fx(() -> {
            ComboBox<Path> picker = robot.lookup("#workspacePicker").queryAs(ComboBox.class);
            assertThat(picker.getItems()).contains(workspaceFile.toAbsolutePath().normalize());
            picker.getSelectionModel().select(workspaceFile.toAbsolutePath().normalize());
            return null;
        });
        waitUntil(() -> desktop.resources().shown().size() == 5);
        assertThat(fx(() -> robot.lookup("#loadProblem").queryAs(Node.class).isVisible())).isFalse();
        assertThat(core.state().get().lastWorkspaceFile).isEqualTo(workspaceFile.toAbsolutePath().normalize().toString());
    }

    @Test
    void missingCredentialsShowAnErrorLineWithTheHint(FxRobot robot) throws Exception {
        // The unmodified example uses profile "acme", which this environment does not have.
        fx(() -> {
            desktop.workspace().open(TestWorkspaces.example());
            return null;
        });
        waitUntil(() -> !robot.lookup("#identityError").queryAs(Label.class).getText().isEmpty());
        String text = fx(() -> robot.lookup("#identityError").queryAs(Label.class).getText());
        assertThat(text).contains("The AWS profile 'acme' does not exist").contains("aws configure --profile acme");
        assertThat(notes()).anyMatch(n -> n.title().equals("No usable credentials") && n.details().contains("aws configure"));
        assertThat(fx(() -> robot.lookup("#identity").queryAs(Label.class).getText())).isEmpty();
    }

    @Test
    void windowStateIsSavedOnClose(FxRobot robot) throws Exception {
        waitForResources(robot);
        robot.clickOn("#kind-databases");
        waitUntil(() -> desktop.resources().shown().size() == 2);
        fx(() -> {
            desktop.stage().hide();
            return null;
        });
        Path state = core.paths().stateDir().resolve("ui-state.json");
        assertThat(state).exists();
        assertThat(Files.readString(state)).contains("\"kindFilter\" : \"DATABASES\"");
        assertThat(dev.ferry.ui.state.UiState.store(core.paths()).load().kindFilter).isEqualTo("DATABASES");
    }
}
