package dev.ferry.ui.bench;

import dev.ferry.app.FerryCore;
import dev.ferry.app.FerryEnvironment;
import dev.ferry.ui.FerryDesktop;
import dev.ferry.ui.testing.DesktopFixture;
import javafx.application.Platform;
import javafx.event.Event;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.ListView;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.MouseButton;
import javafx.scene.input.MouseEvent;
import javafx.stage.Stage;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark part (2) of issue 16: the desktop's resource list with 10,000 resources (apps and
 * databases with labels), in a real window (run under Xvfb by bench/resource-list.sh).
 *
 * <ul>
 *   <li>Per keystroke in the search box, 50 keystrokes (typing and Backspace): from the key
 *   event to the end of the layout pass that follows it. "work" fires the key events on the
 *   FX thread and then runs a CSS and layout pass synchronously (its {@code applyCss()} on the
 *   root makes CSS update every node of the scene, which a pulse does not: an upper bound);
 *   "to pulse" waits for the real next pulse (a post-layout pulse listener), so it also holds
 *   the wait for JavaFX's 60 Hz pulse timer; "frame work" is the key events plus that pulse's
 *   own CSS and layout passes (from its pre- to its post-layout listeners), as the app runs them.</li>
 *   <li>The same for clicks on label chips (the chip fills the search box).</li>
 *   <li>Heap (used, after GC) and RSS with the empty window, then with the 10,000 resources listed.</li>
 * </ul>
 * Usage: ResourceListBench [resources 10000] [keystrokes 50]
 */
public final class ResourceListBench {
    private ResourceListBench() {
    }

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int strokes = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        Path home = Files.createTempDirectory("ferry-list-bench");
        Path empty = home.resolve("empty.yaml");
        Files.writeString(empty, "name: empty\naws: {region: us-east-1}\n");
        Path big = home.resolve("big.yaml");
        Files.writeString(big, workspace(count));
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("FERRY_HOME", home.resolve("ferry-home").toString());
        env.put("FERRY_WORKSPACE_FILE", empty.toString());
        env.put("AWS_ACCESS_KEY_ID", "AKIDBENCH");
        env.put("AWS_SECRET_ACCESS_KEY", "bench");
        env.put("AWS_ENDPOINT_URL", "http://127.0.0.1:9"); // nothing answers: the identity check fails fast
        FerryEnvironment fe = new FerryEnvironment(env, "Linux", home.toString(), "bench");

        CountDownLatch started = new CountDownLatch(1);
        Platform.startup(started::countDown);
        started.await();
        FerryCore core = new FerryCore(fe);
        FerryDesktop desktop = fx(() -> {
            FerryDesktop d = new FerryDesktop(core, new Stage());
            d.show();
            return d;
        });
        waitFor("the empty workspace", () -> fx(() -> desktop.workspace().workspaceProperty().get() != null
                && !desktop.workspace().loadingProperty().get()));
        pulses(30);
        Thread.sleep(5000);
        Memory emptySettled = Memory.measure(false);
        Memory before = Memory.now();

        long t0 = System.nanoTime();
        fx(() -> {
            desktop.workspace().open(big);
            return null;
        });
        waitFor("the big workspace", () -> fx(() -> desktop.resources().all().size() == count));
        pulses(2);
        long loadMs = (System.nanoTime() - t0) / 1_000_000;
        pulses(30);
        Thread.sleep(5000); // (the JIT's arenas freed, the native heap trimmed: as a user's window a few seconds on)
        Memory settled = Memory.measure(false); // as the user's process is: no GC forced
        Memory after = Memory.now();

        Scene scene = desktop.scene();
        TextField search = fx(() -> (TextField) scene.lookup("#search"));
        @SuppressWarnings("unchecked")
        ListView<Object> list = fx(() -> (ListView<Object>) scene.lookup("#resourceList"));
        fx(() -> {
            search.requestFocus();
            return null;
        });
        pulses(5);

