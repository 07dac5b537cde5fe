package dev.ferry.ui.tunnels;

import dev.ferry.app.FerryCore;
import dev.ferry.app.testsupport.TestWorkspaces;
import dev.ferry.app.tunnels.Tunnel;
import dev.ferry.app.tunnels.TunnelStatus;
import dev.ferry.tunnel.testsupport.FreePorts;
import dev.ferry.tunnel.testsupport.MotoServer;
import dev.ferry.tunnel.testsupport.PostgresServer;
import dev.ferry.tunnel.testsupport.Wait;
import dev.ferry.ui.FerryDesktop;
import dev.ferry.ui.notify.Notifications;
import dev.ferry.ui.testing.DesktopFixture;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ComboBox;
import javafx.scene.control.DialogPane;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;

import static dev.ferry.ui.resources.ResourceListView.RowPart.CONNECT;
import static dev.ferry.ui.testing.DesktopFixture.fx;
import static dev.ferry.ui.testing.DesktopFixture.runFx;
import static dev.ferry.ui.testing.DesktopFixture.until;
import static dev.ferry.ui.testing.DesktopFixture.waitForStatus;
import static dev.ferry.ui.tunnels.TunnelFixtures.accepts;
import static dev.ferry.ui.tunnels.TunnelFixtures.onlyTunnel;
import static dev.ferry.ui.tunnels.TunnelFixtures.query;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connect on a database, through the window, against the real PostgreSQL 15 (TLS upstream):
 * the tab, READY, real queries through the port the tab shows, live counters, moving the
 * listener, Stop, and a taken port.
 */
class DatabaseTunnelTabTest {
    @RegisterExtension
    static MotoServer moto = new MotoServer();
    static PostgresServer pg;
    @RegisterExtension
    final DesktopFixture ui = new DesktopFixture();

    @TempDir
    Path dir;
    FerryCore core;
    FerryDesktop desktop;

    @BeforeAll
    static void startPostgres() {
        pg = PostgresServer.shared();
    }

    @BeforeEach
    void start() throws Exception {
        Path ws = TunnelFixtures.workspace(dir, pg);
        desktop = ui.launch(TestWorkspaces.motoEnv(dir, moto.endpoint()).with("FERRY_WORKSPACE_FILE", ws.toString()));
        core = ui.core();
    }

    /** Clicks Connect on "orders", fills the form (database ferrydb, the given port) and connects. */
    void connect(String port) throws Exception {
        ui.click(CONNECT, "orders");
        DialogPane pane = ui.node("#connectDialog", DialogPane.class);
        @SuppressWarnings("unchecked")
        ComboBox<String> user = ui.node("#dbUserChoice", ComboBox.class);
        assertThat(fx(() -> List.copyOf(user.getItems()))).containsExactly(PostgresServer.TRUST_USER);
        assertThat(fx(user::getValue)).isEqualTo(PostgresServer.TRUST_USER);
        assertThat(fx(user::isEditable)).as("no role allows any user").isFalse();
        @SuppressWarnings("unchecked")
        ComboBox<String> name = ui.node("#dbNameChoice", ComboBox.class);
        assertThat(fx(name::isEditable)).as("db_names '*' allows free text").isTrue();
        ui.focus(fx(name::getEditor));
        ui.write(PostgresServer.DATABASE);
        TextField portField = ui.node("#portChoice", TextField.class);
        runFx(() -> portField.setText(port));
        ui.click(fx(() -> pane.lookupButton(ButtonType.OK)));
        until("the Connect dialog closed", () -> !ui.showing("#connectDialog"));
    }

    TunnelView view(Tunnel t) throws Exception {
        until("the tunnel's tab is open", () -> desktop.tunnelDocuments().view(t.id()).isPresent());
        return fx(() -> desktop.tunnelDocuments().view(t.id()).orElseThrow());
    }

    /** Connects on a free port and waits until the tab says Ready. */
    TunnelView connected() throws Exception {
        connect(String.valueOf(FreePorts.find()));
        Tunnel t = onlyTunnel(core);
        TunnelView view = view(t);
        waitForStatus(t, TunnelStatus.READY);
        until("the tab says Ready", () -> "Ready".equals(ui.textIn(view, "#tunnelStatus")));
        return view;
    }

