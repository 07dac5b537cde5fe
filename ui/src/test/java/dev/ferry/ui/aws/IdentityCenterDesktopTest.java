package dev.ferry.ui.aws;

import dev.ferry.app.model.Resource;
import dev.ferry.app.testsupport.IdentityCenterRig;
import dev.ferry.app.testsupport.IdentityCenterStandIn;
import dev.ferry.app.testsupport.TestBrowser;
import dev.ferry.ui.FerryDesktop;
import dev.ferry.ui.testing.DesktopFixture;
import javafx.scene.Node;
import javafx.scene.control.TextInputControl;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static dev.ferry.ui.testing.DesktopFixture.fx;
import static dev.ferry.ui.testing.DesktopFixture.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A first start with only an IAM Identity Center start URL, in the window, against the stand-in:
 * the welcome pane instead of an empty list, the Add AWS workspace dialog writing the workspace,
 * the sign-in prompt with the code and its page (no browser could be opened, so the sign-in uses a
 * device code; the test confirms it as the person would), the accounts listed; and Cancel while the
 * browser sign-in waits.
 */
class IdentityCenterDesktopTest {
    @RegisterExtension
    final DesktopFixture ui = new DesktopFixture();

    @TempDir
    Path dir;
    IdentityCenterRig rig;
    FerryDesktop desktop;

    @BeforeEach
    void setUp() throws Exception {
        rig = new IdentityCenterRig(dir, null, IdentityCenterRig.smallOrg());
    }

    @AfterEach
    void tearDown() {
        rig.close();
    }

    List<String> resourceNames() throws Exception {
        return fx(() -> desktop.workspace().resources().stream().map(Resource::name).toList());
    }

    /** Types into a field of the dialog (focused first) and checks that it holds the text. */
    void fill(String fieldId, String value) throws Exception {
        TextInputControl field = ui.node(fieldId, TextInputControl.class);
        ui.focus(field);
        ui.write(value);
        until(fieldId + " holds what was typed", () -> value.equals(field.getText()));
    }

    /** The window as it is drawn now, as a PNG. */
    void snapshot(Path file) throws Exception {
        javafx.scene.image.WritableImage image = fx(() -> desktop.stage().getScene().snapshot(null));
        Files.createDirectories(file.toAbsolutePath().getParent());
        javax.imageio.ImageIO.write(javafx.embed.swing.SwingFXUtils.fromFXImage(image, null), "png", file.toFile());
    }

    /** The Identity Center workspace of the stand-in, written as the Add AWS workspace dialog does. */
    Path acmeWorkspaceFile() throws Exception {
        try (dev.ferry.app.FerryCore c = new dev.ferry.app.FerryCore(rig.env, u -> { })) {
            return c.workspaces().addAwsWorkspace("acme", new dev.ferry.app.workspace.AwsWorkspaceSource.IdentityCenter(
                    IdentityCenterStandIn.START_URL, IdentityCenterStandIn.REGION, ""), "");
        }
    }

    /** First start: the welcome pane, then the dialog filled with the stand-in's start URL and region. */
    void addWorkspaceFromTheWelcomePane() throws Exception {
        until("the welcome pane", () -> ui.showing("#welcomePane") && ui.showing("#welcomeAddAws"));
        assertThat(ui.showing("#welcomeAddTeleport")).isTrue();
        ui.click("#welcomeAddAws");
        until("the Add AWS workspace dialog", () -> ui.showing("#addAwsWorkspaceDialog")
                && ui.find("#ssoStartUrl").map(Node::isFocused).orElse(false));
        assertThat(ui.showing("#sourceProfile")).isTrue();
        assertThat(ui.showing("#sourceDefaultChain")).isTrue();
        fill("#ssoStartUrl", IdentityCenterStandIn.START_URL);
        fill("#ssoRegion", IdentityCenterStandIn.REGION);
        ui.type(KeyCode.ENTER);
        until("the dialog closed", () -> !ui.showing("#addAwsWorkspaceDialog"));
        until("the sign-in prompt", () -> ui.showing("#signInPane") && ui.showing("#signInButton"));
        assertThat(ui.text("#signInTitle")).isEqualTo("Sign in to " + IdentityCenterStandIn.START_URL);
        assertThat(ui.showing("#welcomePane")).isFalse();
        try (Stream<Path> files = Files.list(dir.resolve("ferry-home/workspaces"))) {
            Path file = files.findFirst().orElseThrow();
            assertThat(Files.readString(file)).contains("identity_center:").contains(IdentityCenterStandIn.START_URL);
        }
    }

