package dev.ferry.ui.tray;

import dev.ferry.app.FerryCore;
import dev.ferry.tunnel.testsupport.MotoServer;
import dev.ferry.app.testsupport.TestWorkspaces;
import dev.ferry.app.tunnels.Tunnel;
import dev.ferry.app.tunnels.TunnelSpec;
import dev.ferry.app.tunnels.TunnelStatus;
import dev.ferry.tunnel.testsupport.PostgresServer;
import dev.ferry.ui.FerryDesktop;
import dev.ferry.ui.tunnels.TunnelFixtures;
import javafx.scene.control.ButtonType;
import javafx.scene.control.DialogPane;
import javafx.scene.input.Clipboard;
import javafx.stage.Stage;
import javafx.stage.WindowEvent;
import org.junit.jupiter.api.AfterAll;
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
import org.testfx.util.WaitForAsyncUtils;

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

import static dev.ferry.ui.tunnels.TunnelFixtures.fx;
import static dev.ferry.ui.tunnels.TunnelFixtures.isFree;
import static dev.ferry.ui.tunnels.TunnelFixtures.waitForStatus;
import static dev.ferry.ui.tunnels.TunnelFixtures.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real AWT tray icon under Xvfb with a real tray host (trayer): its menu follows tunnels
 * starting and stopping, its items act on them, closing the window keeps Ferry in the tray,
 * and Quit (after confirmation) stops every tunnel and remembers them for the next start.
 */
@ExtendWith(ApplicationExtension.class)
class TrayTest {
    @RegisterExtension
    static MotoServer moto = new MotoServer();
    static PostgresServer pg;
    static Process trayer;

    @TempDir
    Path dir;
    Path workspaceFile;
    FerryCore core;
    FerryDesktop desktop;
    Stage stage;
    final AtomicInteger exits = new AtomicInteger();

