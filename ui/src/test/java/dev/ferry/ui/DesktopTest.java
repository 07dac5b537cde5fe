package dev.ferry.ui;

import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import dev.ferry.app.FerryCore;
import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.settings.Settings;
import dev.ferry.tunnel.testsupport.MotoServer;
import dev.ferry.app.testsupport.SigninEndpointDouble;
import dev.ferry.app.testsupport.TestWorkspaces;
import dev.ferry.ui.notify.Notifications;
import dev.ferry.ui.notify.NotificationsView;
import dev.ferry.ui.testing.DesktopFixture;
import dev.ferry.tunnel.testsupport.Wait;
import javafx.application.Application;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ComboBox;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.Labeled;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.ferry.ui.resources.ResourceListView.RowPart.ACCESS;
import static dev.ferry.ui.resources.ResourceListView.RowPart.CONNECT;
import static dev.ferry.ui.resources.ResourceListView.RowPart.LAUNCH;
import static dev.ferry.ui.testing.DesktopFixture.fx;
import static dev.ferry.ui.testing.DesktopFixture.runFx;
import static dev.ferry.ui.testing.DesktopFixture.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The desktop window against a real moto_server (STS) and the federation endpoint stand-in,
 * on the example workspace, driven through the UI with TestFX.
 */
class DesktopTest {
    @RegisterExtension
    static MotoServer moto = new MotoServer();
    @RegisterExtension
    final DesktopFixture ui = new DesktopFixture();

    @TempDir
    Path dir;

    SigninEndpointDouble signin;
    Path workspaceFile;
    FerryEnvironment env;
    FerryCore core;
    FerryDesktop desktop;
    final RecordingBrowser browser = new RecordingBrowser();

    @BeforeEach
    void start() throws Exception {
        signin = new SigninEndpointDouble(moto.endpoint());
        workspaceFile = TestWorkspaces.exampleFor(dir, signin.endpoint().toString());
        env = TestWorkspaces.motoEnv(dir, moto.endpoint()).with("FERRY_WORKSPACE_FILE", workspaceFile.toString());
        desktop = ui.launch(env, browser);
        core = ui.core();
    }

    @AfterEach
    void tearDown() throws Exception {
        browser.release();
        signin.close();
    }

    // ---- helpers -------------------------------------------------------------------------

    /** Names of the rows the list renders, top to bottom. */
    List<String> rowNames(FxRobot robot) throws Exception {
        return fx(() -> robot.lookup("#resourceList").lookup(".resource-name").queryAllAs(Label.class).stream()
                .filter(DesktopFixture::shown)
                .sorted((a, b) -> Double.compare(a.localToScene(0, 0).getY(), b.localToScene(0, 0).getY()))
                .map(Label::getText).toList());
    }

    List<String> shownNames() throws Exception {
        return fx(() -> desktop.resources().shown().stream().map(r -> r.name()).toList());
    }

    void waitForResources(FxRobot robot) throws Exception {
        until(() -> desktop.resources().shown().size() == 5);
        until(() -> robot.lookup("#resourceList").lookup(".resource-name").queryAll().size() >= 5);
    }