    @Test
    void firstStartAddsTheWorkspaceAndTheSignInPromptShowsTheCode() throws Exception {
        TestBrowser noBrowser = new TestBrowser(TestBrowser.Mode.MISSING);
        desktop = ui.launch(rig.env, noBrowser);
        addWorkspaceFromTheWelcomePane();

        ui.click("#signInButton");
        until("the code to confirm", () -> ui.showing("#userCodeBox") && !ui.text("#userCode").isEmpty());
        String code = ui.text("#userCode");
        String page = ui.text("#userCodeLink");
        assertThat(page).startsWith(rig.standIn.endpoint() + "/device?user_code=").endsWith(code);
        assertThat(ui.showing("#copyUserCode")).isTrue();
        assertThat(ui.showing("#copyUserCodeLink")).isTrue();
        assertThat(ui.showing("#cancelSignIn")).isTrue();
        snapshot(Path.of("target", "screenshots", "sign-in-code.png")); // docs/sign-in-code.png in the README

        assertThat(rig.browser.visit(URI.create(page)).get().statusCode()).isEqualTo(200); // the person confirms
        until("the accounts and the session", () -> desktop.workspace().resources().size() == 3
                && desktop.workspace().identityProperty().get() != null);
        assertThat(resourceNames()).containsExactly("audit", "prod", "staging");
        until("the list shows them", () -> !ui.showing("#signInPane"));
        assertThat(ui.text("#identityDetail")).startsWith("Portal " + IdentityCenterStandIn.START_URL).contains("expires");
        assertThat(ui.showing("#signOutButton")).isTrue();
        assertThat(rig.standIn.count("StartDeviceAuthorization")).isEqualTo(1);

        // listed at the sign-in, again in the background once the window showed the cached list, then on Refresh
        until("the background listing", () -> rig.standIn.count("ListAccountRoles") == 6);
        ui.click("#refreshResources");
        until("the list was fetched again", () -> rig.standIn.count("ListAccountRoles") == 9
                && !desktop.workspace().refreshingProperty().get());
        assertThat(resourceNames()).containsExactly("audit", "prod", "staging");
        assertThat(rig.standIn.problems()).isEmpty();
    }

    @Test
    void cancelWhileTheBrowserSignInWaitsBringsThePromptBack() throws Exception {
        TestBrowser ignored = new TestBrowser(TestBrowser.Mode.IGNORE); // opens the page, the person does nothing
        desktop = ui.launch(rig.env, ignored);
        addWorkspaceFromTheWelcomePane();

        ui.click("#signInButton");
        until("the browser sign-in waits", () -> ui.showing("#ssoLink") && ui.showing("#cancelSignIn"));
        assertThat(ui.text("#ssoLink")).contains("/authorize?");
        assertThat(ignored.opened()).hasSize(1);
        ui.click("#cancelSignIn");
        until("the prompt is back", () -> ui.showing("#signInButton") && !ui.showing("#cancelSignIn"));
        assertThat(ui.showing("#signInError")).isFalse();
        assertThat(resourceNames()).isEmpty();
        assertThat(rig.cache.token(IdentityCenterRig.SESSION)).isEmpty();
    }

    @Test
    void theCachedListShowsAtOnceAndTheBackgroundListingReplacesIt() throws Exception {
        Path file = acmeWorkspaceFile();
        rig.signedIn();
        // what an earlier listing left in the cache: one account since gone, one still there
        Path cache = new dev.ferry.app.sso.SsoAccounts(null, dev.ferry.app.sso.SsoAccounts.defaultDir(
                dev.ferry.app.settings.FerryPaths.of(rig.env))).cacheFile(IdentityCenterRig.SESSION);
        new dev.ferry.app.settings.JsonFileStore<>(cache, dev.ferry.app.sso.SsoAccountList.class, () -> null, true)
                .save(new dev.ferry.app.sso.SsoAccountList(IdentityCenterStandIn.START_URL, IdentityCenterStandIn.REGION,
                        java.time.Instant.now().minusSeconds(86400), List.of(
                        new dev.ferry.app.sso.SsoAccount("444444444444", "old-account", "", List.of("ReadOnly"), ""),
                        new dev.ferry.app.sso.SsoAccount("111111111111", "prod", "", List.of("ReadOnly"), ""))));
        rig.standIn.portalLatency(java.time.Duration.ofMillis(700)); // the listing takes a moment
        desktop = ui.launch(rig.env.with("FERRY_WORKSPACE_FILE", file.toString()));
        until("the cached list", () -> resourceNames().equals(List.of("old-account", "prod")));
        until("the list from the background listing", () -> resourceNames().equals(List.of("audit", "prod", "staging")));
        assertThat(rig.standIn.count("ListAccounts")).isEqualTo(1);
    }

