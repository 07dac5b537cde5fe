package dev.ferry.ui;

import dev.ferry.app.FerryCore;
import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.settings.Settings;
import dev.ferry.ui.launch.RolePicker;
import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.geometry.Bounds;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.SnapshotParameters;
import javafx.scene.paint.Color;
import javafx.scene.image.WritableImage;
import javafx.stage.Popup;
import javafx.stage.Stage;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.ferry.ui.resources.ResourceListView.RowPart.CONNECT;

/**
 * Writes screenshots of the main window: {@code Screenshot LIGHT.png [DARK.png] [APP] [TUNNEL.png]}. Opens
 * the workspace Ferry would open (e.g. {@code FERRY_WORKSPACE_FILE}), waits until it and the
 * identity check are done, opens the role selector of APP (default aws-prod), and snapshots
 * the window with the selector drawn in; with TUNNEL.png also an AWS API proxy tab for the first
 * role of APP; with DIALOG-DIR a screen capture of each dialog over the window (as the window
 * manager shows them: framed, centred on the window). Used by {@code scripts/screenshot.sh}.
 */
public final class Screenshot {
    private Screenshot() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: Screenshot LIGHT.png [DARK.png] [APP] [TUNNEL.png] [DIALOG-DIR]");
            System.exit(2);
        }
        Path light = Path.of(args[0]);
        Optional<Path> dark = args.length > 1 ? Optional.of(Path.of(args[1])) : Optional.empty();
        String app = args.length > 2 ? args[2] : "aws-prod";
        Optional<Path> tunnelShot = args.length > 3 ? Optional.of(Path.of(args[3])) : Optional.empty();
        Optional<Path> dialogDir = args.length > 4 ? Optional.of(Path.of(args[4])) : Optional.empty();
        int code = 0;
        CompletableFuture<Void> started = new CompletableFuture<>();
        Platform.startup(() -> started.complete(null));
        started.get(30, TimeUnit.SECONDS);
        try (FerryCore core = new FerryCore(FerryEnvironment.system(), url -> { })) {
            FerryDesktop desktop = fx(() -> {
                FerryDesktop d = new FerryDesktop(core, new Stage());
                d.themes().preferenceProperty().set(Settings.Theme.LIGHT);
                d.stage().setWidth(1180);
                d.stage().setHeight(700);
                d.stage().centerOnScreen();
                d.show();
                return d;
            });
            waitFor("workspace loaded", () -> !desktop.workspace().loadingProperty().get()
                    && !desktop.workspace().identityLoadingProperty().get()
                    && (desktop.workspace().workspaceProperty().get() != null
                    || desktop.workspace().loadProblemProperty().get() != null));
            fx(() -> {
                desktop.resourceView().openRolePicker(app);
                return null;
            });
            waitFor("role selector shown", () -> desktop.resourceView().rolePicker().map(RolePicker::isShowing).orElse(false));
            write(fx(() -> snapshot(desktop)), light);
            if (dark.isPresent()) {
                fx(() -> {
                    desktop.themes().preferenceProperty().set(Settings.Theme.DARK);
                    return null;
                });
                write(fx(() -> snapshot(desktop)), dark.get());
            }
            if (tunnelShot.isPresent()) {
                snapshotProxyTab(desktop, app, tunnelShot.get());
            }
            if (dialogDir.isPresent()) {
                snapshotDialogs(desktop, dialogDir.get());
            }
            fx(() -> {
                desktop.resourceView().rolePicker().ifPresent(RolePicker::hide);
                desktop.stage().hide();
                desktop.close();
                return null;
            });
        } catch (Exception e) {
            e.printStackTrace();
            code = 1;
        }
        Platform.exit();
        System.exit(code);
    }

    /** Starts an AWS API proxy for the first role of APP and snapshots its tab once it is ready (light theme). */
    private static void snapshotProxyTab(FerryDesktop desktop, String app, Path file) throws Exception {
        dev.ferry.app.tunnels.Tunnel[] started = new dev.ferry.app.tunnels.Tunnel[1];
        fx(() -> {
            desktop.resourceView().rolePicker().ifPresent(RolePicker::hide);
            desktop.themes().preferenceProperty().set(Settings.Theme.LIGHT);
            var ws = desktop.workspace().workspaceProperty().get();
            var provider = desktop.workspace().providerProperty().get();
            var resource = provider.app(app).orElseThrow();
            var role = provider.awsRoles(resource).get(0);
            desktop.tunnelDocuments().startAwsProxy(ws, resource, role).thenAccept(t -> started[0] = t);
            return null;
        });
        waitFor("proxy ready", () -> started[0] != null && started[0].status() == dev.ferry.app.tunnels.TunnelStatus.READY
                && desktop.tunnelDocuments().view(started[0].id()).isPresent());
        waitFor("tab rendered", () -> !((dev.ferry.ui.tunnels.AwsProxyTunnelView) desktop.tunnelDocuments().view(started[0].id())
                .orElseThrow()).renderedText().isEmpty());
        write(fx(() -> snapshot(desktop)), file);
    }

    /**
     * Opens each dialog the way its button does, captures the screen around the window once the
     * dialog is placed, and closes it: settings, import CA and write AWS profile (on the proxy
     * tab that is open), connect (on the first database), add Teleport cluster, add AWS workspace and
     * the notifications history (with an error in it).
     */
    private static void snapshotDialogs(FerryDesktop desktop, Path dir) throws Exception {
        javafx.scene.Node tab = fx(() -> desktop.documents().view().getSelectionModel().getSelectedItem().getContent());
        dialog(desktop, dir.resolve("settings.png"), "settingsDialog", javafx.scene.control.ButtonType.CANCEL, desktop::openSettings);
        dialog(desktop, dir.resolve("import-ca.png"), "keystoreDialog", javafx.scene.control.ButtonType.CLOSE,
                () -> ((javafx.scene.control.ButtonBase) tab.lookup("#importCa")).fire());
        dialog(desktop, dir.resolve("write-aws-profile.png"), "awsProfileDialog", javafx.scene.control.ButtonType.CLOSE,
                () -> ((javafx.scene.control.ButtonBase) tab.lookup("#writeProfile")).fire());
        fx(() -> {
            desktop.documents().select(0);
            return null;
        });
        String db = fx(() -> desktop.resources().shown().stream().filter(r -> r instanceof dev.ferry.app.model.DatabaseResource)
                .map(dev.ferry.app.model.Resource::name).findFirst().orElseThrow());
        waitFor("the Connect button of " + db, () -> desktop.resourceView().rowPart(CONNECT, db).isPresent());
        dialog(desktop, dir.resolve("connect.png"), "connectDialog", javafx.scene.control.ButtonType.CANCEL,
                () -> ((javafx.scene.control.ButtonBase) desktop.resourceView().rowPart(CONNECT, db).orElseThrow()).fire());
        dialog(desktop, dir.resolve("add-teleport-cluster.png"), "addClusterDialog", javafx.scene.control.ButtonType.CANCEL,
                () -> ((javafx.scene.control.ButtonBase) desktop.scene().lookup("#addTeleportCluster")).fire());
        dialog(desktop, dir.resolve("add-aws-workspace.png"), "addAwsWorkspaceDialog", javafx.scene.control.ButtonType.CANCEL,
                () -> ((javafx.scene.control.ButtonBase) desktop.scene().lookup("#addAwsWorkspace")).fire());
        // The history with an error in it, as a failed connection leaves it.
        fx(() -> {
            desktop.notifications().error("Could not connect to " + db, new dev.ferry.app.FerryException(
                    "The database refused the connection (it is not running, or not on this address).",
                    "Start the database, then connect again."));
            return null;
        });
        dialog(desktop, dir.resolve("notifications.png"), "notificationHistoryDialog", javafx.scene.control.ButtonType.CLOSE,
                () -> ((javafx.scene.control.ButtonBase) desktop.scene().lookup("#notificationHistory")).fire());
    }

    /** Runs {@code open} (it shows a dialog and waits for it), captures the dialog over the window, closes it. */
    private static void dialog(FerryDesktop desktop, Path file, String paneId, javafx.scene.control.ButtonType close,
                               Runnable open) throws Exception {
        Platform.runLater(open);
        waitFor(paneId + " shown", () -> pane(paneId).map(p -> p.getScene().getWindow().isShowing()).orElse(false));
        javafx.scene.control.DialogPane pane = fx(() -> pane(paneId).orElseThrow());
        javafx.stage.Window w = fx(() -> pane.getScene().getWindow());
        // Placed: centred on the window, at least its content's size (see Dialogs), for a moment.
        waitFor(paneId + " placed", () -> {
            javafx.stage.Stage main = desktop.stage();
            double dx = (w.getX() + w.getWidth() / 2) - (main.getX() + main.getWidth() / 2);
            return Math.abs(dx) <= 2 && pane.getHeight() >= pane.prefHeight(pane.getWidth()) - 1;
        });
        Thread.sleep(300);
        javafx.geometry.Rectangle2D area = fx(() -> {
            javafx.stage.Stage main = desktop.stage();
            double x = Math.min(main.getX(), w.getX());
            double y = Math.min(main.getY(), w.getY());
            return new javafx.geometry.Rectangle2D(x, y, Math.max(main.getX() + main.getWidth(), w.getX() + w.getWidth()) - x,
                    Math.max(main.getY() + main.getHeight(), w.getY() + w.getHeight()) - y);
        });
        WritableImage shot = fx(() -> new javafx.scene.robot.Robot().getScreenCapture(null, area));
        write(SwingFXUtils.fromFXImage(shot, null), file);
        fx(() -> {
            ((javafx.scene.control.Button) pane.lookupButton(close)).fire();
            return null;
        });
        waitFor(paneId + " closed", () -> pane(paneId).isEmpty());
    }

    private static Optional<javafx.scene.control.DialogPane> pane(String id) {
        return javafx.stage.Window.getWindows().stream().filter(javafx.stage.Window::isShowing)
                .map(win -> win.getScene() == null ? null : win.getScene().lookup("#" + id))
                .filter(n -> n instanceof javafx.scene.control.DialogPane).map(n -> (javafx.scene.control.DialogPane) n)
                .findFirst();
    }

    /** The window's scene, with the role selector popup (a separate window) drawn in place. */
    static BufferedImage snapshot(FerryDesktop desktop) {
        Scene scene = desktop.scene();
        BufferedImage main = SwingFXUtils.fromFXImage(scene.snapshot(null), null);
        BufferedImage out = new BufferedImage(main.getWidth(), main.getHeight(), BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = out.createGraphics();
        g.drawImage(main, 0, 0, null);
        Optional<RolePicker> picker = desktop.resourceView().rolePicker().filter(RolePicker::isShowing);
        if (picker.isPresent()) {
            Popup popup = picker.get().popup();
            Parent content = popup.getScene().getRoot();
            content.applyCss();
            content.layout();
            SnapshotParameters params = new SnapshotParameters();
            params.setFill(Color.TRANSPARENT);
            WritableImage img = content.snapshot(params, null);
            Bounds b = content.getBoundsInParent();
            double x = popup.getX() + popup.getScene().getX() + b.getMinX() - scene.getWindow().getX() - scene.getX();
            double y = popup.getY() + popup.getScene().getY() + b.getMinY() - scene.getWindow().getY() - scene.getY();
            g.drawImage(SwingFXUtils.fromFXImage(img, null), (int) Math.round(x), (int) Math.round(y), null);
        }
        g.dispose();
        return out;
    }

    private static void write(BufferedImage image, Path file) throws IOException {
        Path abs = file.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        ImageIO.write(image, "png", abs.toFile());
        System.err.println("Wrote " + abs + " (" + image.getWidth() + "x" + image.getHeight() + ")");
    }

    private static <T> T fx(Callable<T> work) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                f.complete(work.call());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        return f.get(30, TimeUnit.SECONDS);
    }

    private static void waitFor(String what, Callable<Boolean> condition) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (!fx(condition)) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("Timed out waiting for: " + what);
            }
            Thread.sleep(50);
        }
    }
}
