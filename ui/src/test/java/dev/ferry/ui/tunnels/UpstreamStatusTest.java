package dev.ferry.ui.tunnels;

import dev.ferry.app.FerryCore;
import dev.ferry.app.testsupport.TestWorkspaces;
import dev.ferry.app.tunnels.Tunnel;
import dev.ferry.app.tunnels.TunnelStatus;
import dev.ferry.tunnel.db.TunnelFailure;
import dev.ferry.tunnel.testsupport.FreePorts;
import dev.ferry.tunnel.testsupport.MotoServer;
import dev.ferry.tunnel.testsupport.PostgresServer;
import dev.ferry.ui.FerryDesktop;
import dev.ferry.ui.testing.DesktopFixture;
import dev.ferry.ui.tray.TrayMenuModel;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ComboBox;
import javafx.scene.control.DialogPane;
import javafx.scene.control.TextField;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.SQLException;

import static dev.ferry.ui.resources.ResourceListView.RowPart.CONNECT;
import static dev.ferry.ui.testing.DesktopFixture.fx;
import static dev.ferry.ui.testing.DesktopFixture.runFx;
import static dev.ferry.ui.testing.DesktopFixture.until;
import static dev.ferry.ui.testing.DesktopFixture.waitForStatus;
import static dev.ferry.ui.tunnels.TunnelFixtures.accepts;
import static dev.ferry.ui.tunnels.TunnelFixtures.onlyTunnel;
import static dev.ferry.ui.tunnels.TunnelFixtures.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A database tunnel whose database is down: it listens, but the tab, the tray menu and the tray
 * icon say that its database cannot be reached (from the tunnel layer's typed upstream result),
 * and all of it clears once a client gets through again. The database "comes back" as a socat
 * relay to the real PostgreSQL 15 on the port the workspace names, which nothing served before.
 */
class UpstreamStatusTest {
    @RegisterExtension
    static MotoServer moto = new MotoServer();
    @RegisterExtension
    final DesktopFixture ui = new DesktopFixture();

    @TempDir
    Path dir;
    PostgresServer pg;
    FerryCore core;
    FerryDesktop desktop;
    int dbPort;
    Process relay;

    @BeforeEach
    void start() throws Exception {
        pg = PostgresServer.shared();
        dbPort = FreePorts.find();
        Path ws = TunnelFixtures.workspace(dir, pg, dbPort);
        desktop = ui.launch(TestWorkspaces.motoEnv(dir, moto.endpoint()).with("FERRY_WORKSPACE_FILE", ws.toString()));
        core = ui.core();
    }

    @AfterEach
    void stopRelay() throws Exception {
        if (relay != null) {
            relay.destroy();
            relay.waitFor();
        }
    }

    TunnelView connected() throws Exception {
        ui.click(CONNECT, "orders");
        DialogPane pane = ui.node("#connectDialog", DialogPane.class);
        @SuppressWarnings("unchecked")
        ComboBox<String> name = ui.node("#dbNameChoice", ComboBox.class);
        ui.focus(fx(name::getEditor));
        ui.write(PostgresServer.DATABASE);
        TextField portField = ui.node("#portChoice", TextField.class);
        runFx(() -> portField.setText(String.valueOf(FreePorts.find())));
        ui.click(fx(() -> pane.lookupButton(ButtonType.OK)));
        until("the Connect dialog closed", () -> !ui.showing("#connectDialog"));
        Tunnel t = onlyTunnel(core);
        waitForStatus(t, TunnelStatus.READY);
        until("the tab is open", () -> desktop.tunnelDocuments().view(t.id()).isPresent());
        return fx(() -> desktop.tunnelDocuments().view(t.id()).orElseThrow());
    }

    @Test
    void aDownDatabaseShowsUnreachableInTheTabAndTrayAndClearsWhenItComesBack() throws Exception {
        TunnelView view = connected();
        Tunnel t = view.tunnel();
        String jdbc = ui.textIn(view, "#postgresJdbcUrl");
        until("the tab says Ready", () -> "Ready".equals(ui.textIn(view, "#tunnelStatus")));
        assertThat(ui.find("#tunnelUpstream", DesktopFixture::shown)).as("no upstream result before a client").isEmpty();

        // The database is down: a JDBC client is refused by the tunnel with the reason.
        assertThatThrownBy(() -> query(jdbc, "select 1")).isInstanceOf(SQLException.class)
                .hasMessageContaining("upstream unreachable");
        until("the tab says the database cannot be reached",
                () -> ui.textIn(view, "#tunnelUpstream").matches("upstream unreachable since \\d\\d:\\d\\d:\\d\\d: connection refused"));
        assertThat(ui.textIn(view, "#tunnelStatus")).isEqualTo("Listening");
        assertThat(t.upstream()).get().extracting(r -> r.reason()).isEqualTo(TunnelFailure.Reason.UNREACHABLE);
        TrayMenuModel.Menu menu = desktop.trayModel().menu();
        assertThat(menu.tunnelsFailing()).isTrue();
        assertThat(menu.tooltip()).contains("1 failing");
        assertThat(menu.tunnelItems()).singleElement().extracting(TrayMenuModel.Item::label).asString()
                .contains("Listening · upstream unreachable since");
        String since = ui.textIn(view, "#tunnelUpstream");
        assertThatThrownBy(() -> query(jdbc, "select 1")).isInstanceOf(SQLException.class);
        assertThat(ui.textIn(view, "#tunnelUpstream")).as("a run of failures keeps its first time").isEqualTo(since);

        // The database is back on its address: the next client gets through and the states clear.
        relay = new ProcessBuilder("socat", "TCP-LISTEN:" + dbPort + ",bind=127.0.0.1,reuseaddr,fork",
                "TCP:127.0.0.1:" + pg.port()).redirectErrorStream(true).start();
        until("the relay listens", () -> accepts(dbPort));
        assertThat(query(jdbc, "select 41 + 1")).isEqualTo("42");
        until("the tab says the upstream is OK", () -> "upstream OK".equals(ui.textIn(view, "#tunnelUpstream")));
        assertThat(ui.textIn(view, "#tunnelStatus")).isEqualTo("Ready");
        assertThat(ui.find("#lastError", DesktopFixture::shown)).as("the failure's last error went").isEmpty();
        menu = desktop.trayModel().menu();
        assertThat(menu.tunnelsFailing()).isFalse();
        assertThat(menu.tooltip()).doesNotContain("failing");
        assertThat(menu.tunnelItems()).singleElement().extracting(TrayMenuModel.Item::label).asString().endsWith("· Ready");
    }
}
