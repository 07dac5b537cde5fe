package dev.ferry.ui.tunnels;

import dev.ferry.app.FerryCore;
import dev.ferry.app.testsupport.IdentityCenterRig;
import dev.ferry.app.testsupport.IdentityCenterStandIn;
import dev.ferry.app.tunnels.Tunnel;
import dev.ferry.app.tunnels.TunnelStatus;
import dev.ferry.app.workspace.AwsWorkspaceSource;
import dev.ferry.tunnel.testsupport.MotoServer;
import dev.ferry.ui.FerryDesktop;
import dev.ferry.ui.testing.DesktopFixture;
import javafx.scene.Node;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;

import static dev.ferry.ui.resources.ResourceListView.RowPart.ACCESS;
import static dev.ferry.ui.testing.DesktopFixture.fx;
import static dev.ferry.ui.testing.DesktopFixture.runFx;
import static dev.ferry.ui.testing.DesktopFixture.until;
import static dev.ferry.ui.testing.DesktopFixture.waitForStatus;
import static dev.ferry.ui.tunnels.TunnelFixtures.onlyTunnel;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An IAM Identity Center workspace in the window, to an AWS CLI command: "AWS CLI/SDK access" on
 * an account's app, its permission set picked in the role selector, and the real AWS CLI with the
 * tab's settings acting as that permission set (real moto credentials from the stand-in).
 */
class IdentityCenterProxyTabTest {
    @RegisterExtension
    static MotoServer moto = new MotoServer();
    @RegisterExtension
    final DesktopFixture ui = new DesktopFixture();

    @TempDir
    Path dir;
    IdentityCenterRig rig;

    @AfterEach
    void tearDown() {
        if (rig != null) {
            rig.close();
        }
    }

    /**
     * Signed in, the window open on the Identity Center workspace (its browser: the rig's), and
     * "AWS CLI/SDK access" of prod with ReadOnly picked in the role selector.
     */
    FerryDesktop startReadOnlyProxyInProd() throws Exception {
        FerryDesktop desktop = openSignedIn();
        pickReadOnlyInProd();
        return desktop;
    }

    /** Signed in, the window open on the Identity Center workspace (its browser: the rig's), the accounts listed. */
    FerryDesktop openSignedIn() throws Exception {
        Path file;
        try (FerryCore c = new FerryCore(rig.env, u -> { })) {
            file = c.workspaces().addAwsWorkspace("acme", new AwsWorkspaceSource.IdentityCenter(
                    IdentityCenterStandIn.START_URL, IdentityCenterStandIn.REGION, ""), "");
        }
        rig.signedIn();
        FerryDesktop desktop = ui.launch(rig.env.with("FERRY_WORKSPACE_FILE", file.toString()), rig.browser);
        until("the accounts", () -> desktop.workspace().resources().size() == 3);
        return desktop;
    }

    /** "AWS CLI/SDK access" of prod with ReadOnly picked in the role selector. */
    void pickReadOnlyInProd() throws Exception {
        ui.click(ACCESS, "prod");
        until("the role search has the focus", () -> ui.find("#rolePickerSearch").map(Node::isFocused).orElse(false));
        ui.write("ReadOnly");
        ui.type(KeyCode.ENTER);
    }

    @Test
    void theAwsCliActsAsThePermissionSetThroughAProxyStartedInTheWindow() throws Exception {
        rig = new IdentityCenterRig(dir, moto.endpoint(), IdentityCenterRig.smallOrg());
        FerryDesktop desktop = startReadOnlyProxyInProd();
        FerryCore core = ui.core();
        Tunnel t = onlyTunnel(core);
        assertThat(((dev.ferry.app.tunnels.AwsProxyTunnelSpec) t.spec()).roleArn())
                .isEqualTo("arn:aws:iam::111111111111:role/ReadOnly");
        waitForStatus(t, TunnelStatus.READY);
        until("the proxy's tab is open", () -> desktop.tunnelDocuments().view(t.id()).isPresent());
        AwsProxyTunnelView v = (AwsProxyTunnelView) fx(() -> desktop.tunnelDocuments().view(t.id()).orElseThrow());
        until("the tab shows its settings", () -> !v.renderedText().isEmpty());
        runFx(() -> v.selectFormat(dev.ferry.app.integrations.AwsOutputFormat.TEXT));
        String arn = AwsProxyTabTest.awsCli(fx(v::renderedText), "sts", "get-caller-identity", "--output", "text",
                "--query", "Arn").trim();
        assertThat(arn).matches("arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_ReadOnly_[0-9a-f]{16}/alice@acme\\.example");
        assertThat(rig.standIn.problems()).isEmpty();
    }

