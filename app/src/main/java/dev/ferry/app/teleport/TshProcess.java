package dev.ferry.app.teleport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A long-running tsh (e.g. {@code tsh proxy db --tunnel}, {@code tsh proxy aws}) that a
 * supervisor watches: its output lines (colour codes stripped) go to a listener and the
 * last ones are kept for error messages; {@link #onExit()} completes with the exit status;
 * {@link #stop(Duration)} asks it to stop and kills the process tree after a grace period.
 */
public final class TshProcess implements AutoCloseable {
    private static final int KEEP_LINES = 50;

    private final Process process;
    private final List<String> args;
    private final Deque<String> recent = new ArrayDeque<>();
    private final CompletableFuture<Integer> exit;

    TshProcess(Process process, List<String> args, Consumer<String> lines) {
        this.process = process;
        this.args = List.copyOf(args);
        CompletableFuture<Void> out = pump(process.getInputStream(), lines);
        CompletableFuture<Void> err = pump(process.getErrorStream(), lines);
        this.exit = process.onExit().thenCombine(out.thenCombine(err, (a, b) -> null), (p, x) -> p.exitValue());
    }

    private CompletableFuture<Void> pump(InputStream in, Consumer<String> lines) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    String plain = TshOutput.plain(line);
                    synchronized (recent) {
                        recent.addLast(plain);
                        while (recent.size() > KEEP_LINES) {
                            recent.removeFirst();
                        }
                    }
                    if (lines != null) {
                        lines.accept(plain);
                    }
                }
            } catch (IOException e) {
                // stream closed when the process ends
            } finally {
                done.complete(null);
            }
        }, "tsh-" + (args.isEmpty() ? "process" : args.get(0)));
        t.setDaemon(true);
        t.start();
        return done;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The tsh arguments this process runs with. */
    public List<String> args() {
        return args;
    }

    /** Completes with the exit status once the process ended and its output was read. */
    public CompletableFuture<Integer> onExit() {
        return exit;
    }

    /** The last lines tsh printed (stdout and stderr interleaved), oldest first. */
    public List<String> recentOutput() {
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }

    /** Asks tsh to stop (SIGTERM), then kills it and its children after {@code grace}. */
    public void stop(Duration grace) {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                TshRunner.kill(process);
                process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            TshRunner.kill(process);
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(3));
    }
}
