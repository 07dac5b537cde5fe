package dev.ferry.ui.tray;

import dev.ferry.app.FerryCore;
import dev.ferry.app.testsupport.TestWorkspaces;
import dev.ferry.app.tunnels.Tunnel;
import dev.ferry.app.tunnels.TunnelSpec;
import dev.ferry.app.tunnels.TunnelStatus;
import dev.ferry.tunnel.testsupport.FreePorts;
import dev.ferry.tunnel.testsupport.MotoServer;
import dev.ferry.tunnel.testsupport.PostgresServer;
import dev.ferry.tunnel.testsupport.Wait;
import dev.ferry.ui.FerryDesktop;
import dev.ferry.ui.testing.DesktopFixture;
import dev.ferry.ui.testing.X11Desktop;
import dev.ferry.ui.tunnels.TunnelFixtures;
import javafx.scene.control.ButtonType;
import javafx.scene.control.DialogPane;
import javafx.scene.input.Clipboard;
import javafx.stage.Stage;
import javafx.stage.WindowEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.awt.EventQueue;
import java.awt.Menu;
import java.awt.MenuItem;
import java.awt.PopupMenu;
import java.awt.SystemTray;
import java.awt.event.ActionEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.ferry.ui.testing.DesktopFixture.fx;
import static dev.ferry.ui.testing.DesktopFixture.runFx;
import static dev.ferry.ui.testing.DesktopFixture.until;
import static dev.ferry.ui.testing.DesktopFixture.waitForStatus;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real AWT tray icon under Xvfb with a real tray host (trayer): its menu follows tunnels
 * starting and stopping, its items act on them, closing the window keeps Ferry in the tray,
 * and Quit (after confirmation) stops every tunnel and remembers them for the next start.
 */
class TrayTest {
    @RegisterExtension
    static MotoServer moto = new MotoServer();
    static PostgresServer pg;
    @RegisterExtension
    final DesktopFixture ui = new DesktopFixture();

    @TempDir
    Path dir;
    Path workspaceFile;
    FerryCore core;
    FerryDesktop desktop;
    Stage stage;
    final AtomicInteger exits = new AtomicInteger();

    @BeforeAll
    static void trayHost() throws Exception {
        pg = PostgresServer.shared();
        X11Desktop.display();
        X11Desktop.ensureTrayHost(SystemTrayIcon::isSupported);
    }

    @BeforeEach
    void start() throws Exception {
        workspaceFile = TunnelFixtures.workspace(dir, pg);
        desktop = ui.launch(TestWorkspaces.motoEnv(dir, moto.endpoint()).with("FERRY_WORKSPACE_FILE", workspaceFile.toString()),
                url -> { }, d -> {
                    d.onExit(exits::incrementAndGet);
                    d.enableTray();
                });
        core = ui.core();
        stage = ui.stage();
    }

    @AfterEach
    void closingTheDesktopRemovesItsIcon() throws Exception {
        ui.closeDesktop();
        Wait.until("no tray icon is left", () -> SystemTray.getSystemTray().getTrayIcons().length == 0);
    }

    SystemTrayIcon icon() throws Exception {
        until(() -> desktop.trayIcon().isPresent());
        SystemTrayIcon icon = desktop.trayIcon().orElseThrow();
        assertThat(List.of(SystemTray.getSystemTray().getTrayIcons())).contains(icon.trayIcon());
        return icon;
    }

    /** The labels of the AWT popup as shown ("Menu > item" for submenu items), read on the AWT thread. */
    static List<String> awtLabels(SystemTrayIcon icon) throws Exception {
        List<String> out = new ArrayList<>();
        EventQueue.invokeAndWait(() -> {
            PopupMenu popup = icon.trayIcon().getPopupMenu();
            for (int i = 0; i < popup.getItemCount(); i++) {
                MenuItem item = popup.getItem(i);
                out.add(item.getLabel());
                if (item instanceof Menu m) {
                    for (int j = 0; j < m.getItemCount(); j++) {
                        out.add(m.getLabel() + " > " + m.getItem(j).getLabel());
                    }
                }
            }
        });
        return out;
    }

    /** Clicks an AWT menu item the way AWT does: its action listeners on the AWT thread. */
    static void click(SystemTrayIcon icon, String submenu, String label) throws Exception {
        EventQueue.invokeAndWait(() -> {
            PopupMenu popup = icon.trayIcon().getPopupMenu();
            MenuItem target = null;
            for (int i = 0; i < popup.getItemCount(); i++) {
                MenuItem item = popup.getItem(i);
                if (submenu == null && item.getLabel().equals(label)) {
                    target = item;
                } else if (submenu != null && item instanceof Menu m && m.getLabel().startsWith(submenu)) {
                    for (int j = 0; j < m.getItemCount(); j++) {
                        if (m.getItem(j).getLabel().equals(label)) {
                            target = m.getItem(j);
                        }
                    }
                }
            }
            assertThat(target).as("menu item " + label).isNotNull();
            assertThat(target.isEnabled()).isTrue();
            for (var l : target.getActionListeners()) {
                l.actionPerformed(new ActionEvent(target, ActionEvent.ACTION_PERFORMED, label));
            }
        });
    }