        String shots = System.getProperty("bench.screenshot", ""); // a path prefix: -all.png, -databases.png
        if (!shots.isEmpty()) {
            screenshot(scene, Path.of(shots + "-all.png"));
            fx(() -> {
                search.setText("orders-1");
                return null;
            });
            pulses(5);
            screenshot(scene, Path.of(shots + "-databases.png"));
            fx(() -> {
                search.clear();
                return null;
            });
            pulses(5);
        }

        // 40 characters typed, 10 Backspaces in between: queries that narrow, widen and match nothing.
        String typed = "orders team-8 env=prod region=eu-west-1 x";
        List<Object> keys = new ArrayList<>();
        int backspaces = 0;
        for (char c : typed.toCharArray()) {
            keys.add(c);
            if (keys.size() % 5 == 4 && backspaces < 10) { // take the character back and type it again
                keys.add(KeyCode.BACK_SPACE);
                keys.add(c);
                backspaces++;
            }
        }
        keys = keys.subList(0, Math.min(strokes, keys.size()));
        // Warm-up, not measured (as a JMH warm-up): the same keystrokes typed and cleared a few
        // times, so the JIT has compiled the filter, CSS and layout paths. Without it the worst
        // keystroke is always one of the first few (interpreted code); -Dbench.warmupRounds=0
        // measures the cold list.
        int warmRounds = Integer.getInteger("bench.warmupRounds", 3);
        for (int r = 0; r < warmRounds; r++) {
            for (Object k : keys) {
                fx(() -> {
                    key(search, k);
                    return null;
                });
                pulses(1);
            }
            fx(() -> {
                search.clear();
                return null;
            });
            pulses(2);
        }
        System.out.printf("  warm-up: %d rounds of the %d keystrokes below, typed and cleared, not measured%n",
                warmRounds, keys.size());
        // A/B in the same run, interleaved: every keystroke is measured with the list's fixed cell
        // size as shipped (A) and with it off, the list measuring its rows (B); the order alternates.
        double shipped = fx(list::getFixedCellSize);
        Stats a = new Stats(keys.size());
        Stats b = new Stats(keys.size());
        int[] shown = new int[keys.size()];
        for (int i = 0; i < keys.size(); i++) {
            Object k = keys.get(i);
            for (int v = 0; v < 2; v++) {
                boolean fixed = (i + v) % 2 == 0;
                fx(() -> {
                    list.setFixedCellSize(fixed ? shipped : -1);
                    return null;
                });
                pulses(2);
                keystroke(scene, search, list, k, i, fixed ? a : b, shown);
            }
            fx(() -> { // measured twice and undone: now type it for the next keystroke
                key(search, k);
                return null;
            });
            pulses(2);
        }
        fx(() -> {
            search.clear();
            list.setFixedCellSize(-1);
            return null;
        });
        pulses(3);
        String heights = fx(() -> list.lookupAll(".list-cell").stream().filter(n -> n.isVisible() && ((javafx.scene.control.Cell<?>) n).getItem() != null)
                .map(n -> (int) Math.round(n.getLayoutBounds().getHeight())).distinct().sorted().toList().toString());
        fx(() -> {
            list.setFixedCellSize(shipped);
            return null;
        });