    /**
     * The session ends while the proxy runs: the next AWS CLI call is refused in plain words, the
     * window shows the sign-in prompt while the proxy keeps its port; after the sign-in (the
     * stand-in's browser page) the same port serves again with the new session's credentials.
     */
    @Test
    void anEndedSessionShowsTheSignInPromptAndTheProxyServesOnTheSamePortAfterIt() throws Exception {
        rig = new IdentityCenterRig(dir, moto.endpoint(), IdentityCenterRig.smallOrg());
        rig.standIn.reportedCredentialLifetime(java.time.Duration.ofSeconds(30)); // stale at once: each call fetches
        FerryDesktop desktop = startReadOnlyProxyInProd();
        FerryCore core = ui.core();
        Tunnel t = onlyTunnel(core);
        waitForStatus(t, TunnelStatus.READY);
        int port = t.localAddress().getPort();
        until("the proxy's tab is open", () -> desktop.tunnelDocuments().view(t.id()).isPresent());
        AwsProxyTunnelView v = (AwsProxyTunnelView) fx(() -> desktop.tunnelDocuments().view(t.id()).orElseThrow());
        until("the tab shows its settings", () -> !v.renderedText().isEmpty());
        runFx(() -> v.selectFormat(dev.ferry.app.integrations.AwsOutputFormat.TEXT));
        String settings = fx(v::renderedText);
        String[] whoAmI = {"sts", "get-caller-identity", "--output", "text", "--query", "Arn"};
        assertThat(AwsProxyTabTest.awsCli(settings, whoAmI).trim()).startsWith("arn:aws:sts::111111111111:assumed-role/");
        assertThat(ui.showing("#signInPane")).isFalse();

        rig.standIn.expireAccessTokens(); // the portal session ends
        rig.standIn.revokeRefreshTokens();
        // Role credentials fetched just before the session ended may still serve a request (AWS
        // accepts them until they expire); the first request that needs new ones is refused.
        AwsProxyTabTest.CliRun refused = dev.ferry.tunnel.testsupport.Wait.until("a request is refused for the ended session",
                () -> AwsProxyTabTest.awsCliRun(settings, java.util.Map.of("AWS_MAX_ATTEMPTS", "1"), whoAmI), r -> r.exit() != 0);
        assertThat(refused.out()).contains("no longer accepts your session").contains("Sign in");
        until("the proxy's tab offers the sign-in", () -> ui.showing("#tunnelSignIn"));
        until("the workspace asks for a sign-in", () -> desktop.workspace().signInNeededProperty().get() != null);
        assertThat(t.status()).isEqualTo(TunnelStatus.READY);
        assertThat(t.needsSignIn()).isTrue();
        assertThat(t.localAddress().getPort()).isEqualTo(port);

        // The tab's Sign in (by keyboard: the button may sit below the fold of a small test window)
        // shows the workspace's sign-in prompt and starts the sign-in; the browser opens the
        // stand-in's page, where the person allows it.
        rig.browser.mode(dev.ferry.app.testsupport.TestBrowser.Mode.IGNORE);
        ui.focus("#tunnelSignIn");
        ui.type(KeyCode.SPACE);
        until("the sign-in prompt waits for the browser", () -> ui.showing("#signInPane") && ui.showing("#ssoLink"));
        assertThat(ui.text("#signInTitle")).isEqualTo("Sign in to " + IdentityCenterStandIn.START_URL);
        URI page = rig.browser.opened().get(rig.browser.opened().size() - 1);
        assertThat(page.getPath()).isEqualTo("/authorize");
        rig.browser.visit(page);
        until("signed in again", () -> !ui.showing("#signInPane") && desktop.workspace().resources().size() == 3);
        assertThat(AwsProxyTabTest.awsCli(settings, whoAmI).trim()).startsWith("arn:aws:sts::111111111111:assumed-role/");
        assertThat(t.localAddress().getPort()).isEqualTo(port);
        assertThat(core.tunnels().tunnels()).containsExactly(t);
        var last = rig.standIn.calls().stream().filter(c -> c.operation().equals("GetRoleCredentials")).reduce((a, b) -> b)
                .orElseThrow();
        assertThat(last.status()).isEqualTo(200);
        assertThat(rig.standIn.isCurrent(last.token())).isTrue();
        until("the tunnel no longer asks for a sign-in", () -> !t.needsSignIn());
        assertThat(rig.standIn.problems()).isEmpty();
    }

    /**
     * The session has ended before the proxy starts: the start fails for want of a session, the
     * workspace asks for a sign-in and the tab offers it; after the sign-in the proxy starts by
     * itself and serves the AWS CLI.
     */
    @Test
    void aProxyStartedOnAnEndedSessionAsksForTheSignInAndStartsAfterIt() throws Exception {
        rig = new IdentityCenterRig(dir, moto.endpoint(), IdentityCenterRig.smallOrg());
        FerryDesktop desktop = openSignedIn();
        FerryCore core = ui.core();
        rig.browser.mode(dev.ferry.app.testsupport.TestBrowser.Mode.IGNORE); // the person opens the page (below)
        rig.standIn.expireAccessTokens(); // the portal session ends before the proxy starts
        rig.standIn.revokeRefreshTokens();
        pickReadOnlyInProd();
        Tunnel t = onlyTunnel(core);
        waitForStatus(t, TunnelStatus.FAILED);
        assertThat(t.needsSignIn()).isTrue();
        until("the workspace asks for a sign-in", () -> desktop.workspace().signInNeededProperty().get() != null);
        until("the proxy's tab offers the sign-in", () -> ui.showing("#tunnelSignIn"));

        int opened = rig.browser.opened().size();
        ui.focus("#tunnelSignIn");
        ui.type(KeyCode.SPACE);
        until("the sign-in page opened", () -> rig.browser.opened().size() > opened);
        rig.browser.visit(rig.browser.opened().get(opened)); // the person allows it on the stand-in's page
        waitForStatus(t, TunnelStatus.READY);
        until("the proxy's tab is open", () -> desktop.tunnelDocuments().view(t.id()).isPresent());
        AwsProxyTunnelView v = (AwsProxyTunnelView) fx(() -> desktop.tunnelDocuments().view(t.id()).orElseThrow());
        until("the tab shows its settings", () -> !v.renderedText().isEmpty());
        runFx(() -> v.selectFormat(dev.ferry.app.integrations.AwsOutputFormat.TEXT));
        assertThat(AwsProxyTabTest.awsCli(fx(v::renderedText), "sts", "get-caller-identity", "--output", "text",
                "--query", "Arn").trim()).startsWith("arn:aws:sts::111111111111:assumed-role/");
        assertThat(rig.standIn.problems()).isEmpty();
    }
}
