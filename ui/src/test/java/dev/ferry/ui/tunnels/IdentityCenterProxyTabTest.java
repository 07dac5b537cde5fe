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

    @Test
    void theAwsCliActsAsThePermissionSetThroughAProxyStartedInTheWindow() throws Exception {
        rig = new IdentityCenterRig(dir, moto.endpoint(), IdentityCenterRig.smallOrg());
        Path file;
        try (FerryCore c = new FerryCore(rig.env, u -> { })) {
            file = c.workspaces().addAwsWorkspace("acme", new AwsWorkspaceSource.IdentityCenter(
                    IdentityCenterStandIn.START_URL, IdentityCenterStandIn.REGION, ""), "");
        }
        rig.signedIn();
        FerryDesktop desktop = ui.launch(rig.env.with("FERRY_WORKSPACE_FILE", file.toString()));
        FerryCore core = ui.core();
        until("the accounts", () -> desktop.workspace().resources().size() == 3);

        ui.click(ACCESS, "prod");
        until("the role search has the focus", () -> ui.find("#rolePickerSearch").map(Node::isFocused).orElse(false));
        ui.write("ReadOnly");
        ui.type(KeyCode.ENTER);
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
}