    @BeforeAll
    static void startTrayHost() throws Exception {
        pg = PostgresServer.shared();
        String display = System.getenv("DISPLAY");
        assertThat(display).as("run under xvfb-run: the tray needs an X display").isNotBlank();
        trayer = new ProcessBuilder("trayer", "--edge", "top", "--align", "right", "--widthtype", "request",
                "--height", "24", "--SetDockType", "true", "--expand", "true", "--transparent", "false")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, SystemTrayIcon::isSupported);
    }

    @AfterAll
    static void stopTrayHost() throws Exception {
        if (trayer != null) {
            trayer.destroy();
            trayer.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Start
    void start(Stage stage) throws Exception {
        this.stage = stage;
        workspaceFile = TunnelFixtures.workspace(dir, pg);
        core = new FerryCore(TestWorkspaces.motoEnv(dir, moto.endpoint()).with("FERRY_WORKSPACE_FILE", workspaceFile.toString()), url -> { });
        desktop = new FerryDesktop(core, stage);
        desktop.onExit(exits::incrementAndGet);
        desktop.enableTray();
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
        waitUntil(() -> SystemTray.getSystemTray().getTrayIcons().length == 0);
    }

    SystemTrayIcon icon() throws Exception {
        waitUntil(() -> desktop.trayIcon().isPresent());
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
        Tunnel t = core.tunnels().open(spec).get(60, TimeUnit.SECONDS);
        waitForStatus(t, TunnelStatus.READY);
        return t;
    }

    @Test
    void theMenuFollowsTunnelsAndItsItemsActOnThem() throws Exception {
        SystemTrayIcon icon = icon();
        waitUntil(() -> awtLabels(icon).contains("No tunnels running"));
        assertThat(awtLabels(icon)).endsWith(TrayMenuModel.OPEN, TrayMenuModel.QUIT);
        assertThat(icon.showsRunning()).isFalse();

        Tunnel t = openDatabase(PostgresServer.DATABASE);
        String address = "127.0.0.1:" + t.localAddress().getPort();
        String title = t.spec().title();
        waitUntil(() -> awtLabels(icon).contains("1 tunnel running"));
        List<String> labels = awtLabels(icon);
        String submenu = labels.stream().filter(l -> l.startsWith(title + " — ") && !l.contains(" > ")).findFirst().orElseThrow();
        assertThat(submenu).contains(address).endsWith("Ready");
        assertThat(labels).contains(submenu + " > " + TrayMenuModel.COPY, submenu + " > " + TrayMenuModel.DBEAVER,
                submenu + " > " + TrayMenuModel.STOP);
        waitUntil(icon::showsRunning);
        EventQueue.invokeAndWait(() -> assertThat(icon.trayIcon().getToolTip()).isEqualTo("Ferry: 1 tunnel running"));

        // Copy address puts the address on the clipboard.
        fx(() -> {
            Clipboard.getSystemClipboard().clear();
            return null;
        });
        click(icon, title, TrayMenuModel.COPY);
        waitUntil(() -> address.equals(Clipboard.getSystemClipboard().getString()));

        // Stop from the tray: the tunnel ends, its port is free, the menu and the icon follow.
        int port = t.localAddress().getPort();
        click(icon, title, TrayMenuModel.STOP);
        waitUntil(() -> core.tunnels().tunnels().isEmpty());
        waitUntil(() -> isFree(port));
        waitUntil(() -> awtLabels(icon).contains("No tunnels running"));
        waitUntil(() -> !icon.showsRunning());
    }

    @Test
    void closingTheWindowKeepsTunnelsInTheTrayAndQuitStopsThemAfterConfirmation(FxRobot robot) throws Exception {
        SystemTrayIcon icon = icon();
        Tunnel a = openDatabase(PostgresServer.DATABASE);
        Tunnel b = openDatabase("postgres");
        waitUntil(() -> awtLabels(icon).contains("2 tunnels running"));
        int portA = a.localAddress().getPort();
        int portB = b.localAddress().getPort();

        // Close the window: Ferry stays in the tray, the tunnels keep running.
        fx(() -> {
            stage.fireEvent(new WindowEvent(stage, WindowEvent.WINDOW_CLOSE_REQUEST));
            return null;
        });
        waitUntil(() -> !stage.isShowing());
        assertThat(exits.get()).isZero();
        assertThat(a.status()).isEqualTo(TunnelStatus.READY);
        assertThat(TunnelFixtures.accepts(portA)).isTrue();

        // Open Ferry from the tray brings the window back.
        click(icon, null, TrayMenuModel.OPEN);
        waitUntil(stage::isShowing);
        // Shown again, the window asks for the tray again (FerryApp does so on every WINDOW_SHOWN): still one icon.
        fx(() -> {
            desktop.enableTray();
            return null;
        });
        assertThat(desktop.trayIcon()).containsSame(icon);
        assertThat(SystemTray.getSystemTray().getTrayIcons()).hasSize(1);

        // Quit asks first; Cancel keeps everything running.
        click(icon, null, TrayMenuModel.QUIT);
        waitUntil(() -> robot.lookup("#quitDialog").tryQuery().isPresent());
        DialogPane ask = fx(() -> robot.lookup("#quitDialog").queryAs(DialogPane.class));
        assertThat(fx(ask::getContentText)).contains("2 running tunnels");
        robot.clickOn(fx(() -> ask.lookupButton(ButtonType.CANCEL)));
        waitUntil(() -> robot.lookup("#quitDialog").tryQuery().isEmpty());
        assertThat(core.tunnels().tunnels()).hasSize(2);
        assertThat(exits.get()).isZero();

        // Quit, confirmed: every tunnel stops, Ferry exits, and both are remembered for the next start.
        click(icon, null, TrayMenuModel.QUIT);
        waitUntil(() -> robot.lookup("#quitDialog").tryQuery().isPresent());
        DialogPane confirm = fx(() -> robot.lookup("#quitDialog").queryAs(DialogPane.class));
        robot.clickOn(fx(() -> confirm.lookupButton(ButtonType.OK)));
        waitUntil(() -> exits.get() == 1);
        waitUntil(() -> isFree(portA) && isFree(portB));
        assertThat(core.tunnels().savedSpecs()).extracting(TunnelSpec::port).containsExactlyInAnyOrder(portA, portB);
    }
}
