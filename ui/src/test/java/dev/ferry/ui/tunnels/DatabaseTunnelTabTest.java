package dev.ferry.ui.tunnels;

import dev.ferry.app.FerryCore;
import dev.ferry.app.testsupport.MotoServer;
import dev.ferry.app.testsupport.TestWorkspaces;
import dev.ferry.app.tunnels.Tunnel;
import dev.ferry.app.tunnels.TunnelStatus;
import dev.ferry.tunnel.testsupport.PostgresServer;
import dev.ferry.ui.FerryDesktop;
import dev.ferry.ui.notify.Notifications;
import javafx.scene.Node;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ComboBox;
import javafx.scene.control.DialogPane;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
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
import java.util.List;

import static dev.ferry.ui.tunnels.TunnelFixtures.accepts;
import static dev.ferry.ui.tunnels.TunnelFixtures.freePort;
import static dev.ferry.ui.tunnels.TunnelFixtures.fx;
import static dev.ferry.ui.tunnels.TunnelFixtures.isFree;
import static dev.ferry.ui.tunnels.TunnelFixtures.onlyTunnel;
import static dev.ferry.ui.tunnels.TunnelFixtures.query;
import static dev.ferry.ui.tunnels.TunnelFixtures.text;
import static dev.ferry.ui.tunnels.TunnelFixtures.waitForStatus;
import static dev.ferry.ui.tunnels.TunnelFixtures.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connect on a database, through the window, against the real PostgreSQL 15 (TLS upstream):
 * the tab, READY, real queries through the port the tab shows, live counters, moving the
 * listener, Stop, and a taken port.
 */
@ExtendWith(ApplicationExtension.class)
class DatabaseTunnelTabTest {
    @RegisterExtension
    static MotoServer moto = new MotoServer();
    static PostgresServer pg;

    @TempDir
    Path dir;
    FerryCore core;
    FerryDesktop desktop;

    @BeforeAll
    static void startPostgres() {
        pg = PostgresServer.shared();
    }

    @Start
    void start(Stage stage) throws Exception {
        Path ws = TunnelFixtures.workspace(dir, pg);
        core = new FerryCore(TestWorkspaces.motoEnv(dir, moto.endpoint()).with("FERRY_WORKSPACE_FILE", ws.toString()), url -> { });
        desktop = new FerryDesktop(core, stage);
        desktop.show();
    }

    @AfterEach
    void tearDown() throws Exception {
        FxToolkit.cleanupStages();
        fx(() -> {
            desktop.close();
            return null;
        });
        core.close();
    }

    /** Clicks Connect on "orders", fills the form (database ferrydb, the given port) and connects. */
    void connect(FxRobot robot, String port) throws Exception {
        TunnelFixtures.clickVisible(robot, "#connect-orders");
        waitUntil(() -> robot.lookup("#connectDialog").tryQuery().isPresent());
        @SuppressWarnings("unchecked")
        ComboBox<String> user = fx(() -> robot.lookup("#dbUserChoice").queryAs(ComboBox.class));
        assertThat(fx(() -> List.copyOf(user.getItems()))).containsExactly(PostgresServer.TRUST_USER);
        assertThat(fx(() -> user.getValue())).isEqualTo(PostgresServer.TRUST_USER);
        assertThat(fx(user::isEditable)).as("no role allows any user").isFalse();
        @SuppressWarnings("unchecked")
        ComboBox<String> name = fx(() -> robot.lookup("#dbNameChoice").queryAs(ComboBox.class));
        assertThat(fx(name::isEditable)).as("db_names '*' allows free text").isTrue();
        robot.clickOn(fx(name::getEditor)).write(PostgresServer.DATABASE);
        TextField portField = fx(() -> robot.lookup("#portChoice").queryAs(TextField.class));
        robot.doubleClickOn(portField).eraseText(8);
        fx(() -> {
            portField.setText(port);
            return null;
        });
        DialogPane pane = fx(() -> robot.lookup("#connectDialog").queryAs(DialogPane.class));
        robot.clickOn(fx(() -> pane.lookupButton(ButtonType.OK)));
    }

    TunnelView view(Tunnel t) throws Exception {
        waitUntil(() -> desktop.tunnelDocuments().view(t.id()).isPresent());
        return fx(() -> desktop.tunnelDocuments().view(t.id()).orElseThrow());
    }

