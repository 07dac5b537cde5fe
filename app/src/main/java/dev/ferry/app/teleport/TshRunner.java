package dev.ferry.app.teleport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one tsh command to completion with an exact environment (nothing inherited from the
 * JVM), stdin closed, stdout and stderr captured, and a deadline after which the process
 * tree is killed.
 */
final class TshRunner {
    private final Map<String, String> env;

    TshRunner(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    Map<String, String> env() {
        return env;
    }

    ProcessBuilder builder(Path tsh, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(tsh.toString());
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().clear();
        pb.environment().putAll(env);
        return pb;
    }

    TshOutput run(Path tsh, List<String> args, Duration timeout) {
        Process p;
        try {
            p = builder(tsh, args).start();
        } catch (IOException e) {
            throw new TshException("Could not start tsh (" + tsh + "): " + e.getMessage(),
                    "Check that the file is an executable tsh.", -1);
        }
        try {
            p.getOutputStream().close();
        } catch (IOException e) {
            // nothing to send anyway
        }
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(p);
                throw new TshException("tsh " + String.join(" ", args.subList(0, Math.min(2, args.size())))
                        + " did not finish within " + timeout.toSeconds() + " s; it was stopped.",
                        "Check your network connection to the Teleport proxy, then try again.", -1);
            }
            return new TshOutput(p.exitValue(), out.get(5, TimeUnit.SECONDS), err.get(5, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            throw new TshException("Stopped waiting for tsh.", "", -1);
        } catch (ExecutionException | TimeoutException e) {
            throw new TshException("Could not read tsh's output: " + e.getMessage(), "", -1);
        }
    }

    static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                in.transferTo(buf);
                return buf.toString(StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, r -> {
            Thread t = new Thread(r, "tsh-output");
            t.setDaemon(true);
            t.start();
        });
    }

    /** Stops a process and everything it started. */
    static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }
}
