package dev.ferry.app.integrations;

import dev.ferry.app.testsupport.MotoServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private PostgreSQL 15 server (trust authentication) on a free loopback port for one test
 * class. As root it runs as the {@code postgres} user, as the server requires.
 */
final class PostgresServer implements BeforeAllCallback, AfterAllCallback {
    private static final String BIN = "/usr/lib/postgresql/15/bin/";
    private Path dir;
    private int port;

    int port() {
        return port;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("ferry-pg-");
        port = MotoServer.freePort();
        run(List.of("chown", "postgres", dir.toString()), false);
        run(asPostgres(BIN + "initdb", "-D", dir.resolve("data").toString(), "-A", "trust", "-U", "postgres"), true);
        run(asPostgres(BIN + "pg_ctl", "-D", dir.resolve("data").toString(), "-w", "-t", "30",
                "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1",
                "-l", dir.resolve("log").toString(), "start"), true);
    }

    /** Runs SQL as the superuser through psql. */
    String sql(String database, String statement) throws IOException, InterruptedException {
        return run(List.of("psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", String.valueOf(port),
                "-U", "postgres", "-d", database, "-c", statement), true);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (dir != null) {
            run(asPostgres(BIN + "pg_ctl", "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop"), false);
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static List<String> asPostgres(String... command) {
        List<String> out = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            out.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        out.addAll(List.of(command));
        return out;
    }

    static String run(List<String> command, boolean check) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out: " + command);
        }
        if (check && p.exitValue() != 0) {
            throw new IllegalStateException(command + " failed (" + p.exitValue() + "): " + out);
        }
        return out;
    }
}