    @Test
    void connectQueryCountersMoveAndStop(FxRobot robot) throws Exception {
        int port = freePort();
        connect(robot, String.valueOf(port));
        Tunnel t = onlyTunnel(core);
        TunnelView view = view(t);
        assertThat(fx(() -> desktop.documents().view().getSelectionModel().getSelectedItem().getId()))
                .isEqualTo(TunnelDocuments.TAB_PREFIX + t.id());
        waitForStatus(t, TunnelStatus.READY);
        waitUntil(() -> "Ready".equals(text(robot, view, "#tunnelStatus")));
        assertThat(text(robot, view, "#tunnelAddress")).isEqualTo("127.0.0.1:" + port);
        assertThat(text(robot, view, "#dbUser")).isEqualTo(PostgresServer.TRUST_USER);
        assertThat(text(robot, view, "#dbName")).isEqualTo(PostgresServer.DATABASE);
        assertThat(text(robot, view, "#dbAuth")).contains("no password");
        assertThat(text(robot, view, "#dbUpstream")).isEqualTo("localhost:" + pg.port() + " (TLS verify-full)");
        assertThat(text(robot, view, "#psqlCommand")).contains("port=" + port).contains("user=u_trust");
        assertThat(text(robot, view, "#redshiftJdbcUrl")).startsWith("jdbc:redshift://127.0.0.1:" + port + "/ferrydb");
        assertThat(text(robot, view, "#pgEnv")).contains("export PGPORT=\"" + port + "\"");

        // A real query through the JDBC URL the tab shows; and psql with the tab's command.
        String jdbc = text(robot, view, "#postgresJdbcUrl");
        assertThat(query(jdbc, "select current_user")).isEqualTo(PostgresServer.TRUST_USER);
        String psql = text(robot, view, "#psqlCommand");
        Process p = new ProcessBuilder("sh", "-c", psql + " -At -c 'select current_database()'").redirectErrorStream(true).start();
        assertThat(new String(p.getInputStream().readAllBytes()).trim()).isEqualTo(PostgresServer.DATABASE);
        assertThat(p.waitFor()).isZero();

        // Counters follow (polled while the tab is shown).
        waitUntil(() -> Integer.parseInt(text(robot, view, "#totalConnections")) >= 2);
        assertThat(text(robot, view, "#bytesFromClient")).isNotEqualTo("0 B");
        assertThat(text(robot, view, "#bytesToClient")).isNotEqualTo("0 B");

        // Enter a new port: the listener moves there.
        int newPort = freePort();
        TextField portField = fx(() -> robot.from(view).lookup("#tunnelPort").queryAs(TextField.class));
        robot.doubleClickOn(portField).eraseText(8).write(String.valueOf(newPort)).press(KeyCode.ENTER).release(KeyCode.ENTER);
        waitUntil(() -> t.status() == TunnelStatus.READY && t.localAddress() != null && t.localAddress().getPort() == newPort);
        waitUntil(() -> text(robot, view, "#postgresJdbcUrl").contains(":" + newPort + "/"));
        assertThat(accepts(port)).as("old port closed").isFalse();
        assertThat(query(text(robot, view, "#postgresJdbcUrl"), "select 40 + 2")).isEqualTo("42");

        // Stop: the tab closes and the port is free.
        robot.clickOn((Node) fx(() -> robot.from(view).lookup("#stopTunnel").query()));
        waitUntil(() -> core.tunnels().tunnels().isEmpty() && desktop.documents().find(TunnelDocuments.TAB_PREFIX + t.id()).isEmpty());
        waitUntil(() -> isFree(newPort));
        assertThat(core.tunnels().savedSpecs()).as("a stopped tunnel is forgotten").isEmpty();
    }

    @Test
    void takenPortShowsTheErrorInTheTabAndANotification(FxRobot robot) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            connect(robot, String.valueOf(taken.getLocalPort()));
            Tunnel t = onlyTunnel(core);
            TunnelView view = view(t);
            waitForStatus(t, TunnelStatus.FAILED);
            waitUntil(() -> "Failed".equals(text(robot, view, "#tunnelStatus")));
            assertThat(fx(() -> robot.from(view).lookup("#tunnelError").query().isVisible())).isTrue();
            String description = fx(() -> robot.from(view).lookup("#tunnelError")
                    .queryAs(atlantafx.base.controls.Message.class).getDescription());
            assertThat(description).contains("Port " + taken.getLocalPort()).contains("already in use");
            waitUntil(() -> desktop.notifications().notes().stream().anyMatch(n -> n.level() == Notifications.Level.ERROR
                    && n.title().startsWith("Could not start orders") && n.message().contains("already in use")));

