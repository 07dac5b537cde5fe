package dev.ferry.app.testsupport;

import dev.ferry.app.FerryCore;
import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.cli.FerryCli;
import dev.ferry.tunnel.testsupport.Wait;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A foreground `ferry` command (a tunnel) running in the background of a test until {@link #stop()}. */
public final class RunningCli {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CompletableFuture<Integer> exit;

    public RunningCli(FerryEnvironment env, String... args) {
        exit = CompletableFuture.supplyAsync(() -> {
            try (FerryCore core = new FerryCore(env)) {
                return FerryCli.run(core, args, new PrintWriter(out, true), new PrintWriter(err, true), stop);
            }
        }, RunningCli::ownThread);
    }

    /**
     * Runs a foreground command on a thread of its own: it blocks until stopped, which does not
     * belong on the common ForkJoinPool (on JDK 25 a pool thread blocked there was interrupted,
     * which ends the command as Ctrl-C would).
     */
    public static void ownThread(Runnable r) {
        Thread t = new Thread(r, "ferry-cli-under-test");
        t.setDaemon(true);
        t.start();
    }

    public String out() {
        return out.toString();
    }

    public String err() {
        return err.toString();
    }

    /** Waits until the command printed "… on 127.0.0.1:PORT" (stdout or stderr) and returns the port. */
    public int port() throws Exception {
        Pattern p = Pattern.compile("on 127\\.0\\.0\\.1:(\\d+)");
        String text = Wait.until("the tunnel printed its port", () -> out() + err(),
                t -> p.matcher(t).find() || exit.isDone());
        Matcher m = p.matcher(text);
        if (!m.find()) {
            throw new AssertionError("ferry exited " + exit.get() + ": " + err());
        }
        return Integer.parseInt(m.group(1));
    }

    /** Parses the {@code export K="V"} lines a command printed (e.g. `ferry proxy aws`). */
    public static java.util.Map<String, String> exports(String text) {
        java.util.Map<String, String> out = new java.util.HashMap<>();
        Matcher m = Pattern.compile("(?m)^export (\\w+)=\"([^\"]*)\"$").matcher(text);
        while (m.find()) {
            out.put(m.group(1), m.group(2));
        }
        return out;
    }

    /** Sends the stop signal (as Ctrl-C would) and returns the exit status. */
    public int stop() throws Exception {
        stop.countDown();
        return exit.get(30, TimeUnit.SECONDS);
    }
}
