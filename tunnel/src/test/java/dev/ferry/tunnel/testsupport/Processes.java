package dev.ferry.tunnel.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a client program (psql, mariadb, mysqlslap...) to its end, with stdin and both outputs. */
public final class Processes {
    private Processes() {
    }

    /** Result of a finished process (outputs stripped). */
    public record Result(int exit, String out, String err) {
    }

    /** Environment variables the client programs read for passwords: removed, the tunnels need none. */
    private static final List<String> PASSWORD_VARIABLES = List.of("PGPASSWORD", "MYSQL_PWD");

    public static Result run(List<String> command, String stdin, int timeoutSeconds) throws Exception {
        return run(command, stdin, timeoutSeconds, Map.of());
    }

    public static Result run(List<String> command, String stdin, int timeoutSeconds, Map<String, String> env)
            throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command);
        PASSWORD_VARIABLES.forEach(pb.environment()::remove);
        pb.environment().putAll(env);
        Process p = pb.start();
        var err = new ByteArrayOutputStream();
        Thread errReader = new Thread(() -> {
            try {
                p.getErrorStream().transferTo(err);
            } catch (IOException ignored) {
                // process ended
            }
        });
        errReader.start();
        Thread writer = new Thread(() -> {
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException ignored) {
                // process ended
            }
        });
        writer.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("Timed out: " + command);
        }
        errReader.join();
        writer.join();
        return new Result(p.exitValue(), out.strip(), err.toString(StandardCharsets.UTF_8).strip());
    }
}