        // Label chips: a click puts key=value in the search box.
        fx(() -> {
            search.clear();
            return null;
        });
        pulses(5);
        List<Node> chips = fx(() -> new ArrayList<>(list.lookupAll(".chip")));
        int chipClicks = Math.min(10, chips.size());
        long[] chipA = new long[chipClicks];
        long[] chipB = new long[chipClicks];
        long[] chipCpuA = new long[chipClicks];
        long[] chipCpuB = new long[chipClicks];
        var threadsMx = ManagementFactory.getThreadMXBean();
        int clicked = 0;
        for (int i = 0; i < chipClicks; i++) {
            for (int v = 0; v < 2; v++) {
                boolean fixed = (i + v) % 2 == 0;
                fx(() -> {
                    list.setFixedCellSize(fixed ? shipped : -1);
                    return null;
                });
                pulses(3);
                chips = fx(() -> new ArrayList<>(list.lookupAll(".chip")).stream()
                        .filter(n -> n.isVisible() && !n.getStyleClass().contains("chip-more")).toList());
                Node chip = chips.get(i % chips.size());
                int at = i;
                (fixed ? chipA : chipB)[i] = fx(() -> {
                    long c0 = threadsMx.getCurrentThreadCpuTime();
                    long s = System.nanoTime();
                    Event.fireEvent(chip, new MouseEvent(MouseEvent.MOUSE_CLICKED, 1, 1, 1, 1, MouseButton.PRIMARY, 1,
                            false, false, false, false, true, false, false, true, false, false, null));
                    scene.getRoot().applyCss();
                    scene.getRoot().layout();
                    (fixed ? chipCpuA : chipCpuB)[at] = threadsMx.getCurrentThreadCpuTime() - c0;
                    return System.nanoTime() - s;
                });
                pulses(2);
                fx(() -> {
                    search.clear();
                    return null;
                });
            }
            clicked++;
        }
        fx(() -> {
            list.setFixedCellSize(shipped);
            return null;
        });
        pulses(3);

        double[] load = {0};
        try {
            load[0] = Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (Exception ignored) {
            // not Linux
        }
        System.out.printf("load average %.1f on %d cores while measuring (wall times grow with it; CPU times much less)%n",
                load[0], Runtime.getRuntime().availableProcessors());
        System.out.printf("resource list benchmark: %d resources (%d apps, %d databases), JavaFX %s, prism %s, Java %s%n",
                count, count / 2, count - count / 2, System.getProperty("javafx.runtime.version"),
                System.getProperty("prism.order", "default"), System.getProperty("java.version"));
        System.out.printf("  open the workspace until the list holds them: %d ms%n", loadMs);
        System.out.printf("  fixed cell size as shipped: %.0f px; A = fixed cell size, B = rows measured (setFixedCellSize(-1)), same run, interleaved%n",
                shipped);
        for (Stats st : List.of(a, b)) {
            String v = st == a ? "A fixed   " : "B measured";
            System.out.printf("  %s search keystroke, work (key events + CSS + layout), wall: median %.2f ms, worst %.2f ms over %d keystrokes%n",
                    v, median(st.work), worst(st.work), st.work.length);
            System.out.printf("  %s   the same work in CPU time of the FX thread:          median %.2f ms, worst %.2f ms%n",
                    v, median(st.cpu), worst(st.cpu));
            System.out.printf("  %s   of which key events + filter: median %.2f ms, CSS: median %.2f ms, layout: median %.2f ms%n",
                    v, median(st.filter), median(st.css), median(st.layout));
            System.out.printf("  %s   key event to the next layout pulse, wall:           median %.2f ms, worst %.2f ms%n",
                    v, median(st.toPulse), worst(st.toPulse));
            System.out.printf("  %s   frame work (key events + the next pulse's own CSS and layout passes), wall: median %.2f ms, worst %.2f ms;"
                    + " FX-thread CPU: median %.2f ms, worst %.2f ms%n", v, median(st.frame), worst(st.frame), median(st.frameCpu), worst(st.frameCpu));
        }
        System.out.printf("  row heights the list measures (B, all resources, the first screenful): %s px%n", heights);
        System.out.printf("  rows shown per keystroke: %s%n", Arrays.toString(shown));
        System.out.printf("  A fixed    label chip click, work, wall: median %.2f ms, worst %.2f ms; FX-thread CPU: median %.2f ms, worst %.2f ms over %d clicks%n",
                median(Arrays.copyOf(chipA, clicked)), worst(Arrays.copyOf(chipA, clicked)),
                median(Arrays.copyOf(chipCpuA, clicked)), worst(Arrays.copyOf(chipCpuA, clicked)), clicked);
        System.out.printf("  B measured label chip click, work, wall: median %.2f ms, worst %.2f ms; FX-thread CPU: median %.2f ms, worst %.2f ms over %d clicks%n",
                median(Arrays.copyOf(chipB, clicked)), worst(Arrays.copyOf(chipB, clicked)),
                median(Arrays.copyOf(chipCpuB, clicked)), worst(Arrays.copyOf(chipCpuB, clicked)), clicked);
        System.out.printf("  A fixed    FX-thread CPU per keystroke (ms): %s%n", ms(a.cpu));
        System.out.printf("  A fixed    frame work per keystroke, FX-thread CPU (ms): %s%n", ms(a.frameCpu));
        System.out.printf("  A fixed    frame work per keystroke, wall (ms): %s%n", ms(a.frame));
        System.out.println("  memory, the bench's System.gc() x4 before each figure unless said:");
        System.out.printf("  heap used after GC: empty window %.1f MB, with %d resources %.1f MB: +%.1f MB%n",
                before.heapMb(), count, after.heapMb(), after.heapMb() - before.heapMb());
        System.out.printf("  heap committed after GC: empty window %.1f MB, with %d resources %.1f MB: +%.1f MB%n",
                before.committedMb(), count, after.committedMb(), after.committedMb() - before.committedMb());
        if (!after.nmt().isEmpty()) {
            System.out.println("  native memory (NMT), empty window:\n" + before.nmt() + "\n  with the resources:\n" + after.nmt());
        }
        System.out.printf("  5 s after, before any GC forced by the bench: heap committed %.1f -> %.1f MB (+%.1f), RSS %.1f -> %.1f MB (+%.1f)%n",
                emptySettled.committedMb(), settled.committedMb(), settled.committedMb() - emptySettled.committedMb(),
                emptySettled.rssMb(), settled.rssMb(), settled.rssMb() - emptySettled.rssMb());
        System.out.printf("  RSS: empty window %.1f MB, with %d resources %.1f MB: +%.1f MB%n",
                before.rssMb(), count, after.rssMb(), after.rssMb() - before.rssMb());
        Platform.runLater(() -> {
            desktop.close();
            core.close();
            Platform.exit();
        });
        System.exit(0);
    }