    @Test
    void anAccountWhoseRolesCannotBeListedShowsItsRowWithWhatToDo() throws Exception {
        Path file = acmeWorkspaceFile();
        rig.signedIn();
        rig.standIn.failRolesOf("333333333333", 403);
        desktop = ui.launch(rig.env.with("FERRY_WORKSPACE_FILE", file.toString()));
        until("all three accounts", () -> resourceNames().equals(List.of("audit", "prod", "staging")));
        until("the audit row says why and what to do", () -> rowDescriptions().stream().anyMatch(d ->
                d.contains("refused to list your roles in this account")
                        && d.contains("Ask your AWS administrator to check your permission set assignments")));
        assertThat(rowDescriptions()).filteredOn(d -> d.contains("could not be listed")).hasSize(1);
    }

    /** The descriptions the list's rows show now. */
    List<String> rowDescriptions() throws Exception {
        return fx(() -> ui.robot().lookup("#resourceList").lookup(".resource-description")
                .queryAllAs(javafx.scene.control.Label.class).stream().filter(Node::isVisible)
                .map(javafx.scene.control.Label::getText).toList());
    }

    /** The star toggle of the row of {@code app}, found by its accessible text ("Star prod" / "Unstar prod"). */
    javafx.scene.control.Button star(String app) throws Exception {
        return fx(() -> ui.robot().lookup("#resourceList").lookup(".resource-star")
                .queryAllAs(javafx.scene.control.Button.class).stream()
                .filter(b -> b.isVisible() && b.getAccessibleText() != null && b.getAccessibleText().endsWith("tar " + app))
                .findFirst().orElseThrow(() -> new AssertionError("no star for " + app)));
    }

    @Test
    void aStarredAccountComesFirstAlsoAfterARestart() throws Exception {
        Path file = acmeWorkspaceFile();
        rig.signedIn();
        dev.ferry.app.FerryEnvironment env = rig.env.with("FERRY_WORKSPACE_FILE", file.toString());
        desktop = ui.launch(env);
        until("the accounts", () -> resourceNames().equals(List.of("audit", "prod", "staging")));
        until("the rows show their stars", () -> fx(() -> ui.robot().lookup("#resourceList").lookup(".resource-star")
                .queryAllAs(javafx.scene.control.Button.class).stream()
                .filter(b -> b.isVisible() && b.getParent().isVisible()).count()) == 3); // (a spare cell's row is hidden)
        assertThat(fx(star("staging")::getText)).isEqualTo("☆");
        assertThat(fx(star("staging")::getAccessibleText)).isEqualTo("Star staging");
        ui.click(star("staging"));
        until("staging comes first", () -> resourceNames().equals(List.of("staging", "audit", "prod")));
        until("its star is on", () -> "★".equals(fx(star("staging")::getText)));
        assertThat(fx(star("staging")::getAccessibleText)).isEqualTo("Unstar staging");
        assertThat(fx(star("audit")::getText)).isEqualTo("☆");

        ui.closeDesktop(); // a restart
        desktop = ui.launch(env);
        until("staging still comes first", () -> resourceNames().equals(List.of("staging", "audit", "prod")));
        until("with its star on", () -> "★".equals(fx(star("staging")::getText)));
        ui.click(star("staging"));
        until("back in name order", () -> resourceNames().equals(List.of("audit", "prod", "staging")));
        assertThat(rig.standIn.problems()).isEmpty();
    }

    @Test
    void signingInWithACodeOpensItsPageInTheBrowser() throws Exception {
        desktop = ui.launch(rig.env, rig.browser); // a browser that opens the page, where the person confirms
        addWorkspaceFromTheWelcomePane();
        assertThat(ui.showing("#signInWithCode")).isTrue();
        ui.click("#signInWithCode");
        until("the accounts", () -> desktop.workspace().resources().size() == 3
                && desktop.workspace().identityProperty().get() != null);
        assertThat(rig.browser.opened()).singleElement().satisfies(u -> assertThat(u.toString()).contains("/device?user_code="));
        assertThat(rig.standIn.count("StartDeviceAuthorization")).isEqualTo(1);
        assertThat(rig.standIn.problems()).isEmpty();
    }
}