    /** Every notification shown so far (a success hides itself after a few seconds). */
    List<Notifications.Note> notes() {
        return ui.notesSeen();
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
        ui.click(LAUNCH, app);
        until(() -> desktop.resourceView().rolePicker().map(p -> p.isShowing()).orElse(false)
                && robot.lookup("#rolePickerSearch").tryQuery().map(Node::isFocused).orElse(false));
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
    void opensAStartWindowFirstAndTheDesktopTakesItsPlaceInTheSameWindow(FxRobot robot) throws Exception {
        // shown once, as the start window; the desktop then came into that window without a second show
        assertThat(ui.shownRoots()).containsExactly("startWindow");
        assertThat(fx(() -> ui.stage().getScene().lookup("#startWindow"))).isNull();
        assertThat(fx(() -> ui.stage().getScene())).isSameAs(desktop.scene());
        assertThat(fx(() -> ui.stage().getTitle())).isEqualTo("Ferry");
        assertThat(fx(() -> ui.stage().getMinWidth())).isEqualTo(FerryDesktop.MIN_WIDTH);
        // and it started as on a first show: the workspace loads
        waitForResources(robot);
    }

    @Test
    void rendersTheExampleWorkspaceAndTheCallerIdentity(FxRobot robot) throws Exception {
        waitForResources(robot);
        assertThat(rowNames(robot)).containsExactly("aws-prod", "aws-staging", "aws-govcloud", "analytics", "orders");
        List<String> types = fx(() -> robot.lookup("#resourceList").lookup(".resource-type").queryAllAs(Label.class)
                .stream().filter(Node::isVisible).map(Label::getText).toList());
        assertThat(types).contains("AWS console", "AWS console (GovCloud)", "Redshift", "Aurora PostgreSQL");
        List<String> chips = fx(() -> robot.lookup(".chip").queryAllAs(Label.class).stream().map(Label::getText).toList());
        assertThat(chips).contains("aws_account_id=111111111111", "env=prod", "engine=aurora-postgresql");
        assertThat(fx(() -> ui.node(CONNECT, "analytics", Button.class).isDisabled())).isFalse();

        String expected = callerArnFromMoto();
        until(() -> !robot.lookup("#identity").queryAs(Label.class).getText().isEmpty());
        assertThat(fx(() -> robot.lookup("#identity").queryAs(Label.class).getText())).isEqualTo(expected);
        assertThat(fx(() -> robot.lookup("#identityLoading").queryAs(Node.class).isVisible())).isFalse();
        assertThat(fx(() -> robot.lookup("#workspacePicker").queryAs(ComboBox.class).getValue()))
                .isEqualTo(workspaceFile.toAbsolutePath().normalize());
    }

    @Test
    void searchFiltersByNameDescriptionAndLabel(FxRobot robot) throws Exception {
        waitForResources(robot);
        ui.click("#search");
        ui.write("govcloud");
        until(() -> desktop.resources().shown().size() == 1);
        assertThat(rowNames(robot)).containsExactly("aws-govcloud");

        ui.type(KeyCode.ESCAPE);
        until(() -> desktop.resources().shown().size() == 5);

        ui.write("Production");
        until(() -> desktop.resources().shown().size() == 1);
        assertThat(shownNames()).containsExactly("aws-prod");

        ui.type(KeyCode.ESCAPE);
        ui.write("222222222222");
        until(() -> desktop.resources().shown().size() == 1);
        assertThat(rowNames(robot)).containsExactly("aws-staging");

        ui.type(KeyCode.ESCAPE);
        ui.write("env=prod");
        until(() -> desktop.resources().shown().size() == 2);
        assertThat(rowNames(robot)).containsExactly("aws-prod", "analytics");
        assertThat(fx(() -> robot.lookup("#resourceCount").queryAs(Label.class).getText())).isEqualTo("2 of 5");
    }

    @Test
    void kindFilter(FxRobot robot) throws Exception {
        waitForResources(robot);
        ui.click("#kind-databases");
        until(() -> desktop.resources().shown().size() == 2);
        assertThat(rowNames(robot)).containsExactly("analytics", "orders");
        ui.click("#kind-apps");
        until(() -> desktop.resources().shown().size() == 3);
        assertThat(rowNames(robot)).containsExactly("aws-prod", "aws-staging", "aws-govcloud");
        ui.click("#kind-all");
        until(() -> desktop.resources().shown().size() == 5);
    }

    /**
     * Each node of a row with its id and style classes: for every cell of the list, what a search
     * must not change (a changed id or style class, or a node put in or taken out, makes CSS run
     * on it again, which cost a frame per keystroke with 10,000 resources).
     */
    static Map<Node, String> rowNodes(FxRobot robot) {
        Map<Node, String> nodes = new java.util.IdentityHashMap<>();
        for (Node cell : robot.lookup("#resourceList").lookup(".resource-cell").queryAll()) {
            java.util.ArrayDeque<Node> todo = new java.util.ArrayDeque<>(List.of(cell));
            while (!todo.isEmpty()) {
                Node n = todo.pop();
                nodes.put(n, n.getId() + " " + n.getStyleClass());
                if (n instanceof javafx.scene.Parent p) {
                    todo.addAll(p.getChildrenUnmodifiable());
                }
            }
        }
        return nodes;
    }

    @Test
    void aRowKeepsItsNodesIdsAndStyleClassesWhateverItShows(FxRobot robot) throws Exception {
        waitForResources(robot);
        // Databases only, apps only, nothing, one of each kind, everything: rows change kinds.
        List<String> searches = List.of("orders", "aws", "nothing matches this", "analytics", "govcloud", "");
        for (String q : searches) { // once through: a row's pooled chips grow to the most labels it showed
            runFx(() -> desktop.resources().queryProperty().set(q));
            DesktopFixture.waitForPulse();
        }
        Map<Node, String> before = fx(() -> rowNodes(robot));
        assertThat(before.values()).as("no ids in rows").allMatch(v -> v.startsWith("null "));
        for (String q : searches) {
            runFx(() -> desktop.resources().queryProperty().set(q));
            DesktopFixture.waitForPulse();
            Map<Node, String> now = fx(() -> rowNodes(robot));
            for (Map.Entry<Node, String> n : before.entrySet()) {
                assertThat(now).as("after searching '%s': %s", q, n.getKey()).containsEntry(n.getKey(), n.getValue());
            }
            if (q.equals("orders")) {
                assertThat(ui.find(LAUNCH, "orders")).isEmpty();
                Button connect = ui.node(CONNECT, "orders", Button.class);
                assertThat(fx(connect::getText)).isEqualTo("Connect");
                assertThat(fx(connect::getAccessibleText)).isEqualTo("Connect to orders");
            } else if (q.equals("aws")) {
                assertThat(ui.find(CONNECT, "aws-prod")).isEmpty();
                assertThat(fx(() -> ui.node(LAUNCH, "aws-prod", Button.class).getAccessibleText()))
                        .isEqualTo("Launch the AWS console of aws-prod");
                assertThat(fx(() -> ui.node(ACCESS, "aws-staging", Button.class).getAccessibleText()))
                        .isEqualTo("AWS CLI/SDK access to aws-staging");
            }
        }
        assertThat(rowNames(robot)).containsExactly("aws-prod", "aws-staging", "aws-govcloud", "analytics", "orders");
    }

    @Test
    void keyboardFocusesSearchMovesAndLaunchesWithEnter(FxRobot robot) throws Exception {
        waitForResources(robot);
        ui.focus("#resourceList");
        ui.chord(KeyCode.CONTROL, KeyCode.F);
        until(() -> robot.lookup("#search").queryAs(TextField.class).isFocused());
        ui.write("aws");
        until(() -> desktop.resources().shown().size() == 3);
        ui.type(KeyCode.DOWN);  // into the list, first row
        ui.type(KeyCode.DOWN);  // second row
        until(() -> "aws-staging".equals(fx(() -> {
            var sel = desktop.resourceView().list().getSelectionModel().getSelectedItem();
            return sel == null ? null : sel.name();
        })));
        ui.type(KeyCode.ENTER);
        until(() -> desktop.resourceView().rolePicker().map(p -> p.isShowing()).orElse(false));
        assertThat(roleItems(robot)).containsExactly("222222222222: ReadOnly", "222222222222: Admin");
        ui.type(KeyCode.ESCAPE);
        until(() -> !desktop.resourceView().rolePicker().orElseThrow().isShowing());
    }

    @Test
    void escapeInTheListClearsTheSearchAndSlashFocusesIt(FxRobot robot) throws Exception {
        waitForResources(robot);
        ui.click("#search");
        ui.write("aws");
        until(() -> desktop.resources().shown().size() == 3);
        ui.focus("#resourceList");
        ui.type(KeyCode.ESCAPE);
        until(() -> desktop.resources().shown().size() == 5);
        assertThat(fx(() -> robot.lookup("#search").queryAs(TextField.class).getText())).isEmpty();
        ui.focus("#resourceList");
        ui.write("/");
        until(() -> robot.lookup("#search").queryAs(TextField.class).isFocused());
        assertThat(fx(() -> robot.lookup("#search").queryAs(TextField.class).getText())).isEmpty();
    }

    @Test
    void roleMenusListOnlyTheAppsAccountAndTypingFilters(FxRobot robot) throws Exception {
        openRoleMenu(robot, "aws-prod");
        assertThat(roleItems(robot)).containsExactly("111111111111: ReadOnly", "111111111111: Developer (/engineering/)");
        ui.type(KeyCode.ESCAPE);
        until(() -> !desktop.resourceView().rolePicker().orElseThrow().isShowing());

        openRoleMenu(robot, "aws-staging");
        assertThat(roleItems(robot)).containsExactly("222222222222: ReadOnly", "222222222222: Admin");
        ui.write("adm");
        until(() -> roleItems(robot).size() == 1);
        assertThat(roleItems(robot)).containsExactly("222222222222: Admin");
        assertThat(browser.opened).isEmpty();
    }

    @Test
    void launchSignsInAsThePickedRoleWithoutBlockingTheWindow(FxRobot robot) throws Exception {
        browser.hold();
        openRoleMenu(robot, "aws-prod");
        ui.write("dev");
        until(() -> roleItems(robot).size() == 1);
        ui.type(KeyCode.ENTER);

        // The browser call is held: the launch is in progress on a background thread.
        Wait.until("the browser was asked to open a URL", () -> browser.opened.size() == 1);
        assertThat(fx(() -> ui.node(LAUNCH, "aws-prod", Button.class).isDisabled())).isTrue();
        assertThat(fx(() -> ((ProgressIndicator) ui.node(LAUNCH, "aws-prod", Button.class).getGraphic())
                .isVisible())).isTrue();
        // ...and the window still answers: the search box filters meanwhile.
        ui.click("#search");
        ui.write("orders");
        until(() -> desktop.resources().shown().size() == 1);
        ui.type(KeyCode.ESCAPE);
        browser.release();
        until(() -> notes().stream().anyMatch(n -> n.level() == Notifications.Level.SUCCESS));
        until(() -> !ui.node(LAUNCH, "aws-prod", Button.class).isDisabled());

        URI url = browser.opened.get(0);
        assertThat(url.toString()).startsWith(signin.endpoint() + "?Action=login");
        Map<String, String> q = SigninEndpointDouble.query(url.getRawQuery());
        assertThat(q).containsEntry("Destination", "https://console.aws.amazon.com/ec2/v2/home");
        assertThat(signin.roleOfToken(q.get("SigninToken")))
                .isEqualTo("arn:aws:sts::111111111111:assumed-role/Developer/alice@acme.example");
        assertThat(shownNotificationTexts(robot)).noneMatch(t -> t.contains(q.get("SigninToken")));
        Notifications.Note opened = notes().stream().filter(n -> n.level() == Notifications.Level.SUCCESS).findFirst().orElseThrow();
        assertThat(opened.text()).contains("Opened aws-prod").doesNotContain(q.get("SigninToken"));
    }

    @Test
    void aFailingLaunchShowsTheCauseInPlainWords(FxRobot robot) throws Exception {
        signin.failWith(400);
        openRoleMenu(robot, "aws-staging");
        ui.type(KeyCode.DOWN, KeyCode.ENTER);
        until(() -> notes().stream().anyMatch(n -> n.level() == Notifications.Level.ERROR));
        Notifications.Note note = notes().stream().filter(n -> n.level() == Notifications.Level.ERROR).findFirst().orElseThrow();
        assertThat(note.title()).isEqualTo("Could not open the AWS console for aws-staging");
        assertThat(note.message()).contains("refused the session (HTTP 400)");
        assertThat(note.details()).isNotEmpty();
        until(() -> shownNotificationTexts(robot).stream().anyMatch(t -> t.contains("refused the session (HTTP 400)")));
        assertThat(browser.opened).isEmpty();
        assertThat(signin.tokenRequests()).isEmpty();
        // Errors stay until closed, and the button is usable again.
        until(() -> !ui.node(LAUNCH, "aws-staging", Button.class).isDisabled());
        assertThat(fx(() -> List.copyOf(desktop.notifications().notes()))).anyMatch(n -> n.level() == Notifications.Level.ERROR);
    }

    @Test
    void aBrowserLauncherThatFailsIsAnErrorInPlainWordsNotOpened(FxRobot robot) throws Exception {
        // The system launcher: this machine's real xdg-open, which finds no browser and exits 3.
        ui.closeDesktop();
        desktop = ui.launch(env, null);
        core = ui.core();
        openRoleMenu(robot, "aws-prod");
        ui.type(KeyCode.ENTER);
        until(() -> notes().stream().anyMatch(n -> n.level() == Notifications.Level.ERROR));
        Notifications.Note note = notes().stream().filter(n -> n.level() == Notifications.Level.ERROR).findFirst().orElseThrow();
        assertThat(note.title()).isEqualTo("Could not open the AWS console for aws-prod");
        assertThat(note.message()).isEqualTo("No web browser was found to open the page "
                + "(xdg-open found no program for web links, exit status 3).");
        assertThat(note.details()).contains("Set a browser command in Settings").contains("Copy sign-in URL");
        assertThat(note.text()).doesNotContain("SigninToken");
        until(() -> !ui.node(LAUNCH, "aws-prod", Button.class).isDisabled());
        assertThat(notes()).noneMatch(n -> n.level() == Notifications.Level.SUCCESS);
    }

    @Test
    void copySignInUrlCopiesOnRequestOnlyAndTheMenuRemembersTheRole(FxRobot robot) throws Exception {
        openRoleMenu(robot, "aws-prod");
        assertThat(fx(() -> robot.lookup("#rolePickerList").queryAs(ListView.class).getSelectionModel().getSelectedIndex()))
                .isZero();
        ui.type(KeyCode.DOWN);
        ui.click("#copySigninUrl");
        until(() -> notes().stream().anyMatch(n -> n.title().equals("Sign-in URL copied")));
        String copied = fx(() -> javafx.scene.input.Clipboard.getSystemClipboard().getString());
        assertThat(copied).startsWith(signin.endpoint() + "?Action=login");
        assertThat(signin.roleOfToken(SigninEndpointDouble.query(URI.create(copied).getRawQuery()).get("SigninToken")))
                .contains(":assumed-role/Developer/");
        assertThat(browser.opened).as("copied, not opened").isEmpty();
        assertThat(shownNotificationTexts(robot)).noneMatch(t -> t.contains("SigninToken"));

        // The menu opens on the role picked last for this app, also after a restart.
        openRoleMenu(robot, "aws-prod");
        assertThat(fx(() -> ((dev.ferry.app.model.AwsRole) robot.lookup("#rolePickerList").queryAs(ListView.class)
                .getSelectionModel().getSelectedItem()).name())).isEqualTo("Developer");
        ui.type(KeyCode.ESCAPE);
        ui.closeDesktop();
        desktop = ui.launch(env, browser);
        core = ui.core();
        openRoleMenu(robot, "aws-prod");
        assertThat(fx(() -> ((dev.ferry.app.model.AwsRole) robot.lookup("#rolePickerList").queryAs(ListView.class)
                .getSelectionModel().getSelectedItem()).name())).isEqualTo("Developer");
        ui.type(KeyCode.ENTER);
        Wait.until("the browser was asked to open a URL", () -> browser.opened.size() == 1);
        assertThat(signin.roleOfToken(SigninEndpointDouble.query(browser.opened.get(0).getRawQuery()).get("SigninToken")))
                .contains(":assumed-role/Developer/");
    }

    @Test
    void aSingleRoleLaunchesAtOnce(FxRobot robot) throws Exception {
        waitForResources(robot);
        ui.click(LAUNCH, "aws-govcloud");
        Wait.until("the browser was asked to open a URL", () -> browser.opened.size() == 1);
        assertThat(fx(() -> desktop.resourceView().rolePicker().isPresent())).isFalse();
        Map<String, String> q = SigninEndpointDouble.query(browser.opened.get(0).getRawQuery());
        assertThat(q).containsEntry("Destination", "https://console.amazonaws-us-gov.com/");
        assertThat(signin.roleOfToken(q.get("SigninToken"))).contains(":assumed-role/Auditor/");
    }

    @Test
    void aSingleRoleAppOffersCopySignInUrlInItsRowMenu(FxRobot robot) throws Exception {
        waitForResources(robot);
        runFx(() -> javafx.scene.input.Clipboard.getSystemClipboard().setContent(java.util.Map.of(
                javafx.scene.input.DataFormat.PLAIN_TEXT, "before")));
        ui.rightClick(LAUNCH, "aws-govcloud");
        ui.click("#copySigninUrlMenu");
        until(() -> notes().stream().anyMatch(n -> n.title().equals("Sign-in URL copied")));
        String copied = fx(() -> javafx.scene.input.Clipboard.getSystemClipboard().getString());
        assertThat(copied).startsWith(signin.endpoint() + "?Action=login");
        Map<String, String> q = SigninEndpointDouble.query(URI.create(copied).getRawQuery());
        assertThat(q).containsEntry("Destination", "https://console.amazonaws-us-gov.com/");
        assertThat(signin.roleOfToken(q.get("SigninToken"))).contains(":assumed-role/Auditor/");
        assertThat(browser.opened).as("copied, not opened").isEmpty();
        assertThat(fx(() -> desktop.resourceView().rolePicker().isPresent())).as("one role: no role menu").isFalse();
        assertThat(shownNotificationTexts(robot)).noneMatch(t -> t.contains("SigninToken"));
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
        until(() -> desktop.resources().shown().size() == 1);
        ui.click(LAUNCH, "aws-sandbox");
        until(() -> notes().stream().anyMatch(n -> n.level() == Notifications.Level.ERROR));
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
        until(() -> new PrimerLight().getUserAgentStylesheetBSS().equals(Application.getUserAgentStylesheet()));
        chooseTheme(robot, "Dark");
        until(() -> new PrimerDark().getUserAgentStylesheetBSS().equals(Application.getUserAgentStylesheet()));
        // saved to settings.json shortly after, off the FX thread
        Wait.until("the dark theme is saved", () -> java.nio.file.Files.readString(core.paths().settingsFile())
                .contains("\"DARK\""));
        chooseTheme(robot, "Light");
        until(() -> new PrimerLight().getUserAgentStylesheetBSS().equals(Application.getUserAgentStylesheet()));
    }

    private void chooseTheme(FxRobot robot, String title) throws Exception {
        ui.click("#settingsButton");
        ui.click("#themeChoice");
        ui.click(() -> ui.find(".combo-box-popup .list-cell", n -> title.equals(((Labeled) n).getText())).orElse(null), title);
        DialogPane pane = ui.node("#settingsDialog", DialogPane.class);
        ui.click(fx(() -> pane.lookupButton(ButtonType.OK)));
        until(() -> robot.lookup("#settingsDialog").tryQuery().isEmpty());
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
        until(() -> robot.lookup("#loadProblem").queryAs(Node.class).isVisible());
        String shown = fx(() -> ((atlantafx.base.controls.Message) robot.lookup("#loadProblem").query()).getDescription());
        assertThat(shown).contains(bad.toAbsolutePath().normalize() + ":4: apps[0].urii: unknown field 'urii'");
        assertThat(shownNames()).isEmpty();
        assertThat(fx(() -> List.copyOf(desktop.notifications().history()))).as("in the history")
                .anyMatch(n -> n.level() == Notifications.Level.ERROR && n.message().contains(":4: apps[0].urii"));
        assertThat(notes()).as("one place per error: the banner, not a toast too").noneMatch(n -> n.message().contains("urii"));
        // The picker marks the file as broken.
        until(() -> desktop.workspace().broken().containsKey(bad.toAbsolutePath().normalize()));
        assertThat(fx(() -> robot.lookup("#workspacePicker").lookup(".list-cell").queryAllAs(javafx.scene.control.ListCell.class)
                .stream().map(javafx.scene.control.ListCell::getText).toList())).contains("bad — broken");

        // Choosing the good workspace again in the picker loads it (and remembers it).
        fx(() -> {
            ComboBox<Path> picker = robot.lookup("#workspacePicker").queryAs(ComboBox.class);
            assertThat(picker.getItems()).contains(workspaceFile.toAbsolutePath().normalize());
            picker.getSelectionModel().select(workspaceFile.toAbsolutePath().normalize());
            return null;
        });
        until(() -> desktop.resources().shown().size() == 5);
        assertThat(fx(() -> robot.lookup("#loadProblem").queryAs(Node.class).isVisible())).isFalse();
        assertThat(core.state().get().lastWorkspaceFile).isEqualTo(workspaceFile.toAbsolutePath().normalize().toString());
    }

    @Test
    void aChangedWorkspaceFileReloadsAndABrokenChangeKeepsWhatWasShown(FxRobot robot) throws Exception {
        waitForResources(robot);
        String good = Files.readString(workspaceFile);
        assertThat(good).contains("name: aws-govcloud");

        // An editor saves a broken version: the list stays, a banner says why, the picker marks the file.
        Files.writeString(workspaceFile, good.replaceFirst("name: aws-govcloud", "name: aws-govcloud\n    colour: blue"));
        until(() -> robot.lookup("#staleProblem").tryQuery().map(Node::isVisible).orElse(false));
        String banner = fx(() -> ((atlantafx.base.controls.Message) robot.lookup("#staleProblem").query()).getDescription());
        assertThat(banner).contains("changed, but the new version cannot be used").contains("unknown field 'colour'");
        assertThat(shownNames()).hasSize(5).contains("aws-govcloud");
        until(() -> desktop.workspace().broken().containsKey(workspaceFile.toAbsolutePath().normalize()));

        // Fixed (and changed): it reloads by itself and the marks go.
        Files.writeString(workspaceFile, good.replace("name: aws-govcloud", "name: aws-gov2"));
        until(() -> shownNames().contains("aws-gov2"));
        assertThat(shownNames()).hasSize(5).doesNotContain("aws-govcloud");
        until(() -> !fx(() -> robot.lookup("#staleProblem").queryAs(Node.class).isVisible()));
        assertThat(desktop.workspace().broken()).isEmpty();
        assertThat(notes()).anyMatch(n -> n.title().equals("Workspace reloaded"));
    }

    @Test
    void missingCredentialsShowAnErrorLineWithTheHint(FxRobot robot) throws Exception {
        // The unmodified example uses profile "acme", which this environment does not have.
        fx(() -> {
            desktop.workspace().open(TestWorkspaces.example());
            return null;
        });
        until(() -> !robot.lookup("#identityError").queryAs(Label.class).getText().isEmpty());
        String text = fx(() -> robot.lookup("#identityError").queryAs(Label.class).getText());
        assertThat(text).contains("The AWS profile 'acme' does not exist").contains("aws configure --profile acme");
        assertThat(fx(() -> List.copyOf(desktop.notifications().history())))
                .anyMatch(n -> n.title().equals("No usable credentials") && n.details().contains("aws configure"));
        assertThat(notes()).as("shown in the sidebar only").noneMatch(n -> n.title().equals("No usable credentials"));
        assertThat(fx(() -> robot.lookup("#identity").queryAs(Label.class).getText())).isEmpty();
    }

    @Test
    void windowStateIsSavedOnClose(FxRobot robot) throws Exception {
        waitForResources(robot);
        ui.click("#kind-databases");
        until(() -> desktop.resources().shown().size() == 2);
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
