package dev.ferry.ui.testing;

import dev.ferry.tunnel.testsupport.Wait;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The X display the UI tests run on, made to look like a user's desktop: a window manager
 * (Openbox) and, for the tray tests, a tray host (trayer). {@code scripts/test.sh} starts Xvfb,
 * Openbox and trayer; a test run on a display without them (a bare {@code Xvfb :9}) starts the
 * missing ones here, once per JVM, and stops them when the JVM exits.
 */
public final class X11Desktop {
    private static final List<Process> STARTED = new ArrayList<>();
    private static boolean hookAdded;

    private X11Desktop() {
    }

    /** The display, or a clear error saying how to get one. */
    public static String display() {
        String display = System.getenv("DISPLAY");
        if (display == null || display.isBlank()) {
            throw new IllegalStateException("The desktop tests need an X display: run them with scripts/test.sh "
                    + "(it starts Xvfb and Openbox), or start one and set DISPLAY.");
        }
        return display;
    }

    /** Starts Openbox on the display unless a window manager already runs there. */
    public static synchronized void ensureWindowManager() throws IOException, InterruptedException {
        display();
        if (windowManagerRunning()) {
            return;
        }
        start("openbox", "openbox", "--sm-disable");
        Wait.until("Openbox manages the display " + display(), X11Desktop::windowManagerRunning);
    }

    /** Starts trayer (a system tray host) unless {@code trayUp} already says there is a tray. */
    public static synchronized void ensureTrayHost(java.util.concurrent.Callable<Boolean> trayUp) throws Exception {
        if (trayUp.call()) {
            return;
        }
        start("trayer", "trayer", "--edge", "top", "--align", "right", "--widthtype", "request", "--height", "24",
                "--SetDockType", "true", "--expand", "true", "--transparent", "false");
        Wait.until("a system tray (trayer) on " + display(), trayUp);
    }

    /** Whether a window manager has announced itself on the root window (EWMH). */
    static boolean windowManagerRunning() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(tool("xprop", "x11-utils"), "-root", "_NET_SUPPORTING_WM_CHECK")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(10, TimeUnit.SECONDS);
        return out.contains("window id #");
    }

    private static void start(String command, String debianPackage, String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(tool(command, debianPackage));
        argv.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            STARTED.add(p);
        } catch (IOException e) {
            throw new IllegalStateException("Could not start " + command + ": " + e.getMessage(), e);
        }
        if (!hookAdded) {
            hookAdded = true;
            Runtime.getRuntime().addShutdownHook(new Thread(X11Desktop::stopAll, "x11-desktop-stop"));
        }
    }

    private static String tool(String command, String debianPackage) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, command))) {
                return command;
            }
        }
        throw new IllegalStateException(command + " is missing: apt-get install -y " + debianPackage
                + " (scripts/test.sh installs it when run as root)");
    }

    private static synchronized void stopAll() {
        for (Process p : STARTED) {
            p.destroy();
        }
        for (Process p : STARTED) {
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
