package dev.ferry.ui.tunnels;

import dev.ferry.app.FerryCore;
import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.settings.Settings;
import dev.ferry.app.testsupport.TestWorkspaces;
import dev.ferry.app.tunnels.Tunnel;
import dev.ferry.app.tunnels.TunnelKind;
import dev.ferry.app.tunnels.TunnelSpec;
import dev.ferry.app.tunnels.TunnelStatus;
import dev.ferry.tunnel.testsupport.FreePorts;
import dev.ferry.tunnel.testsupport.MotoServer;
import dev.ferry.tunnel.testsupport.PostgresServer;
import dev.ferry.tunnel.testsupport.Wait;
import dev.ferry.ui.FerryDesktop;
import dev.ferry.ui.notify.Notifications;
import dev.ferry.ui.testing.DesktopFixture;
import javafx.scene.control.ButtonType;
import javafx.scene.control.DialogPane;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static dev.ferry.ui.tunnels.TunnelFixtures.query;
import static dev.ferry.ui.testing.DesktopFixture.fx;
import static dev.ferry.ui.testing.DesktopFixture.runFx;
import static dev.ferry.ui.testing.DesktopFixture.until;
import static dev.ferry.ui.testing.DesktopFixture.waitForStatus;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tunnels come back when the desktop starts again: a database tunnel (real PostgreSQL) and an
 * AWS proxy (moto) reopen in their tabs on the same ports; a taken port shows the error in
 * its tab and as a notification; with "ask", nothing opens unless the user says yes.
 */
class RestoreTabsTest {
    @RegisterExtension
    static MotoServer moto = new MotoServer();
    @RegisterExtension
    final DesktopFixture ui = new DesktopFixture();

    @TempDir
    Path dir;
    FerryEnvironment env;
    Path workspaceFile;
    FerryCore core;
    FerryDesktop desktop;

    @BeforeEach
    void setUp() throws Exception {
        workspaceFile = TunnelFixtures.workspace(dir, PostgresServer.shared());
        env = TestWorkspaces.motoEnv(dir, moto.endpoint()).with("FERRY_WORKSPACE_FILE", workspaceFile.toString());
    }

    /** A previous Ferry session that had both kinds of tunnel open; returns their ports. */
    int[] previousSession(Settings.RestoreTunnels policy) throws Exception {
        try (FerryCore before = new FerryCore(env, url -> { })) {
            before.settings().update(s -> s.restoreTunnels = policy);
            Tunnel db = before.tunnels().open(TunnelSpec.database(workspaceFile.toString(), "orders",
                    PostgresServer.TRUST_USER, PostgresServer.DATABASE, 0)).get(Wait.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            Tunnel aws = before.tunnels().open(TunnelSpec.awsProxy(workspaceFile.toString(), "aws-dev",
                    TunnelFixtures.ROLE_ARN, dev.ferry.tunnel.aws.ProxyMode.HTTPS_PROXY, 0)).get(Wait.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            return new int[]{db.localAddress().getPort(), aws.localAddress().getPort()};
        }
    }

    void startDesktop() throws Exception {
        desktop = ui.launch(env);
        core = ui.core();
    }

    Tunnel tunnel(TunnelKind kind) throws Exception {
        return Wait.until("a " + kind + " tunnel", () -> core.tunnels().tunnels().stream().filter(t -> t.spec().kind() == kind)
                .findFirst(), java.util.Optional::isPresent).orElseThrow();
    }

    @Test
    void bothTunnelsReopenInTheirTabsOnTheSamePorts() throws Exception {
        int[] ports = previousSession(Settings.RestoreTunnels.ALWAYS);
        startDesktop();
        Tunnel db = tunnel(TunnelKind.DATABASE);
        Tunnel aws = tunnel(TunnelKind.AWS_PROXY);
        waitForStatus(db, TunnelStatus.READY);
        waitForStatus(aws, TunnelStatus.READY);
        assertThat(db.localAddress().getPort()).isEqualTo(ports[0]);
        assertThat(aws.localAddress().getPort()).isEqualTo(ports[1]);

        until(() -> desktop.tunnelDocuments().view(db.id()).isPresent() && desktop.tunnelDocuments().view(aws.id()).isPresent());
        TunnelView dbView = fx(() -> desktop.tunnelDocuments().view(db.id()).orElseThrow());
        until(() -> ui.textIn(dbView, "#postgresJdbcUrl").contains(":" + ports[0] + "/"));
        assertThat(query(ui.textIn(dbView, "#postgresJdbcUrl"), "select current_user")).isEqualTo(PostgresServer.TRUST_USER);

        AwsProxyTunnelView awsView = (AwsProxyTunnelView) fx(() -> desktop.tunnelDocuments().view(aws.id()).orElseThrow());
        runFx(() -> awsView.selectFormat(dev.ferry.app.integrations.AwsOutputFormat.TEXT));
        until(() -> awsView.renderedText().contains("HTTPS_PROXY=http://127.0.0.1:" + ports[1]));
        assertThat(AwsProxyTabTest.awsCli(awsView.renderedText(), "sts", "get-caller-identity", "--output", "text", "--query", "Arn"))
                .contains(":assumed-role/ReadOnly/");
        assertThat(aws.info()).get().isInstanceOf(dev.ferry.app.tunnels.AwsProxyInfo.class);
    }

    @Test
    void aTakenPortFailsThatTunnelOnlyWithAClearError() throws Exception {
        int[] ports = previousSession(Settings.RestoreTunnels.ALWAYS);
        Wait.until("the previous listener closed", () -> FreePorts.isFree(ports[0])); // the previous session's listener has closed
        try (ServerSocket taken = new ServerSocket(ports[0], 1, InetAddress.getLoopbackAddress())) {
            startDesktop();
            Tunnel db = tunnel(TunnelKind.DATABASE);
            Tunnel aws = tunnel(TunnelKind.AWS_PROXY);
            waitForStatus(db, TunnelStatus.FAILED);
            waitForStatus(aws, TunnelStatus.READY);
            assertThat(aws.localAddress().getPort()).isEqualTo(ports[1]);
            assertThat(db.lastError()).contains("Port " + ports[0]).contains("already in use");
            until(() -> ui.notesSeen().stream().anyMatch(n -> n.level() == Notifications.Level.ERROR
                    && n.title().startsWith("Could not restore orders") && n.message().contains("already in use")));
            TunnelView dbView = fx(() -> desktop.tunnelDocuments().view(db.id()).orElseThrow());
            until(() -> "Failed".equals(ui.textIn(dbView, "#tunnelStatus")));
        }
    }

    @Test
    void askPolicyOpensNothingWhenTheAnswerIsNo() throws Exception {
        int[] ports = previousSession(Settings.RestoreTunnels.ASK);
        startDesktop();
        DialogPane ask = ui.node(".dialog-pane", DialogPane.class);
        assertThat(fx(ask::getContentText)).contains("Reopen the 2 tunnels");
        ui.click(fx(() -> ask.lookupButton(ButtonType.NO)));
        until("the question closed", () -> !ui.showing(".dialog-pane"));
        assertThat(core.tunnels().tunnels()).isEmpty();
        assertThat(FreePorts.isFree(ports[0]) && FreePorts.isFree(ports[1])).isTrue();
    }
}