    static String workspace(int count) {
        StringBuilder sb = new StringBuilder("name: big\naws: {region: us-east-1}\napps:\n");
        String[] envs = {"prod", "staging", "dev", "test"};
        String[] regions = {"us-east-1", "eu-west-1", "ap-southeast-2"};
        int apps = count / 2;
        for (int i = 0; i < apps; i++) {
            sb.append("  - name: app-").append(i).append("-team-").append(i % 50).append('\n')
                    .append("    uri: https://console.aws.amazon.com/ec2/v2/home\n")
                    .append("    description: Console of account ").append(100000000000L + i).append('\n')
                    .append("    labels: {aws_account_id: '").append(100000000000L + i).append("', env: ")
                    .append(envs[i % 4]).append(", team: team-").append(i % 50).append("}\n");
        }
        sb.append("databases:\n");
        for (int i = 0; i < count - apps; i++) {
            String region = regions[i % 3];
            sb.append("  - name: orders-").append(i).append('\n')
                    .append("    description: Aurora PostgreSQL cluster ").append(i).append(" of team ").append(i % 50).append('\n')
                    .append("    protocol: postgres\n")
                    .append("    uri: orders-").append(i).append(".cluster-c9abcdefghij.").append(region)
                    .append(".rds.amazonaws.com:5432\n")
                    .append("    labels: {env: ").append(envs[i % 4]).append(", team: team-").append(i % 50)
                    .append(", region: ").append(region).append(", engine: aurora-postgresql}\n")
                    .append("    aws: {region: ").append(region).append(", rds: {cluster_id: orders-").append(i).append("}}\n");
        }
        return sb.toString();
    }

