package dev.ferry.ui.tunnels;

import dev.ferry.app.FerryCore;
import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.settings.Settings;
import dev.ferry.app.testsupport.MotoServer;
import dev.ferry.app.testsupport.TestWorkspaces;
import dev.ferry.app.tunnels.Tunnel;
import dev.ferry.app.tunnels.TunnelKind;
import dev.ferry.app.tunnels.TunnelSpec;
import dev.ferry.app.tunnels.TunnelStatus;
import dev.ferry.tunnel.testsupport.PostgresServer;
import dev.ferry.ui.FerryDesktop;
import dev.ferry.ui.notify.Notifications;
import javafx.scene.control.ButtonType;
import javafx.scene.control.DialogPane;
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

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static dev.ferry.ui.tunnels.TunnelFixtures.fx;
import static dev.ferry.ui.tunnels.TunnelFixtures.query;
import static dev.ferry.ui.tunnels.TunnelFixtures.text;
import static dev.ferry.ui.tunnels.TunnelFixtures.waitForStatus;
import static dev.ferry.ui.tunnels.TunnelFixtures.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tunnels come back when the desktop starts again: a database tunnel (real PostgreSQL) and an
 * AWS proxy (moto) reopen in their tabs on the same ports; a taken port shows the error in
 * its tab and as a notification; with "ask", nothing opens unless the user says yes.
 */
@ExtendWith(ApplicationExtension.class)
class RestoreTabsTest {
    @RegisterExtension
    static MotoServer moto = new MotoServer();

    @TempDir
    Path dir;
    Stage stage;
    FerryEnvironment env;
    Path workspaceFile;
    FerryCore core;
    FerryDesktop desktop;

    @Start
    void start(Stage stage) throws Exception {
        this.stage = stage;
        workspaceFile = TunnelFixtures.workspace(dir, PostgresServer.shared());
        env = TestWorkspaces.motoEnv(dir, moto.endpoint()).with("FERRY_WORKSPACE_FILE", workspaceFile.toString());
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

    /** A previous Ferry session that had both kinds of tunnel open; returns their ports. */
    int[] previousSession(Settings.RestoreTunnels policy) throws Exception {
        try (FerryCore before = new FerryCore(env, url -> { })) {
            before.settings().update(s -> s.restoreTunnels = policy);
            Tunnel db = before.tunnels().open(TunnelSpec.database(workspaceFile.toString(), "orders",
                    PostgresServer.TRUST_USER, PostgresServer.DATABASE, 0)).get(60, TimeUnit.SECONDS);
            Tunnel aws = before.tunnels().open(TunnelSpec.awsProxy(workspaceFile.toString(), "aws-dev",
                    TunnelFixtures.ROLE_ARN, dev.ferry.tunnel.aws.ProxyMode.HTTPS_PROXY, 0)).get(60, TimeUnit.SECONDS);
            return new int[]{db.localAddress().getPort(), aws.localAddress().getPort()};
        }
    }

    void startDesktop() throws Exception {
        core = new FerryCore(env, url -> { });
        fx(() -> {
            desktop = new FerryDesktop(core, stage);
            desktop.show();
            return null;
        });
    }

    Tunnel tunnel(TunnelKind kind) throws Exception {
        waitUntil(() -> core.tunnels().tunnels().stream().anyMatch(t -> t.spec().kind() == kind));
        return core.tunnels().tunnels().stream().filter(t -> t.spec().kind() == kind).findFirst().orElseThrow();
    }

    @Test
    void bothTunnelsReopenInTheirTabsOnTheSamePorts(FxRobot robot) throws Exception {
        int[] ports = previousSession(Settings.RestoreTunnels.ALWAYS);
        startDesktop();
        Tunnel db = tunnel(TunnelKind.DATABASE);
        Tunnel aws = tunnel(TunnelKind.AWS_PROXY);
        waitForStatus(db, TunnelStatus.READY);
        waitForStatus(aws, TunnelStatus.READY);
        assertThat(db.localAddress().getPort()).isEqualTo(ports[0]);
        assertThat(aws.localAddress().getPort()).isEqualTo(ports[1]);

        waitUntil(() -> desktop.tunnelDocuments().view(db.id()).isPresent() && desktop.tunnelDocuments().view(aws.id()).isPresent());
        TunnelView dbView = fx(() -> desktop.tunnelDocuments().view(db.id()).orElseThrow());
        waitUntil(() -> text(robot, dbView, "#postgresJdbcUrl").contains(":" + ports[0] + "/"));
        assertThat(query(text(robot, dbView, "#postgresJdbcUrl"), "select current_user")).isEqualTo(PostgresServer.TRUST_USER);

        AwsProxyTunnelView awsView = (AwsProxyTunnelView) fx(() -> desktop.tunnelDocuments().view(aws.id()).orElseThrow());
        fx(() -> {
            awsView.selectFormat(dev.ferry.app.integrations.AwsOutputFormat.TEXT);
            return null;
        });
        waitUntil(() -> awsView.renderedText().contains("HTTPS_PROXY=http://127.0.0.1:" + ports[1]));
        assertThat(AwsProxyTabTest.awsCli(awsView.renderedText(), "sts", "get-caller-identity", "--output", "text", "--query", "Arn"))
                .contains(":assumed-role/ReadOnly/");
        assertThat(aws.info()).get().isInstanceOf(dev.ferry.app.tunnels.AwsProxyInfo.class);
    }

    @Test
    void aTakenPortFailsThatTunnelOnlyWithAClearError(FxRobot robot) throws Exception {
        int[] ports = previousSession(Settings.RestoreTunnels.ALWAYS);
        waitUntil(() -> TunnelFixtures.isFree(ports[0])); // the previous session's listener has closed
        try (ServerSocket taken = new ServerSocket(ports[0], 1, InetAddress.getLoopbackAddress())) {
            startDesktop();
            Tunnel db = tunnel(TunnelKind.DATABASE);
            Tunnel aws = tunnel(TunnelKind.AWS_PROXY);
            waitForStatus(db, TunnelStatus.FAILED);
            waitForStatus(aws, TunnelStatus.READY);
            assertThat(aws.localAddress().getPort()).isEqualTo(ports[1]);
            assertThat(db.lastError()).contains("Port " + ports[0]).contains("already in use");
            waitUntil(() -> desktop.notifications().notes().stream().anyMatch(n -> n.level() == Notifications.Level.ERROR
                    && n.title().startsWith("Could not restore orders") && n.message().contains("already in use")));
            TunnelView dbView = fx(() -> desktop.tunnelDocuments().view(db.id()).orElseThrow());
            waitUntil(() -> "Failed".equals(text(robot, dbView, "#tunnelStatus")));
        }
    }

    @Test
    void askPolicyOpensNothingWhenTheAnswerIsNo(FxRobot robot) throws Exception {
        int[] ports = previousSession(Settings.RestoreTunnels.ASK);
        startDesktop();
        waitUntil(() -> robot.lookup(".dialog-pane").tryQuery().isPresent());
        DialogPane ask = fx(() -> robot.lookup(".dialog-pane").queryAs(DialogPane.class));
        assertThat(fx(ask::getContentText)).contains("Reopen the 2 tunnels");
        robot.clickOn(fx(() -> ask.lookupButton(ButtonType.NO)));
        waitUntil(() -> robot.lookup(".dialog-pane").tryQuery().isEmpty());
        assertThat(core.tunnels().tunnels()).isEmpty();
        assertThat(TunnelFixtures.isFree(ports[0]) && TunnelFixtures.isFree(ports[1])).isTrue();
    }
}