    Tunnel openDatabase(String dbName) throws Exception {
        TunnelSpec spec = TunnelSpec.database(workspaceFile.toString(), "orders", PostgresServer.TRUST_USER, dbName, 0);
        Tunnel t = core.tunnels().open(spec).get(Wait.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        waitForStatus(t, TunnelStatus.READY);
        return t;
    }

    @Test
    void theMenuFollowsTunnelsAndItsItemsActOnThem() throws Exception {
        SystemTrayIcon icon = icon();
        until(() -> awtLabels(icon).contains("No tunnels running"));
        assertThat(awtLabels(icon)).endsWith(TrayMenuModel.OPEN, TrayMenuModel.QUIT);
        assertThat(icon.showsRunning()).isFalse();

        Tunnel t = openDatabase(PostgresServer.DATABASE);
        String address = "127.0.0.1:" + t.localAddress().getPort();
        String title = t.spec().title();
        until(() -> awtLabels(icon).contains("1 tunnel running"));
        List<String> labels = awtLabels(icon);
        String submenu = labels.stream().filter(l -> l.startsWith(title + " — ") && !l.contains(" > ")).findFirst().orElseThrow();
        assertThat(submenu).contains(address).endsWith("Ready");
        assertThat(labels).contains(submenu + " > " + TrayMenuModel.COPY, submenu + " > " + TrayMenuModel.DBEAVER,
                submenu + " > " + TrayMenuModel.STOP);
        until(icon::showsRunning);
        EventQueue.invokeAndWait(() -> assertThat(icon.trayIcon().getToolTip()).isEqualTo("Ferry: 1 tunnel running"));

        // Copy address puts the address on the clipboard.
        runFx(() -> Clipboard.getSystemClipboard().clear());
        click(icon, title, TrayMenuModel.COPY);
        until(() -> address.equals(Clipboard.getSystemClipboard().getString()));

        // Stop from the tray: the tunnel ends, its port is free, the menu and the icon follow.
        int port = t.localAddress().getPort();
        click(icon, title, TrayMenuModel.STOP);
        until(() -> core.tunnels().tunnels().isEmpty());
        Wait.until("port " + port + " is free", () -> FreePorts.isFree(port));
        until(() -> awtLabels(icon).contains("No tunnels running"));
        until(() -> !icon.showsRunning());
    }

    /** Two database tunnels, both Ready and in the tray menu. */
    Tunnel[] twoTunnels(SystemTrayIcon icon) throws Exception {
        Tunnel a = openDatabase(PostgresServer.DATABASE);
        Tunnel b = openDatabase("postgres");
        Wait.until("the menu counts 2 tunnels", () -> awtLabels(icon).contains("2 tunnels running"));
        return new Tunnel[]{a, b};
    }

    /** Clicks Quit in the tray menu and answers the question with {@code answer}. */
    void quitFromTheTray(SystemTrayIcon icon, ButtonType answer) throws Exception {
        click(icon, null, TrayMenuModel.QUIT);
        DialogPane ask = ui.node("#quitDialog", DialogPane.class);
        assertThat(fx(ask::getContentText)).contains("2 running tunnels");
        ui.click(fx(() -> ask.lookupButton(answer)));
        until("the question closed", () -> !ui.showing("#quitDialog"));
    }

    /** What the workspace drop-down shows (its button cell). */
    String pickerText() throws Exception {
        return DesktopFixture.fx(() -> {
            javafx.scene.control.ComboBox<?> picker = (javafx.scene.control.ComboBox<?>) stage.getScene().lookup("#workspacePicker");
            javafx.scene.control.ListCell<?> cell = picker.getButtonCell();
            return cell == null || cell.getText() == null ? "" : cell.getText();
        });
    }

    @Test
    void closingTheWindowKeepsTunnelsInTheTrayAndOpenBringsItBack() throws Exception {
        SystemTrayIcon icon = icon();
        Tunnel[] t = twoTunnels(icon);
        int portA = t[0].localAddress().getPort();

        // Close the window: Ferry stays in the tray, the tunnels keep running.
        runFx(() -> stage.fireEvent(new WindowEvent(stage, WindowEvent.WINDOW_CLOSE_REQUEST)));
        until("the window is hidden", () -> !stage.isShowing());
        assertThat(exits.get()).isZero();
        assertThat(t[0].status()).isEqualTo(TunnelStatus.READY);
        assertThat(TunnelFixtures.accepts(portA)).isTrue();

        // Open Ferry from the tray brings the window back.
        String before = pickerText();
        assertThat(before).isNotBlank();
        click(icon, null, TrayMenuModel.OPEN);
        until("the window is back", stage::isShowing);
        DesktopFixture.waitForPulse();
        assertThat(pickerText()).as("the workspace drop-down still names the workspace").isEqualTo(before);
        // Shown again, the window asks for the tray again (FerryApp does so on every WINDOW_SHOWN): still one icon.
        runFx(desktop::enableTray);
        assertThat(desktop.trayIcon()).containsSame(icon);
        assertThat(SystemTray.getSystemTray().getTrayIcons()).hasSize(1);
    }

    @Test
    void quitAsksFirstAndCancelKeepsEverythingRunning() throws Exception {
        SystemTrayIcon icon = icon();
        twoTunnels(icon);
        quitFromTheTray(icon, ButtonType.CANCEL);
        assertThat(core.tunnels().tunnels()).hasSize(2).allMatch(x -> x.status() == TunnelStatus.READY);
        assertThat(exits.get()).isZero();
    }

    @Test
    void quitConfirmedStopsEveryTunnelExitsAndRemembersThemForTheNextStart() throws Exception {
        SystemTrayIcon icon = icon();
        Tunnel[] t = twoTunnels(icon);
        int portA = t[0].localAddress().getPort();
        int portB = t[1].localAddress().getPort();
        quitFromTheTray(icon, ButtonType.OK);
        Wait.until("Ferry exited", () -> exits.get() == 1);
        Wait.until("both ports are free", () -> FreePorts.isFree(portA) && FreePorts.isFree(portB));
        assertThat(core.tunnels().savedSpecs()).extracting(TunnelSpec::port).containsExactlyInAnyOrder(portA, portB);
    }
}
