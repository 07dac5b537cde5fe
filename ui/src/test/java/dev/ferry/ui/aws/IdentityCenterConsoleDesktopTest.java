package dev.ferry.ui.aws;

import dev.ferry.app.testsupport.IdentityCenterRig;
import dev.ferry.app.testsupport.IdentityCenterStandIn;
import dev.ferry.app.testsupport.SigninEndpointDouble;
import dev.ferry.app.testsupport.TestBrowser;
import dev.ferry.tunnel.testsupport.MotoServer;
import dev.ferry.ui.FerryDesktop;
import dev.ferry.ui.testing.DesktopFixture;
import javafx.scene.Node;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static dev.ferry.ui.resources.ResourceListView.RowPart.LAUNCH;
import static dev.ferry.ui.testing.DesktopFixture.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The AWS console of an IAM Identity Center account, from the window: a permission set picked in
 * the role selector of the account's app, and the browser handed a federation sign-in URL made
 * from that permission set's GetRoleCredentials (real moto credentials, the federation endpoint's
 * double checks them); and a launch on an ended session shows the sign-in prompt, then goes on.
 */
class IdentityCenterConsoleDesktopTest {
    @RegisterExtension
    static MotoServer moto = new MotoServer();
    @RegisterExtension
    final DesktopFixture ui = new DesktopFixture();

    @TempDir
    Path dir;
    IdentityCenterRig rig;
    SigninEndpointDouble signin;
    Path file;
    FerryDesktop desktop;

    @BeforeEach
    void setUp() throws Exception {
        rig = new IdentityCenterRig(dir, moto.endpoint(), IdentityCenterRig.smallOrg());
        signin = new SigninEndpointDouble(moto.endpoint());
        file = dir.resolve("acme.yaml");
        Files.writeString(file, """
                name: acme
                identity_center: {start_url: %s, region: %s}
                aws: {signin_endpoint: %s}
                """.formatted(IdentityCenterStandIn.START_URL, IdentityCenterStandIn.REGION, signin.endpoint()));
    }

    @AfterEach
    void tearDown() {
        signin.close();
        rig.close();
    }

    void open() throws Exception {
        desktop = ui.launch(rig.env.with("FERRY_WORKSPACE_FILE", file.toString()), rig.browser);
        until("the accounts", () -> desktop.workspace().resources().size() == 3);
    }

    /** Launch ▾ on the account's app, the permission set typed into the role selector's search, Enter. */
    void launch(String app, String permissionSet) throws Exception {
        ui.click(LAUNCH, app);
        until("the role search has the focus", () -> ui.find("#rolePickerSearch").map(Node::isFocused).orElse(false));
        ui.write(permissionSet);
        ui.type(KeyCode.ENTER);
    }

    /** The console sign-in URL the browser got, once it got one. */
    URI consoleUrl() throws Exception {
        until("the browser got the console's sign-in URL", () -> rig.browser.opened().stream()
                .anyMatch(u -> u.toString().startsWith(signin.endpoint() + "?Action=login")));
        return rig.browser.opened().stream().filter(u -> u.toString().startsWith(signin.endpoint() + "?Action=login"))
                .reduce((a, b) -> b).orElseThrow();
    }

    /** Checks the URL signs in as the permission set, with credentials fetched with the current bearer token. */
    void assertSignsInAs(URI url, String accountId, String permissionSet) throws Exception {
        Map<String, String> q = SigninEndpointDouble.query(url.getRawQuery());
        assertThat(q.get("Destination")).startsWith("https://console.aws.amazon.com/");
        assertThat(signin.roleOfToken(q.get("SigninToken"))).matches("arn:aws:sts::" + accountId
                + ":assumed-role/AWSReservedSSO_" + permissionSet + "_[0-9a-f]{16}/alice@acme\\.example");
        IdentityCenterStandIn.Call fetched = rig.standIn.calls().stream()
                .filter(c -> c.operation().equals("GetRoleCredentials")).reduce((a, b) -> b).orElseThrow();
        assertThat(fetched.params()).containsEntry("account_id", accountId).containsEntry("role_name", permissionSet);
        assertThat(fetched.status()).isEqualTo(200);
        assertThat(rig.standIn.isCurrent(fetched.token())).as("the current bearer token").isTrue();
        assertThat(rig.standIn.problems()).isEmpty();
    }

    @Test
    void aPermissionSetPickedInTheRoleSelectorOpensTheConsoleWithItsCredentials() throws Exception {
        rig.signedIn();
        open();
        rig.browser.mode(TestBrowser.Mode.IGNORE); // note the console URL, do not follow it to the real console
        launch("prod", "Admin");
        assertSignsInAs(consoleUrl(), "111111111111", "Admin");
        assertThat(rig.standIn.calls()).filteredOn(c -> c.operation().equals("GetRoleCredentials")).hasSize(1);
    }

    @Test
    void aLaunchOnAnEndedSessionShowsTheSignInPromptAndOpensTheConsoleAfterIt() throws Exception {
        rig.signedIn();
        open();
        rig.standIn.expireAccessTokens(); // the portal session ends while the window is open
        rig.standIn.revokeRefreshTokens();
        launch("prod", "ReadOnly");
        until("the sign-in prompt", () -> ui.showing("#signInPane") && ui.showing("#signInButton"));
        assertThat(ui.text("#signInTitle")).isEqualTo("Sign in to " + IdentityCenterStandIn.START_URL);
        assertThat(rig.browser.opened()).noneMatch(u -> u.toString().startsWith(signin.endpoint().toString()));

        ui.click("#signInButton"); // the browser opens the stand-in's page, where the person allows it
        URI url = consoleUrl();
        assertSignsInAs(url, "111111111111", "ReadOnly");
        until("the list is back", () -> !ui.showing("#signInPane") && desktop.workspace().resources().size() == 3);
    }
}
