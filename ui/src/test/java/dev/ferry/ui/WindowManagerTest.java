package dev.ferry.ui;

import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.settings.FerryPaths;
import dev.ferry.app.testsupport.TestWorkspaces;
import dev.ferry.app.tunnels.Tunnel;
import dev.ferry.app.tunnels.TunnelSpec;
import dev.ferry.app.tunnels.TunnelStatus;
import dev.ferry.tunnel.testsupport.MotoServer;
import dev.ferry.tunnel.testsupport.PostgresServer;
import dev.ferry.tunnel.testsupport.Wait;
import dev.ferry.ui.testing.DesktopFixture;
import dev.ferry.ui.testing.X11Desktop;
import dev.ferry.ui.tunnels.TunnelFixtures;
import dev.ferry.ui.tunnels.TunnelView;
import javafx.geometry.Bounds;
import javafx.geometry.Rectangle2D;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.ButtonBase;
import javafx.scene.control.ButtonType;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Labeled;
import javafx.scene.text.Text;
import javafx.stage.Screen;
import javafx.stage.Stage;
import javafx.stage.StageStyle;
import javafx.stage.Window;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.ferry.ui.resources.ResourceListView.RowPart.CONNECT;
import static dev.ferry.ui.testing.DesktopFixture.fx;
import static dev.ferry.ui.testing.DesktopFixture.until;
import static dev.ferry.ui.testing.DesktopFixture.waitForPulse;
import static dev.ferry.ui.testing.DesktopFixture.waitForStatus;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The desktop under a real window manager (Openbox, started by the fixture when none runs):
 * the main window opens at the saved or default size and position and stays there; a saved
 * position on a monitor that is gone comes back on screen; every dialog is owned by the main
 * window, decorated by the window manager, centred on the window and shown whole (no label
 * elided at the dialog's size); at its minimum size the main window shows every button, filter
 * and label chip readable.
 */
class WindowManagerTest {
    @RegisterExtension
    static MotoServer moto = new MotoServer();
    @RegisterExtension
    final DesktopFixture ui = new DesktopFixture();

    @TempDir
    Path dir;
    FerryEnvironment env;
    Path workspaceFile;

    @BeforeAll
    static void aWindowManagerRuns() throws Exception {
        X11Desktop.ensureWindowManager();
    }

    @BeforeEach
    void setUp() throws Exception {
        workspaceFile = TunnelFixtures.workspace(dir, PostgresServer.shared());
        env = TestWorkspaces.motoEnv(dir, moto.endpoint()).with("FERRY_WORKSPACE_FILE", workspaceFile.toString());
    }

    void saveWindowState(String json) throws Exception {
        Path state = FerryPaths.of(env).stateDir().resolve("ui-state.json");
        Files.createDirectories(state.getParent());
        Files.writeString(state, json);
    }

    static Rectangle2D bounds(Window w) throws Exception {
        return fx(() -> new Rectangle2D(w.getX(), w.getY(), w.getWidth(), w.getHeight()));
    }

    /** Waits until the window has {@code expected} bounds, then checks that it keeps them. */
    static void settlesAt(Window w, Rectangle2D expected) throws Exception {
        until("the window is at " + expected, () -> near(bounds(w), expected));
        for (int i = 0; i < 5; i++) {
            waitForPulse();
        }
        Thread.sleep(300); // a late move or resize by the window manager would show by now
        assertThat(bounds(w)).as("still where it was put").matches(b -> near(b, expected), String.valueOf(expected));
    }

    static boolean near(Rectangle2D a, Rectangle2D b) {
        return Math.abs(a.getMinX() - b.getMinX()) <= 1 && Math.abs(a.getMinY() - b.getMinY()) <= 1
                && Math.abs(a.getWidth() - b.getWidth()) <= 1 && Math.abs(a.getHeight() - b.getHeight()) <= 1;
    }

    // ---- the main window ---------------------------------------------------------------------

    @Test
    void theWindowOpensAtTheSavedSizeAndPosition() throws Exception {
        saveWindowState("{\"x\": 140, \"y\": 90, \"width\": 1000, \"height\": 640}");
        ui.launch(env);
        settlesAt(ui.stage(), new Rectangle2D(140, 90, 1000, 640));
        assertThat(fx(() -> ui.stage().getScene().getHeight())).as("the frame is the window manager's").isLessThan(640);
    }

    @Test
    void aFreshProfileOpensAtTheDefaultSizeCentred() throws Exception {
        ui.launch(env);
        Rectangle2D screen = fx(() -> Screen.getPrimary().getVisualBounds());
        double w = Math.min(1100, screen.getWidth());
        double h = Math.min(720, screen.getHeight());
        settlesAt(ui.stage(), new Rectangle2D(Math.round(screen.getMinX() + (screen.getWidth() - w) / 2),
                Math.round(screen.getMinY() + (screen.getHeight() - h) / 2), w, h));
    }

    @Test
    void aPositionOnAMonitorThatIsGoneComesBackOnScreenAtTheSavedSize() throws Exception {
        saveWindowState("{\"x\": 6000, \"y\": 4000, \"width\": 900, \"height\": 600}");
        ui.launch(env);
        Rectangle2D screen = fx(() -> Screen.getPrimary().getVisualBounds());
        settlesAt(ui.stage(), new Rectangle2D(Math.round(screen.getMinX() + (screen.getWidth() - 900) / 2),
                Math.round(screen.getMinY() + (screen.getHeight() - 600) / 2), 900, 600));
    }

    @Test
    void theSizeTheUserLeftItAtIsSavedOnClose() throws Exception {
        ui.launch(env);
        Stage stage = ui.stage();
        DesktopFixture.runFx(() -> {
            stage.setWidth(980);
            stage.setHeight(610);
        });
        until("the window manager resized it", () -> stage.getWidth() == 980 && stage.getHeight() == 610);
        DesktopFixture.runFx(stage::hide);
        String saved = Files.readString(FerryPaths.of(env).stateDir().resolve("ui-state.json"));
        assertThat(saved).contains("\"width\" : 980.0").contains("\"height\" : 610.0");
    }

    // ---- dialogs -------------------------------------------------------------------------------

    /**
     * The dialog showing {@code paneId}: owned by the main window, decorated (the window manager
     * framed it, its title bar on screen), centred on the main window, at least its content's
     * size, and no label in it elided.
     */
    void checkDialog(String paneId) throws Exception {
        DialogPane pane = ui.node(paneId, DialogPane.class);
        Window dialog = fx(() -> pane.getScene().getWindow());
        Stage main = ui.stage();
        until(paneId + " is placed: " + describe(dialog, pane), () -> placedWell(dialog, pane, main));
        waitForPulse();
        Thread.sleep(300);
        assertThat(fx(() -> placedWell(dialog, pane, main))).as(paneId + " stays placed: " + describe(dialog, pane)).isTrue();
        assertThat(fx(() -> ((Stage) dialog).getOwner())).as(paneId + " owner").isSameAs(main);
        assertThat(fx(() -> ((Stage) dialog).getStyle())).isEqualTo(StageStyle.DECORATED);
        assertThat(fx(() -> dialog.getHeight() - dialog.getScene().getHeight())).as(paneId + " has a title bar").isGreaterThan(10);
        assertThat(elided(pane)).as(paneId + ": labels elided at the dialog's size").isEmpty();
    }

    static String describe(Window d, DialogPane p) throws Exception {
        return fx(() -> "dialog " + d.getX() + "," + d.getY() + " " + d.getWidth() + "x" + d.getHeight() + ", content "
                + p.getWidth() + "x" + p.getHeight() + " of " + p.prefWidth(-1) + "x" + p.prefHeight(p.prefWidth(-1)));
    }

    static boolean placedWell(Window dialog, DialogPane pane, Window owner) {
        double prefW = pane.prefWidth(-1);
        double prefH = pane.prefHeight(prefW);
        boolean whole = pane.getWidth() >= prefW - 1 && pane.getHeight() >= prefH - 1;
        double dx = (dialog.getX() + dialog.getWidth() / 2) - (owner.getX() + owner.getWidth() / 2);
        double dy = (dialog.getY() + dialog.getHeight() / 2) - (owner.getY() + owner.getHeight() / 2);
        Rectangle2D screen = Screen.getPrimary().getVisualBounds();
        boolean onScreen = dialog.getX() >= screen.getMinX() && dialog.getY() >= screen.getMinY();
        return whole && Math.abs(dx) <= 2 && Math.abs(dy) <= 2 && onScreen;
    }

    /** The labels (and buttons) under {@code root} whose shown text is not their whole text. */
    static List<String> elided(Node root) throws Exception {
        return fx(() -> {
            List<String> out = new ArrayList<>();
            collectElided(root, out);
            return out;
        });
    }

    private static void collectElided(Node n, List<String> out) {
        if (!n.isVisible()) {
            return;
        }
        if (n instanceof Labeled l && l.getText() != null && !l.getText().isEmpty()) {
            Node text = l.lookup(".text");
            if (text instanceof Text t && !l.getText().equals(t.getText())) {
                out.add("'" + l.getText() + "' shown as '" + t.getText() + "'");
            }
        }
        if (n instanceof Parent p) {
            for (Node c : p.getChildrenUnmodifiable()) {
                collectElided(c, out);
            }
        }
    }

    Tunnel proxy() throws Exception {
        Tunnel t = ui.core().tunnels().open(TunnelSpec.awsProxy(workspaceFile.toString(), "aws-dev",
                TunnelFixtures.ROLE_ARN, dev.ferry.tunnel.aws.ProxyMode.HTTPS_PROXY, 0)).get(Wait.TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        waitForStatus(t, TunnelStatus.READY);
        return t;
    }

    void close(String paneId, ButtonType button) throws Exception {
        DialogPane pane = ui.node(paneId, DialogPane.class);
        ui.click(fx(() -> pane.lookupButton(button)));
        until(paneId + " closed", () -> !ui.showing(paneId));
    }

    @Test
    void settingsIsOwnedCentredAndWholeAtEveryOpening() throws Exception {
        ui.launch(env);
        for (int opening = 1; opening <= 3; opening++) {
            ui.click("#settingsButton");
            checkDialog("#settingsDialog");
            close("#settingsDialog", ButtonType.CANCEL);
        }
    }

    @Test
    void connectIsOwnedCentredAndWhole() throws Exception {
        ui.launch(env);
        ui.click(CONNECT, "orders");
        checkDialog("#connectDialog");
        close("#connectDialog", ButtonType.CANCEL);
        ui.click(CONNECT, "orders");
        checkDialog("#connectDialog");
    }

    @Test
    void importCaAndWriteAwsProfileAreOwnedCentredAndWhole() throws Exception {
        ui.launch(env);
        Tunnel t = proxy();
        until("the proxy's tab", () -> ui.desktop().tunnelDocuments().view(t.id()).isPresent());
        TunnelView view = fx(() -> ui.desktop().tunnelDocuments().view(t.id()).orElseThrow());
        ui.click(ui.nodeIn(view, "#importCa", Node.class));
        checkDialog("#keystoreDialog");
        close("#keystoreDialog", ButtonType.CLOSE);

        ui.click(ui.nodeIn(view, "#writeProfile", Node.class));
        checkDialog("#awsProfileDialog");
        close("#awsProfileDialog", ButtonType.CLOSE);
    }

    @Test
    void addTeleportClusterIsOwnedCentredAndWhole() throws Exception {
        ui.launch(env);
        ui.click("#addTeleportCluster");
        checkDialog("#addClusterDialog");
    }

    // ---- the smallest window -------------------------------------------------------------------

    @Test
    void atTheMinimumSizeEveryButtonFilterAndChipStaysReadable() throws Exception {
        saveWindowState("{\"x\": 50, \"y\": 50, \"width\": " + FerryDesktop.MIN_WIDTH + ", \"height\": " + FerryDesktop.MIN_HEIGHT + "}");
        FerryDesktop desktop = ui.launch(env);
        settlesAt(ui.stage(), new Rectangle2D(50, 50, FerryDesktop.MIN_WIDTH, FerryDesktop.MIN_HEIGHT));
        until("the resources are listed", () -> desktop.resources().shown().size() == 2
                && ui.robot().lookup("#resourceList").lookup(".resource-name").queryAll().size() >= 2);
        waitForPulse();

        Node window = fx(() -> ui.stage().getScene().getRoot());
        assertThat(fx(() -> all(window).stream().filter(n -> n instanceof ButtonBase && DesktopFixture.shown(n)).count()))
                .as("buttons checked").isGreaterThan(8);
        assertThat(fx(() -> all(window).stream().filter(n -> n.getStyleClass().contains("chip") && DesktopFixture.shown(n)).count()))
                .as("chips checked").isGreaterThanOrEqualTo(3);
        assertThat(elidedButtons(window)).as("buttons and filter toggles").isEmpty();
        assertThat(chipsWithoutTheirWords(window)).as("label chips elided without a tooltip").isEmpty();
        assertThat(cutOff(window)).as("buttons not wholly inside the window").isEmpty();
    }

    @Test
    void atTheMinimumSizeToastsKeepOffTheTabsAndSearchStayInTheWindowAndTheHistoryKeepsThem() throws Exception {
        saveWindowState("{\"x\": 50, \"y\": 50, \"width\": " + FerryDesktop.MIN_WIDTH + ", \"height\": " + FerryDesktop.MIN_HEIGHT + "}");
        FerryDesktop desktop = ui.launch(env);
        settlesAt(ui.stage(), new Rectangle2D(50, 50, FerryDesktop.MIN_WIDTH, FerryDesktop.MIN_HEIGHT));
        until("the resources are listed", () -> desktop.resources().shown().size() == 2);
        String longWords = "The database at db-orders-primary.cluster-abcdefghijkl.eu-west-1.rds.amazonaws.com:5432 "
                + "refused the connection because the tunnel's IAM token was not accepted; check the db user's rds_iam grant.";
        DesktopFixture.runFx(() -> {
            desktop.notifications().error("Could not connect to orders", new dev.ferry.app.FerryException(longWords, "Grant rds_iam."));
            desktop.notifications().error("Could not open the AWS console for aws-dev", new java.io.UncheckedIOException(new java.io.IOException("Broken pipe")));
            desktop.notifications().info("Opened aws-dev", "The AWS console opened in your browser.");
        });
        until("the toasts are shown", () -> ui.robot().lookup("." + dev.ferry.ui.notify.NotificationsView.STYLE_CLASS)
                .queryAll().stream().filter(DesktopFixture::shown).count() >= 2);
        waitForPulse();
        waitForPulse();
        Node search = ui.node("#search");
        Node tabs = ui.node(".tab-header-area");
        List<Node> toasts = fx(() -> List.copyOf(ui.robot().lookup("." + dev.ferry.ui.notify.NotificationsView.STYLE_CLASS).queryAll()));
        double sceneWidth = fx(() -> ui.stage().getScene().getWidth());
        for (Node toast : toasts) {
            Node closeButton = fx(() -> ui.robot().from(toast).lookup(".close-button").query());
            javafx.geometry.Bounds c = fx(() -> closeButton.localToScene(closeButton.getLayoutBounds()));
            javafx.geometry.Bounds b = fx(() -> toast.localToScene(toast.getLayoutBounds()));
            assertThat(b.contains(c)).as("the close button is on its toast: " + c + " in " + b).isTrue();
            assertThat(b.getMinX()).as("no overflow past the left edge").isGreaterThanOrEqualTo(0);
            assertThat(b.getMaxX()).as("inside the window").isLessThanOrEqualTo(sceneWidth);
            javafx.geometry.Bounds searchBox = fx(() -> search.localToScene(search.getLayoutBounds()));
            assertThat(b.intersects(searchBox)).as("over the search box: " + b + " / " + searchBox).isFalse();
            assertThat(b.intersects(fx(() -> tabs.localToScene(tabs.getLayoutBounds())))).as("over the tabs").isFalse();
        }

        // Dismissed with its close button: gone from the window, kept in the history with Copy details.
        Node shownToast = ui.node("." + dev.ferry.ui.notify.NotificationsView.STYLE_CLASS);
        int before = fx(() -> desktop.notifications().notes().size());
        Node closeButton = fx(() -> ui.robot().from(shownToast).lookup(".close-button").query());
        ui.click(closeButton);
        until("the toast is closed", () -> fx(() -> desktop.notifications().notes().size()) == before - 1);
        ui.click("#notificationHistory");
        Node list = ui.node("#notificationHistoryList");
        checkDialog("#notificationHistoryDialog");
        String listed = fx(() -> ui.robot().from(list).lookup(".label").queryAllAs(javafx.scene.control.Label.class).stream()
                .map(javafx.scene.control.Label::getText).reduce("", (a, b) -> a + "\n" + b));
        assertThat(listed).contains("Could not connect to orders").contains("Could not open the AWS console for aws-dev")
                .contains("Opened aws-dev").doesNotContain("UncheckedIOException");
        assertThat(fx(() -> ui.robot().from(list).lookup(".button").queryAllAs(javafx.scene.control.Button.class).stream()
                .filter(b -> b.getText().equals("Copy details")).count())).isEqualTo(2);
        close("#notificationHistoryDialog", ButtonType.CLOSE);
    }

    /**
     * A banner above the search bar (the workspace file changed into a broken version) puts it
     * lower than a fixed reserve would guess: the toasts keep off where the tabs and the search bar
     * are laid out, at the minimum size and at a large one.
     */
    @Test
    void toastsKeepOffTheTabsAndTheSearchBarWhereverTheyAreLaidOut() throws Exception {
        String good = java.nio.file.Files.readString(workspaceFile);
        for (Rectangle2D size : List.of(new Rectangle2D(50, 50, FerryDesktop.MIN_WIDTH, FerryDesktop.MIN_HEIGHT),
                new Rectangle2D(20, 20, 1200, 740))) {
            java.nio.file.Files.writeString(workspaceFile, good);
            saveWindowState("{\"x\": " + (int) size.getMinX() + ", \"y\": " + (int) size.getMinY() + ", \"width\": "
                    + (int) size.getWidth() + ", \"height\": " + (int) size.getHeight() + "}");
            FerryDesktop desktop = ui.launch(env);
            settlesAt(ui.stage(), size);
            until("the resources are listed", () -> desktop.resources().shown().size() == 2);
            java.nio.file.Files.writeString(workspaceFile, good + "\n[broken\n");
            until("the banner says the new version cannot be used", () -> ui.find("#staleProblem", DesktopFixture::shown).isPresent());
            DesktopFixture.runFx(() -> {
                for (int i = 1; i <= 8; i++) {
                    desktop.notifications().error("Could not connect to orders (" + i + ")",
                            new dev.ferry.app.FerryException("The database refused the connection.", "Start it, then connect again."));
                }
            });
            Node bar = ui.node("#search").getParent();
            Node tabs = ui.node(".tab-header-area");
            String toast = "." + dev.ferry.ui.notify.NotificationsView.STYLE_CLASS;
            until("the toasts fit below the search bar at " + size, () -> fx(() -> {
                List<Node> shown = ui.robot().lookup(toast).queryAll().stream().filter(DesktopFixture::shown).toList();
                double barBottom = bar.localToScene(bar.getLayoutBounds()).getMaxY();
                return !shown.isEmpty() && shown.stream().allMatch(n -> n.localToScene(n.getLayoutBounds()).getMinY() > barBottom);
            }));
            waitForPulse();
            javafx.geometry.Bounds barBounds = fx(() -> bar.localToScene(bar.getLayoutBounds()));
            javafx.geometry.Bounds tabBounds = fx(() -> tabs.localToScene(tabs.getLayoutBounds()));
            assertThat(barBounds.getMaxY()).as("the banner put the search bar below where a fixed reserve guessed").isGreaterThan(130);
            for (Node n : fx(() -> ui.robot().lookup(toast).queryAll().stream().filter(DesktopFixture::shown).toList())) {
                javafx.geometry.Bounds b = fx(() -> n.localToScene(n.getLayoutBounds()));
                assertThat(b.intersects(barBounds)).as("over the search bar at " + size + ": " + b + " / " + barBounds).isFalse();
                assertThat(b.intersects(tabBounds)).as("over the tabs at " + size).isFalse();
            }
            assertThat(fx(() -> desktop.notifications().history().size())).as("closed toasts stay in the history").isGreaterThanOrEqualTo(8);
            ui.closeDesktop();
        }
    }

    @Test
    void atTheMinimumSizeTheTunnelTabsKeepTheirButtonsAndNamesWhole() throws Exception {
        saveWindowState("{\"x\": 50, \"y\": 50, \"width\": " + FerryDesktop.MIN_WIDTH + ", \"height\": " + FerryDesktop.MIN_HEIGHT + "}");
        FerryDesktop desktop = ui.launch(env);
        settlesAt(ui.stage(), new Rectangle2D(50, 50, FerryDesktop.MIN_WIDTH, FerryDesktop.MIN_HEIGHT));
        Tunnel proxy = proxy();
        Tunnel db = ui.core().tunnels().open(TunnelSpec.database(workspaceFile.toString(), "orders", PostgresServer.TRUST_USER,
                PostgresServer.DATABASE, 0)).get(Wait.TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        waitForStatus(db, TunnelStatus.READY);
        for (Tunnel t : List.of(proxy, db)) {
            until("the tab of " + t.spec().title(), () -> desktop.tunnelDocuments().view(t.id()).isPresent());
            TunnelView view = fx(() -> desktop.tunnelDocuments().view(t.id()).orElseThrow());
            DesktopFixture.runFx(() -> desktop.documents().view().getSelectionModel().select(
                    desktop.documents().find(dev.ferry.ui.tunnels.TunnelDocuments.TAB_PREFIX + t.id()).orElseThrow()));
            until("the tab is shown", () -> DesktopFixture.shown(view) && view.getWidth() > 0);
            waitForPulse();
            Node window = fx(() -> ui.stage().getScene().getRoot());
            assertThat(elidedButtons(window)).as(t.spec().title() + ": buttons").isEmpty();
            assertThat(cutOff(window)).as(t.spec().title() + ": buttons not wholly inside the window").isEmpty();
            assertThat(elidedNames(view)).as(t.spec().title() + ": field names").isEmpty();
        }
    }

    /** Muted field names (the left column of the tab's grids) that are elided. */
    static List<String> elidedNames(Node view) throws Exception {
        return fx(() -> {
            List<String> out = new ArrayList<>();
            for (Node n : all(view)) {
                if (n instanceof Labeled l && n.getStyleClass().contains(atlantafx.base.theme.Styles.TEXT_MUTED) && DesktopFixture.shown(n)) {
                    elidedText(l).ifPresent(out::add);
                }
            }
            return out;
        });
    }

    static List<String> elidedButtons(Node root) throws Exception {
        return fx(() -> {
            List<String> out = new ArrayList<>();
            for (Node n : all(root)) {
                if (n instanceof ButtonBase b && DesktopFixture.shown(b)) {
                    elidedText(b).ifPresent(out::add);
                }
            }
            return out;
        });
    }

    static List<String> chipsWithoutTheirWords(Node root) throws Exception {
        return fx(() -> {
            List<String> out = new ArrayList<>();
            for (Node n : all(root)) {
                if (!n.getStyleClass().contains("chip")) {
                    continue;
                }
                if (n instanceof Labeled chip && DesktopFixture.shown(chip)) {
                    elidedText(chip).filter(e -> chip.getTooltip() == null || !chip.getTooltip().getText().contains(chip.getText()))
                            .ifPresent(out::add);
                }
            }
            return out;
        });
    }

    static java.util.Optional<String> elidedText(Labeled l) {
        Node text = l.lookup(".text");
        if (l.getText() != null && !l.getText().isEmpty() && text instanceof Text t && !l.getText().equals(t.getText())) {
            return java.util.Optional.of("'" + l.getText() + "' shown as '" + t.getText() + "'");
        }
        return java.util.Optional.empty();
    }

    /** Buttons that stick out of the window (or out of the list, where the list would clip them). */
    static List<String> cutOff(Node root) throws Exception {
        return fx(() -> {
            List<String> out = new ArrayList<>();
            double width = root.getScene().getWidth();
            Node list = root.lookup("#resourceList");
            Bounds listBounds = list == null ? null : list.localToScene(list.getLayoutBounds());
            for (Node n : all(root)) {
                if (n instanceof ButtonBase b && DesktopFixture.shown(b)) {
                    Bounds sb = b.localToScene(b.getLayoutBounds());
                    boolean inList = list != null && isInside(b, list) && list.isVisible();
                    if (sb.getMaxX() > width + 0.5 || (inList && sb.getMaxX() > listBounds.getMaxX() + 0.5)) {
                        out.add("'" + b.getText() + "' ends at x=" + sb.getMaxX());
                    }
                }
            }
            return out;
        });
    }

    /** Every node under {@code root} (CSS lookups take one selector, not a list). */
    static List<Node> all(Node root) {
        List<Node> out = new ArrayList<>();
        out.add(root);
        if (root instanceof Parent p) {
            for (Node c : p.getChildrenUnmodifiable()) {
                out.addAll(all(c));
            }
        }
        return out;
    }

    static boolean isInside(Node n, Node ancestor) {
        for (Node at = n; at != null; at = at.getParent()) {
            if (at == ancestor) {
                return true;
            }
        }
        return false;
    }
}