    @Test
    void connectOpensTheTabWhoseStringsWorkWithJdbcAndPsql() throws Exception {
        int port = FreePorts.find();
        connect(String.valueOf(port));
        Tunnel t = onlyTunnel(core);
        TunnelView view = view(t);
        assertThat(fx(() -> desktop.documents().view().getSelectionModel().getSelectedItem().getId()))
                .isEqualTo(TunnelDocuments.TAB_PREFIX + t.id());
        waitForStatus(t, TunnelStatus.READY);
        until("the tab says Ready", () -> "Ready".equals(ui.textIn(view, "#tunnelStatus")));
        assertThat(ui.textIn(view, "#tunnelAddress")).isEqualTo("127.0.0.1:" + port);
        assertThat(ui.textIn(view, "#dbUser")).isEqualTo(PostgresServer.TRUST_USER);
        assertThat(ui.textIn(view, "#dbName")).isEqualTo(PostgresServer.DATABASE);
        assertThat(ui.textIn(view, "#dbAuth")).contains("no password");
        assertThat(ui.textIn(view, "#dbUpstream")).isEqualTo("localhost:" + pg.port() + " (TLS verify-full)");
        assertThat(ui.textIn(view, "#psqlCommand")).contains("port=" + port).contains("user=u_trust");
        assertThat(ui.textIn(view, "#redshiftJdbcUrl")).startsWith("jdbc:redshift://127.0.0.1:" + port + "/ferrydb");
        assertThat(ui.textIn(view, "#pgEnv")).contains("export PGPORT=\"" + port + "\"");

        // A real query through the JDBC URL the tab shows; and psql with the tab's command.
        assertThat(query(ui.textIn(view, "#postgresJdbcUrl"), "select current_user")).isEqualTo(PostgresServer.TRUST_USER);
        Process p = new ProcessBuilder("sh", "-c", ui.textIn(view, "#psqlCommand") + " -At -c 'select current_database()'")
                .redirectErrorStream(true).start();
        assertThat(new String(p.getInputStream().readAllBytes()).trim()).isEqualTo(PostgresServer.DATABASE);
        assertThat(p.waitFor()).isZero();
    }

    @Test
    void countersFollowTheConnections() throws Exception {
        TunnelView view = connected();
        String jdbc = ui.textIn(view, "#postgresJdbcUrl");
        assertThat(query(jdbc, "select 1")).isEqualTo("1");
        assertThat(query(jdbc, "select 2")).isEqualTo("2");
        // Polled while the tab is shown.
        until("two connections counted", () -> Integer.parseInt(ui.textIn(view, "#totalConnections")) >= 2);
        assertThat(ui.textIn(view, "#bytesFromClient")).isNotEqualTo("0 B");
        assertThat(ui.textIn(view, "#bytesToClient")).isNotEqualTo("0 B");
    }

    @Test
    void aNewPortEnteredInTheTabMovesTheListener() throws Exception {
        TunnelView view = connected();
        Tunnel t = onlyTunnel(core);
        int port = t.localAddress().getPort();
        int newPort = FreePorts.find();
        TextField portField = ui.nodeIn(view, "#tunnelPort", TextField.class);
        ui.focus(portField);
        runFx(portField::selectAll);
        ui.write(String.valueOf(newPort));
        ui.type(KeyCode.ENTER);
        Wait.until("the listener moved to " + newPort, () -> t.status() == TunnelStatus.READY && t.localAddress() != null
                && t.localAddress().getPort() == newPort);
        until("the tab shows the new port", () -> ui.textIn(view, "#postgresJdbcUrl").contains(":" + newPort + "/"));
        assertThat(accepts(port)).as("old port closed").isFalse();
        assertThat(query(ui.textIn(view, "#postgresJdbcUrl"), "select 40 + 2")).isEqualTo("42");
    }

    @Test
    void stopClosesTheTabFreesThePortAndForgetsTheTunnel() throws Exception {
        TunnelView view = connected();
        Tunnel t = onlyTunnel(core);
        int port = t.localAddress().getPort();
        ui.click(ui.nodeIn(view, "#stopTunnel", javafx.scene.Node.class));
        until("the tunnel stopped and its tab closed", () -> core.tunnels().tunnels().isEmpty()
                && desktop.documents().find(TunnelDocuments.TAB_PREFIX + t.id()).isEmpty());
        Wait.until("port " + port + " is free", () -> FreePorts.isFree(port));
        assertThat(core.tunnels().savedSpecs()).as("a stopped tunnel is forgotten").isEmpty();

        // ...but not lost: "Recent connections" reopens it with the same settings and port.
        String recent = "#recent-" + t.id();
        until("it is in Recent connections", () -> ui.find(recent).isPresent());
        assertThat(ui.text(recent)).isEqualTo("orders (" + PostgresServer.TRUST_USER + "@" + PostgresServer.DATABASE
                + ") · port " + port);
        ui.click(recent);
        Tunnel again = onlyTunnel(core);
        waitForStatus(again, TunnelStatus.READY);
        assertThat(again.localAddress().getPort()).isEqualTo(port);
        TunnelView reopened = view(again);
        assertThat(query(ui.textIn(reopened, "#postgresJdbcUrl"), "select current_user")).isEqualTo(PostgresServer.TRUST_USER);
        until("an open tunnel is not listed as recent", () -> ui.find(recent).isEmpty());
    }