    /** The times of one variant, one slot per keystroke. */
    private static final class Stats {
        final long[] work;
        final long[] cpu;
        final long[] filter;
        final long[] css;
        final long[] layout;
        final long[] toPulse;
        /** The key events, then the next pulse's own CSS and layout passes (from its pre- to its post-layout listeners). */
        final long[] frame;
        final long[] frameCpu;

        Stats(int n) {
            work = new long[n];
            cpu = new long[n];
            filter = new long[n];
            css = new long[n];
            layout = new long[n];
            toPulse = new long[n];
            frame = new long[n];
            frameCpu = new long[n];
        }
    }

    /**
     * One keystroke, measured twice: (a) the key events, then the CSS and layout pass the next
     * pulse would run, synchronously on the FX thread (wall and CPU time); undone; (b) again, to
     * the real next layout pulse; undone.
     */
    private static void keystroke(Scene scene, TextField search, ListView<Object> list, Object k, int at, Stats st,
                                  int[] shown) throws Exception {
        var threads = ManagementFactory.getThreadMXBean();
        String textBefore = fx(search::getText);
        st.work[at] = fx(() -> {
            long c0 = threads.getCurrentThreadCpuTime();
            long s = System.nanoTime();
            key(search, k);
            long filtered = System.nanoTime();
            scene.getRoot().applyCss();
            long css = System.nanoTime();
            scene.getRoot().layout();
            long laid = System.nanoTime();
            shown[at] = list.getItems().size();
            st.cpu[at] = threads.getCurrentThreadCpuTime() - c0;
            st.filter[at] = filtered - s;
            st.css[at] = css - filtered;
            st.layout[at] = laid - css;
            return laid - s;
        });
        pulses(2);
        undo(search, textBefore);
        long[] pulse = toNextPulse(scene, () -> key(search, k));
        st.toPulse[at] = pulse[0];
        st.frame[at] = pulse[1];
        st.frameCpu[at] = pulse[2];
        pulses(2);
        undo(search, textBefore);
    }

    private static void screenshot(Scene scene, Path png) throws Exception {
        java.awt.image.BufferedImage out = fx(() -> {
            javafx.scene.image.WritableImage img = scene.snapshot(null);
            int w = (int) img.getWidth();
            int h = (int) img.getHeight();
            int[] argb = new int[w * h];
            img.getPixelReader().getPixels(0, 0, w, h, javafx.scene.image.PixelFormat.getIntArgbInstance(), argb, 0, w);
            java.awt.image.BufferedImage b = new java.awt.image.BufferedImage(w, h, java.awt.image.BufferedImage.TYPE_INT_ARGB);
            b.setRGB(0, 0, w, h, argb, 0, w);
            return b;
        });
        javax.imageio.ImageIO.write(out, "png", png.toFile());
        System.out.println("  screenshot: " + png);
    }

    private static void undo(TextField search, String textBefore) throws Exception {
        fx(() -> {
            search.setText(textBefore);
            search.positionCaret(textBefore.length());
            return null;
        });
        pulses(2);
    }

    private static void key(TextField target, Object k) {
        if (k instanceof Character c) {
            String s = String.valueOf(c);
            Event.fireEvent(target, new KeyEvent(KeyEvent.KEY_PRESSED, "", s, KeyCode.UNDEFINED, false, false, false, false));
            Event.fireEvent(target, new KeyEvent(KeyEvent.KEY_TYPED, s, s, KeyCode.UNDEFINED, false, false, false, false));
            Event.fireEvent(target, new KeyEvent(KeyEvent.KEY_RELEASED, "", s, KeyCode.UNDEFINED, false, false, false, false));
        } else {
            KeyCode code = (KeyCode) k;
            Event.fireEvent(target, new KeyEvent(KeyEvent.KEY_PRESSED, "", "", code, false, false, false, false));
            Event.fireEvent(target, new KeyEvent(KeyEvent.KEY_RELEASED, "", "", code, false, false, false, false));
        }
    }