            // Fix it in the tab: an empty port picks a free one. (The error notification may
            // cover the field, so focus it by keyboard rather than by a click.)
            TextField portField = fx(() -> robot.from(view).lookup("#tunnelPort").queryAs(TextField.class));
            fx(() -> {
                portField.requestFocus();
                portField.clear();
                return null;
            });
            waitUntil(portField::isFocused);
            robot.type(KeyCode.ENTER);
            waitForStatus(t, TunnelStatus.READY);
            assertThat(t.localAddress().getPort()).isNotEqualTo(taken.getLocalPort());
            waitUntil(() -> !fx(() -> robot.from(view).lookup("#tunnelError").query().isVisible()));
            assertThat(query(text(robot, view, "#postgresJdbcUrl"), "select current_user")).isEqualTo(PostgresServer.TRUST_USER);
        }
    }

    @Test
    void settingsChooseTheDbeaverWorkspaceAndOpenInDbeaverWritesTheConnectionThere(FxRobot robot) throws Exception {
        java.nio.file.Path dbeaverWs = dir.resolve("my-dbeaver/workspace6");
        // Settings: DBeaver's workspace, tunnels at start, tray, Athena — all saved.
        TunnelFixtures.clickVisible(robot, "#settingsButton");
        waitUntil(() -> robot.lookup("#dbeaverWorkspace").tryQuery().isPresent());
        fx(() -> {
            robot.lookup("#dbeaverWorkspace").queryAs(TextField.class).setText(dbeaverWs.toString());
            robot.lookup("#athenaWorkgroup").queryAs(TextField.class).setText("analysts");
            robot.lookup("#closeToTray").queryAs(javafx.scene.control.CheckBox.class).setSelected(false);
            @SuppressWarnings("unchecked")
            ComboBox<dev.ferry.app.settings.Settings.RestoreTunnels> restore = robot.lookup("#restoreChoice").queryAs(ComboBox.class);
            restore.setValue(dev.ferry.app.settings.Settings.RestoreTunnels.ASK);
            return null;
        });
        DialogPane settings = fx(() -> robot.lookup("#settingsDialog").queryAs(DialogPane.class));
        robot.clickOn(fx(() -> settings.lookupButton(ButtonType.OK)));
        waitUntil(() -> dbeaverWs.toString().equals(core.settings().get().dbeaverWorkspace));
        dev.ferry.app.settings.Settings saved = core.settings().get();
        assertThat(saved.athenaWorkgroup).isEqualTo("analysts");
        assertThat(saved.closeToTray).isFalse();
        assertThat(saved.restoreTunnels).isEqualTo(dev.ferry.app.settings.Settings.RestoreTunnels.ASK);

        connect(robot, String.valueOf(freePort()));
        Tunnel t = onlyTunnel(core);
        TunnelView view = view(t);
        waitForStatus(t, TunnelStatus.READY);
        robot.clickOn((Node) fx(() -> robot.from(view).lookup("#openInDbeaver").query()));
        java.nio.file.Path file = dev.ferry.app.integrations.DBeaverSetup.dataSourcesFile(dbeaverWs);
        waitUntil(() -> java.nio.file.Files.exists(file));
        com.fasterxml.jackson.databind.JsonNode conn = new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile())
                .get("connections").elements().next();
        assertThat(conn.get("folder").asText()).isEqualTo("Ferry");
        assertThat(conn.get("configuration").get("port").asText()).isEqualTo(String.valueOf(t.localAddress().getPort()));
        assertThat(conn.get("configuration").get("user").asText()).isEqualTo(PostgresServer.TRUST_USER);
        // And the JDBC URL DBeaver will use really works.
        assertThat(query(conn.get("configuration").get("url").asText(), "select current_database()")).isEqualTo(PostgresServer.DATABASE);
    }
}