    @Test
    void takenPortShowsTheErrorInTheTabOnlyAndKeepsItInTheHistory() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            connect(String.valueOf(taken.getLocalPort()));
            Tunnel t = onlyTunnel(core);
            TunnelView view = view(t);
            waitForStatus(t, TunnelStatus.FAILED);
            until("the tab says Failed", () -> "Failed".equals(ui.textIn(view, "#tunnelStatus")));
            atlantafx.base.controls.Message error = ui.nodeIn(view, "#tunnelError", atlantafx.base.controls.Message.class);
            assertThat(fx(error::isVisible)).isTrue();
            assertThat(fx(error::getDescription)).contains("Port " + taken.getLocalPort()).contains("already in use");
            assertThat(ui.find("#dbUpstream")).as("no empty Upstream row on a tab that never started").isEmpty();
            assertThat(ui.find("#dbAuth")).as("no empty Authentication row").isEmpty();
            until("the error is in the notification history", () -> fx(() -> desktop.notifications().history().stream()
                    .anyMatch(n -> n.level() == Notifications.Level.ERROR && n.title().startsWith("Could not start orders")
                            && n.message().contains("already in use"))));
            assertThat(ui.notesSeen()).as("one place per error: the tab, not a toast as well")
                    .noneMatch(n -> n.title().startsWith("Could not start orders"));

            // Fix it in the tab: an empty port picks a free one.
            TextField portField = ui.nodeIn(view, "#tunnelPort", TextField.class);
            ui.focus(portField);
            runFx(portField::clear);
            ui.type(KeyCode.ENTER);
            waitForStatus(t, TunnelStatus.READY);
            assertThat(t.localAddress().getPort()).isNotEqualTo(taken.getLocalPort());
            until("the error is gone", () -> !error.isVisible());
            until("the Upstream row is shown once it serves", () -> ui.find("#dbUpstream").isPresent());
            assertThat(ui.textIn(view, "#dbAuth")).isNotEmpty();
            assertThat(query(ui.textIn(view, "#postgresJdbcUrl"), "select current_user")).isEqualTo(PostgresServer.TRUST_USER);
        }
    }

    @Test
    void settingsChooseTheDbeaverWorkspaceAndOpenInDbeaverWritesTheConnectionThere() throws Exception {
        Path dbeaverWs = dir.resolve("my-dbeaver/workspace6");
        // Settings: DBeaver's workspace, tunnels at start, tray, Athena — all saved.
        ui.click("#settingsButton");
        DialogPane settings = ui.node("#settingsDialog", DialogPane.class);
        TextField dbeaver = ui.node("#dbeaverWorkspace", TextField.class);
        TextField workgroup = ui.node("#athenaWorkgroup", TextField.class);
        javafx.scene.control.CheckBox tray = ui.node("#closeToTray", javafx.scene.control.CheckBox.class);
        @SuppressWarnings("unchecked")
        ComboBox<dev.ferry.app.settings.Settings.RestoreTunnels> restore = ui.node("#restoreChoice", ComboBox.class);
        runFx(() -> {
            dbeaver.setText(dbeaverWs.toString());
            workgroup.setText("analysts");
            tray.setSelected(false);
            restore.setValue(dev.ferry.app.settings.Settings.RestoreTunnels.ASK);
        });
        ui.click(fx(() -> settings.lookupButton(ButtonType.OK)));
        Wait.until("the settings are saved", () -> dbeaverWs.toString().equals(core.settings().get().dbeaverWorkspace));
        dev.ferry.app.settings.Settings saved = core.settings().get();
        assertThat(saved.athenaWorkgroup).isEqualTo("analysts");
        assertThat(saved.closeToTray).isFalse();
        assertThat(saved.restoreTunnels).isEqualTo(dev.ferry.app.settings.Settings.RestoreTunnels.ASK);

        TunnelView view = connected();
        Tunnel t = onlyTunnel(core);
        ui.click(ui.nodeIn(view, "#openInDbeaver", javafx.scene.Node.class));
        Path file = dev.ferry.app.integrations.DBeaverSetup.dataSourcesFile(dbeaverWs);
        Wait.until("DBeaver's data-sources.json is written", () -> java.nio.file.Files.exists(file));
        com.fasterxml.jackson.databind.JsonNode conn = new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile())
                .get("connections").elements().next();
        assertThat(conn.get("folder").asText()).isEqualTo("Ferry");
        assertThat(conn.get("configuration").get("port").asText()).isEqualTo(String.valueOf(t.localAddress().getPort()));
        assertThat(conn.get("configuration").get("user").asText()).isEqualTo(PostgresServer.TRUST_USER);
        // DBeaver is not installed on this machine: the note says so and where the connection went.
        until("the DBeaver note", () -> ui.notesSeen().stream().anyMatch(n -> n.title().equals("DBeaver not found")));
        assertThat(ui.notesSeen()).filteredOn(n -> n.title().equals("DBeaver not found")).singleElement()
                .satisfies(n -> assertThat(n.message()).contains("DBeaver was not found").contains(file.toString()));
        assertThat(ui.notesSeen()).noneMatch(n -> n.title().equals("Added to DBeaver"));
        // And the JDBC URL DBeaver will use really works.
        assertThat(query(conn.get("configuration").get("url").asText(), "select current_database()")).isEqualTo(PostgresServer.DATABASE);
    }
}
