package dev.ferry.ui.testing;

import dev.ferry.app.FerryCore;
import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.integrations.BrowserLauncher;
import dev.ferry.app.tunnels.Tunnel;
import dev.ferry.app.tunnels.TunnelStatus;
import dev.ferry.tunnel.testsupport.Wait;
import dev.ferry.ui.FerryDesktop;
import dev.ferry.ui.resources.ResourceListView.RowPart;
import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.geometry.Bounds;
import javafx.geometry.Point2D;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Labeled;
import javafx.scene.control.TextInputControl;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
import javafx.stage.Screen;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

import javax.imageio.ImageIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The desktop fixture every UI test uses: {@code @RegisterExtension final DesktopFixture ui = new DesktopFixture();}.
 *
 * <ul>
 *   <li>Before each test: an X display with a window manager (Openbox is started when none runs,
 *       see {@link X11Desktop}) and the JavaFX toolkit.</li>
 *   <li>{@link #launch}: a {@link FerryCore} and a {@link FerryDesktop} in a fresh window, as the
 *       app starts them.</li>
 *   <li>After each test: a screenshot of the screen when the test failed
 *       ({@code target/ui-failures/}), then every window hidden, the desktop and the core closed.</li>
 *   <li>Helpers that hold on a loaded machine: {@link #fx} (work on the FX thread), {@link #until}
 *       (the one wait, {@link Wait}, with the condition read on the FX thread), {@link #click}
 *       (waits until the node is shown, laid out, still after a pulse and on top at the point
 *       clicked; then waits for the pulse that handles the click), {@link #focus} (keyboard focus
 *       without clicking anything).</li>
 * </ul>
 * Test methods may also take an {@link FxRobot} parameter (the fixture's robot).
 */
public final class DesktopFixture implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
    private final FxRobot robot = new FxRobot();
    private final java.util.List<dev.ferry.ui.notify.Notifications.Note> notesSeen = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.List<String> shownRoots = new java.util.concurrent.CopyOnWriteArrayList<>();
    private FerryCore core;
    private FerryDesktop desktop;
    private Stage stage;

    /** Work for the FX thread that returns nothing. */
    @FunctionalInterface
    public interface FxWork {
        void run() throws Exception;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        X11Desktop.ensureWindowManager();
        FxToolkit.registerPrimaryStage();
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (context.getExecutionException().isPresent()) {
            screenshot(context.getRequiredTestClass().getSimpleName() + "." + context.getRequiredTestMethod().getName());
        }
        closeDesktop();
    }

    /** Hides every window, closes the desktop and the core (also done after each test; once is enough). */
    public void closeDesktop() throws Exception {
        try {
            FxToolkit.cleanupStages();
            if (desktop != null) {
                FerryDesktop d = desktop;
                runFx(d::close);
            }
        } finally {
            if (core != null) {
                core.close();
            }
            desktop = null;
            core = null;
            notesSeen.clear();
            shownRoots.clear();
            stage = null;
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        return p.getParameter().getType() == FxRobot.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        return robot;
    }

    // ---- the app ---------------------------------------------------------------------------

    public FerryDesktop launch(FerryEnvironment env) throws Exception {
        return launch(env, url -> { }, d -> { });
    }

    public FerryDesktop launch(FerryEnvironment env, BrowserLauncher browser) throws Exception {
        return launch(env, browser, d -> { });
    }

    /**
     * Starts Ferry's core and desktop in a new window the way the app does ({@link FerryDesktop#open}:
     * the start window, then the desktop in its place), and returns once the desktop is shown;
     * {@code beforeShow} sees the desktop before it shows.
     */
    public FerryDesktop launch(FerryEnvironment env, BrowserLauncher browser, Consumer<FerryDesktop> beforeShow) throws Exception {
        if (desktop != null) {
            throw new IllegalStateException("one desktop per test");
        }
        core = new FerryCore(env, browser, true);
        dev.ferry.ui.DesktopStart start = dev.ferry.ui.DesktopStart.read(core);
        java.util.concurrent.atomic.AtomicReference<FerryDesktop> made = new java.util.concurrent.atomic.AtomicReference<>();
        runFx(() -> {
            stage = new Stage();
            stage.addEventHandler(javafx.stage.WindowEvent.WINDOW_SHOWN, e -> shownRoots.add(String.valueOf(stage.getScene().getRoot().getId())));
            FerryDesktop.open(core, stage, start, d -> {
                notesSeen.addAll(d.notifications().notes());
                d.notifications().notes().addListener((javafx.collections.ListChangeListener<dev.ferry.ui.notify.Notifications.Note>) c -> {
                    while (c.next()) {
                        notesSeen.addAll(c.getAddedSubList());
                    }
                });
                beforeShow.accept(d);
                made.set(d);
            });
        });
        until("the Ferry desktop is shown in its window", () -> made.get() != null
                && fx(() -> stage.isShowing() && stage.getScene() == made.get().scene()));
        desktop = made.get();
        return desktop;
    }

    /** The id of the scene's root each time the window was shown ({@code startWindow}: the start window). */
    public java.util.List<String> shownRoots() {
        return java.util.List.copyOf(shownRoots);
    }

    /**
     * Every notification the desktop has shown since it started, also those it has hidden again
     * (a success hides after a few seconds, which a loaded machine can take between two steps).
     */
    public java.util.List<dev.ferry.ui.notify.Notifications.Note> notesSeen() {
        return java.util.List.copyOf(notesSeen);
    }

    public FerryCore core() {
        return core;
    }

    public FerryDesktop desktop() {
        return desktop;
    }

    public Stage stage() {
        return stage;
    }

    public FxRobot robot() {
        return robot;
    }

    // ---- the FX thread and waiting -----------------------------------------------------------

    /** Runs {@code work} on the FX thread (at once when already there) and returns its result. */
    public static <T> T fx(Callable<T> work) throws Exception {
        if (Platform.isFxApplicationThread()) {
            return work.call();
        }
        return WaitForAsyncUtils.asyncFx(work).get(Wait.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    public static void runFx(FxWork work) throws Exception {
        fx(() -> {
            work.run();
            return null;
        });
    }

    /** Waits until {@code condition}, read on the FX thread, holds (the one wait: {@link Wait}). */
    public static void until(String what, Callable<Boolean> condition) {
        if (Platform.isFxApplicationThread()) {
            throw new IllegalStateException("waiting on the FX thread would block what it waits for: " + what);
        }
        Wait.until(what, () -> fx(condition));
    }

    public static void until(Callable<Boolean> condition) {
        until("the condition holds", condition);
    }

    /** Waits until JavaFX has run a pulse (CSS and layout of every showing scene) after this call. */
    public static void waitForPulse() throws Exception {
        CompletableFuture<Void> laidOut = new CompletableFuture<>();
        Platform.runLater(() -> {
            Optional<Scene> scene = Window.getWindows().stream().filter(Window::isShowing).map(Window::getScene)
                    .filter(s -> s != null).findFirst();
            if (scene.isEmpty()) {
                laidOut.complete(null);
                return;
            }
            Runnable[] listener = new Runnable[1];
            listener[0] = () -> {
                scene.get().removePostLayoutPulseListener(listener[0]);
                laidOut.complete(null);
            };
            scene.get().addPostLayoutPulseListener(listener[0]);
            Platform.requestNextPulse();
        });
        laidOut.get(Wait.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    public static void waitForStatus(Tunnel t, TunnelStatus status) {
        Wait.until(t.spec().title() + " is " + status + " (now " + t.status() + ", last error: " + t.lastError() + ")",
                () -> t.status() == status);
    }

    // ---- finding nodes -------------------------------------------------------------------------

    /** The first node of {@code query} that is in a showing window and visible up to its root, if any. */
    public Optional<Node> find(String query) throws Exception {
        return find(query, n -> true);
    }

    /** The first shown node of {@code query} that {@code which} accepts (read on the FX thread). */
    public Optional<Node> find(String query, java.util.function.Predicate<Node> which) throws Exception {
        return fx(() -> robot.lookup(query).queryAll().stream().filter(DesktopFixture::shown).filter(which).findFirst());
    }

    /**
     * The node of {@code query} as {@code type}, once it is shown (on the FX thread, e.g. inside
     * an {@link #until} condition, it does not wait: not shown yet is an exception, which a
     * condition counts as "not yet").
     */
    public <T extends Node> T node(String query, Class<T> type) throws Exception {
        if (!Platform.isFxApplicationThread()) {
            until(query + " is shown", () -> find(query).isPresent());
        }
        return type.cast(find(query).orElseThrow(() -> new AssertionError(query + " is not shown")));
    }

    public Node node(String query) throws Exception {
        return node(query, Node.class);
    }

    /** The node of {@code query} inside {@code parent} (shown or not, e.g. below the fold of a tab). */
    public <T extends Node> T nodeIn(Node parent, String query, Class<T> type) throws Exception {
        if (!Platform.isFxApplicationThread()) {
            until(query + " exists", () -> robot.from(parent).lookup(query).tryQuery().isPresent());
        }
        return fx(() -> type.cast(robot.from(parent).lookup(query).query()));
    }

    public boolean showing(String query) throws Exception {
        return find(query).isPresent();
    }

    // ---- rows of the resource list ------------------------------------------------------------
    // (rows have no per-row ids: see ResourceListView.RowPart)

    /** {@code part} of the row that shows the resource {@code name}, if the list shows that row now. */
    public Optional<Node> find(RowPart part, String name) throws Exception {
        return fx(() -> desktop == null ? Optional.<Node>empty()
                : desktop.resourceView().rowPart(part, name).filter(DesktopFixture::shown));
    }

    /** {@code part} of the row of {@code name} as {@code type}, once shown (as {@link #node(String, Class)}). */
    public <T extends Node> T node(RowPart part, String name, Class<T> type) throws Exception {
        String what = part + " of " + name;
        if (!Platform.isFxApplicationThread()) {
            until(what + " is shown", () -> find(part, name).isPresent());
        }
        return type.cast(find(part, name).orElseThrow(() -> new AssertionError(what + " is not shown")));
    }

    public boolean showing(RowPart part, String name) throws Exception {
        return find(part, name).isPresent();
    }

    /** Clicks {@code part} of the row of {@code name} (see {@link #click(Callable, String)}). */
    public void click(RowPart part, String name) {
        click(() -> find(part, name).orElse(null), part + " of " + name);
    }

    /** Right-clicks {@code part} of the row of {@code name} (the row's context menu). */
    public void rightClick(RowPart part, String name) {
        click(() -> find(part, name).orElse(null), part + " of " + name, MouseButton.SECONDARY);
    }

    /** The text a label, button, link, field or message shows. */
    public static String textOf(Node n) throws Exception {
        return fx(() -> {
            if (n instanceof Labeled l) {
                return l.getText();
            }
            if (n instanceof TextInputControl t) {
                return t.getText();
            }
            if (n instanceof atlantafx.base.controls.Message m) {
                return m.getTitle() + "\n" + m.getDescription();
            }
            throw new AssertionError("no text on " + n);
        });
    }

    public String text(String query) throws Exception {
        return textOf(node(query));
    }

    public String textIn(Node parent, String query) throws Exception {
        return textOf(nodeIn(parent, query, Node.class));
    }

    /** In a showing window, and it and all its parents visible. */
    public static boolean shown(Node n) {
        if (n.getScene() == null || n.getScene().getWindow() == null || !n.getScene().getWindow().isShowing()) {
            return false;
        }
        for (Node at = n; at != null; at = at.getParent()) {
            if (!at.isVisible()) {
                return false;
            }
        }
        return true;
    }

    // ---- mouse and keyboard ------------------------------------------------------------------

    /** Clicks the node of {@code query} once it can be clicked (see {@link #click(Callable, String)}). */
    public void click(String query) {
        click(() -> find(query).orElse(null), query);
    }

    public void click(Node node) {
        click(() -> node, String.valueOf(node));
    }

    /**
     * Clicks the middle of a node once it is shown, enabled, inside its window and the screen,
     * the topmost node at that point (nothing covers it), and has not moved across a pulse; the
     * pointer is moved there first and the click only happens if the node is still there. Then
     * waits for the pulse that handled the click. Clicks exactly once.
     */
    public void click(Callable<Node> target, String what) {
        click(target, what, MouseButton.PRIMARY);
    }

    /** Right-clicks the node of {@code query} (its context menu), as {@link #click(Callable, String)} clicks. */
    public void rightClick(String query) {
        click(() -> find(query).orElse(null), query, MouseButton.SECONDARY);
    }

    private void click(Callable<Node> target, String what, MouseButton button) {
        Wait.until("clicking " + what, () -> {
            Point2D before = fx(() -> clickPoint(target.call()));
            if (before == null) {
                return false;
            }
            waitForPulse();
            Point2D settled = fx(() -> clickPoint(target.call()));
            if (settled == null || settled.distance(before) > 0.5) {
                return false;
            }
            robot.moveTo(settled);
            Point2D now = fx(() -> clickPoint(target.call()));
            if (now == null || now.distance(settled) > 0.5) {
                return false;
            }
            robot.clickOn(button);
            return true;
        });
        try {
            waitForPulse();
        } catch (Exception e) {
            throw new AssertionError("no pulse after clicking " + what, e);
        }
    }

    /** Where to click {@code n} on the screen, or null when it cannot be clicked now (FX thread). */
    static Point2D clickPoint(Node n) {
        if (n == null || !shown(n) || n.isDisabled()) {
            return null;
        }
        Bounds local = n.getLayoutBounds();
        if (local.getWidth() < 1 || local.getHeight() < 1) {
            return null;
        }
        Point2D middle = new Point2D(local.getMinX() + local.getWidth() / 2, local.getMinY() + local.getHeight() / 2);
        Scene scene = n.getScene();
        Point2D inScene = n.localToScene(middle);
        if (inScene.getX() < 0 || inScene.getY() < 0 || inScene.getX() >= scene.getWidth() || inScene.getY() >= scene.getHeight()) {
            return null;
        }
        Node top = pick(scene.getRoot(), inScene);
        if (top == null || !isSelfOrAncestor(n, top)) {
            return null;
        }
        Point2D onScreen = n.localToScreen(middle);
        if (onScreen == null || Screen.getScreensForRectangle(onScreen.getX(), onScreen.getY(), 1, 1).isEmpty()) {
            return null;
        }
        return onScreen;
    }

    /** The topmost node at a scene point, as JavaFX picks it (children before parents, last child on top). */
    static Node pick(Node n, Point2D inScene) {
        if (!n.isVisible() || n.isMouseTransparent()) {
            return null;
        }
        if (n instanceof Parent p) {
            var children = p.getChildrenUnmodifiable();
            for (int i = children.size() - 1; i >= 0; i--) {
                Node hit = pick(children.get(i), inScene);
                if (hit != null) {
                    return hit;
                }
            }
        }
        return n.contains(n.sceneToLocal(inScene)) ? n : null;
    }

    private static boolean isSelfOrAncestor(Node ancestor, Node n) {
        for (Node at = n; at != null; at = at.getParent()) {
            if (at == ancestor) {
                return true;
            }
        }
        return false;
    }

    /**
     * Scrolls the scroll pane that holds {@code n} (a tunnel tab, say) so that {@code n} is in view,
     * as a user would before clicking it, then waits for the pulse that laid it out.
     */
    public void scrollIntoView(Node n) throws Exception {
        runFx(() -> {
            for (Node at = n.getParent(); at != null; at = at.getParent()) {
                if (at instanceof javafx.scene.control.ScrollPane sp && sp.getContent() != null) {
                    Node content = sp.getContent();
                    javafx.geometry.Bounds b = content.sceneToLocal(n.localToScene(n.getBoundsInLocal()));
                    double contentHeight = content.getLayoutBounds().getHeight();
                    double viewHeight = sp.getViewportBounds().getHeight();
                    if (contentHeight > viewHeight) {
                        double top = b.getMinY() - Math.max(0, (viewHeight - b.getHeight()) / 2);
                        double f = Math.max(0, Math.min(1, top / (contentHeight - viewHeight)));
                        sp.setVvalue(sp.getVmin() + f * (sp.getVmax() - sp.getVmin()));
                    }
                    return;
                }
            }
        });
        waitForPulse();
    }

    /** Gives {@code query}'s node the keyboard focus (no click) and waits until its window has it too. */
    public void focus(String query) throws Exception {
        focus(node(query));
    }

    public void focus(Node n) throws Exception {
        runFx(() -> {
            Window w = n.getScene().getWindow();
            if (!w.isFocused()) {
                w.requestFocus();
            }
            n.requestFocus();
        });
        until(n + " has the keyboard focus", () -> n.isFocused() && n.getScene().getWindow().isFocused());
    }

    /** Brings {@code w} to the front with the keyboard focus (as a user's click on its title bar would). */
    public void focusWindow(Window w) throws Exception {
        runFx(() -> {
            if (w instanceof Stage st) {
                st.toFront();
            }
            w.requestFocus();
        });
        until("the window has the keyboard focus", w::isFocused);
        waitForPulse();
    }

    /**
     * Types keys (pressed and released in turn), then waits for the pulse that handled them. The
     * keys go through the X server to the window that has its focus, so this first waits until the
     * window in front (a dialog just opened, say) has the keyboard focus: under load the window
     * manager may hand it over after JavaFX has focused the dialog's field.
     */
    public void type(KeyCode... keys) throws Exception {
        awaitFrontWindowFocused();
        robot.type(keys);
        waitForPulse();
    }

    /**
     * Presses and releases {@code key} in the window that has the keyboard focus, as JavaFX events
     * dispatched through that window's scene (its focus owner, then the scene's accelerators such as a
     * dialog's Cancel button on Escape), not through the X server. For keys whose handling is what a
     * test checks: under heavy load an X key event reached a dialog that had just taken the focus
     * and was dropped (once in five loaded runs), which says nothing about Ferry.
     */
    public void pressInFocusedWindow(KeyCode key) throws Exception {
        awaitFrontWindowFocused();
        runFx(() -> {
            Window focused = Window.getWindows().stream().filter(Window::isFocused).reduce((a, b) -> b).orElseThrow();
            Scene scene = focused.getScene();
            javafx.event.EventTarget target = scene.getFocusOwner() != null ? scene.getFocusOwner() : scene;
            for (var type : java.util.List.of(javafx.scene.input.KeyEvent.KEY_PRESSED, javafx.scene.input.KeyEvent.KEY_RELEASED)) {
                javafx.event.Event.fireEvent(target, new javafx.scene.input.KeyEvent(type, "", "", key,
                        false, false, false, false));
            }
        });
        waitForPulse();
    }

    private void awaitFrontWindowFocused() {
        until("the window in front has the keyboard focus", () -> fx(() -> {
            Window front = null;
            for (Window w : Window.getWindows()) {
                if (w instanceof Stage && w.isShowing()) {
                    front = w;
                }
            }
            return front == null || front.isFocused();
        }));
    }

    /** Types text into the focused node, then waits for the pulse that handled it. */
    public void write(String text) throws Exception {
        // TestFX types into the scene of its "target window", the one it last clicked in: aim it
        // at the window that has the keyboard focus (a dialog opened meanwhile, for example).
        // The newest focused window: while a dialog takes the focus its owner may still say focused.
        Window focused = fx(() -> Window.getWindows().stream().filter(Window::isFocused).reduce((a, b) -> b).orElse(null));
        if (focused != null) {
            robot.targetWindow(focused);
        }
        robot.write(text);
        waitForPulse();
    }

    /** Presses a chord (e.g. CONTROL, F) and releases it. */
    public void chord(KeyCode... keys) throws Exception {
        awaitFrontWindowFocused();
        robot.press(keys);
        KeyCode[] reversed = new KeyCode[keys.length];
        for (int i = 0; i < keys.length; i++) {
            reversed[i] = keys[keys.length - 1 - i];
        }
        robot.release(reversed);
        waitForPulse();
    }

    // ---- screenshots ---------------------------------------------------------------------------

    /** Writes the whole screen to {@code target/ui-failures/NAME.png}. */
    public void screenshot(String name) {
        try {
            var bounds = fx(() -> Screen.getPrimary().getBounds());
            var image = robot.capture(bounds).getImage();
            Path file = Path.of("target", "ui-failures", name + ".png").toAbsolutePath();
            Files.createDirectories(file.getParent());
            ImageIO.write(fx(() -> SwingFXUtils.fromFXImage(image, null)), "png", file.toFile());
            System.err.println("Screenshot of the failed test: " + file);
        } catch (Exception e) {
            System.err.println("No screenshot of the failed test: " + e);
        }
    }
}