    /**
     * Runs the keystroke on the FX thread; returns the time until the next post-layout pulse, and
     * the key events' time plus the time of that pulse's own CSS and layout passes (wall, then FX-thread
     * CPU). Unlike "work", whose {@code applyCss()} on the root makes CSS update every node of the
     * scene, the pulse's CSS pass only visits what the keystroke made dirty: this is the FX-thread work
     * of the frame as the app does it (the scene graph's sync to the renderer not included).
     */
    private static long[] toNextPulse(Scene scene, Runnable keystroke) throws Exception {
        var threads = ManagementFactory.getThreadMXBean();
        CompletableFuture<long[]> done = new CompletableFuture<>();
        long[] at = new long[4]; // start, key events' wall, key events' CPU, the pulse's start (CPU at [3])
        long[] pulseStart = new long[1];
        Platform.runLater(() -> {
            Runnable[] pre = new Runnable[1];
            Runnable[] post = new Runnable[1];
            pre[0] = () -> {
                scene.removePreLayoutPulseListener(pre[0]);
                pulseStart[0] = System.nanoTime();
                at[3] = threads.getCurrentThreadCpuTime();
            };
            post[0] = () -> {
                scene.removePostLayoutPulseListener(post[0]);
                long now = System.nanoTime();
                done.complete(new long[] {now - at[0], at[1] + (now - pulseStart[0]),
                        at[2] + (threads.getCurrentThreadCpuTime() - at[3])});
            };
            long c0 = threads.getCurrentThreadCpuTime();
            at[0] = System.nanoTime();
            keystroke.run();
            at[1] = System.nanoTime() - at[0];
            at[2] = threads.getCurrentThreadCpuTime() - c0;
            scene.addPreLayoutPulseListener(pre[0]);
            scene.addPostLayoutPulseListener(post[0]);
            Platform.requestNextPulse();
        });
        return done.get(30, TimeUnit.SECONDS);
    }

    /** Waits for n pulses (the list settles, cells are made). */
    private static void pulses(int n) throws Exception {
        for (int i = 0; i < n; i++) {
            CountDownLatch l = new CountDownLatch(1);
            Platform.runLater(() -> {
                Platform.requestNextPulse();
                Platform.runLater(l::countDown);
            });
            l.await(30, TimeUnit.SECONDS);
            Thread.sleep(16);
        }
    }

    private static void waitFor(String what, Callable<Boolean> c) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!c.call()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private static <T> T fx(Callable<T> work) throws Exception {
        return DesktopFixture.fx(work);
    }

    private static double median(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return s.length == 0 ? 0 : s[s.length / 2] / 1e6;
    }

    private static String ms(long[] nanos) {
        return Arrays.toString(Arrays.stream(nanos).mapToObj(n -> String.format("%.1f", n / 1e6)).toArray());
    }

    private static double worst(long[] nanos) {
        return Arrays.stream(nanos).max().orElse(0) / 1e6;
    }

    record Memory(double heapMb, double committedMb, double rssMb, String nmt) {
        static Memory now() throws Exception {
            return measure(true);
        }

        /** With {@code gc}, after four System.gc() (the heap used is then what is live). */
        static Memory measure(boolean gc) throws Exception {
            for (int i = 0; gc && i < 4; i++) {
                System.gc();
                Thread.sleep(200);
            }
            var usage = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
            long heap = usage.getUsed();
            double rss = 0;
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                }
            }
            String nmt = "";
            if (ManagementFactory.getRuntimeMXBean().getInputArguments().stream().anyMatch(a -> a.startsWith("-XX:NativeMemoryTracking"))) {
                nmt = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                        new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
                        new Object[] {new String[] {"summary", "scale=KB"}}, new String[] {String[].class.getName()});
            }
            return new Memory(heap / 1048576.0, usage.getCommitted() / 1048576.0, rss, nmt);
        }
    }
}
