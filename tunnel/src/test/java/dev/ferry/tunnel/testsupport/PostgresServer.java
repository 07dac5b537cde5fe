package dev.ferry.tunnel.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private PostgreSQL 15 for tests: initdb in a temp folder (run as the {@code postgres}
 * user when the JVM runs as root, since the server refuses root), listening on 127.0.0.1
 * and 127.0.0.2 at a free port, with ssl=on and a server certificate for
 * localhost/127.0.0.1 issued by a throw-away test CA ({@link #caPem()}).
 *
 * <p>Users (all with password {@link #PASSWORD}) and how pg_hba lets them in over TLS:
 * {@link #PASSWORD_USER} cleartext password, {@link #MD5_USER} md5, {@link #SCRAM_USER}
 * scram-sha-256; {@link #TRUST_USER} and the superuser {@link #SUPERUSER} trust. The
 * database {@link #DATABASE} exists besides postgres.
 */
public final class PostgresServer implements AutoCloseable {
    public static final Path BIN = Path.of(System.getenv().getOrDefault("PG_BIN", "/usr/lib/postgresql/15/bin"));
    public static final String SUPERUSER = "postgres";
    public static final String PASSWORD_USER = "u_password";
    public static final String MD5_USER = "u_md5";
    public static final String SCRAM_USER = "u_scram";
    public static final String TRUST_USER = "u_trust";
    public static final String PASSWORD = "s3cret-Pw";
    public static final String DATABASE = "ferrydb";

    private static PostgresServer shared;

    private final Path dir;
    private final int port;
    private final boolean asRoot;
    private boolean stopped;

    private PostgresServer(Path dir, int port, boolean asRoot) {
        this.dir = dir;
        this.port = port;
        this.asRoot = asRoot;
    }

    /** One server for the whole test JVM, stopped at JVM exit. */
    public static synchronized PostgresServer shared() {
        if (shared == null) {
            try {
                shared = start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared;
    }

    public static PostgresServer start() throws IOException {
        return start(60);
    }

    /** A private server allowing {@code maxConnections} connections (the load bench needs more than the tests). */
    public static PostgresServer start(int maxConnections) throws IOException {
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("ferry-pg-");
        Path data = dir.resolve("data");
        TestCertificates.write(dir);
        if (root) {
            run(List.of("chown", "-R", "postgres:postgres", dir.toString()), 30);
        }
        runAs(root, List.of(BIN.resolve("initdb").toString(), "-D", data.toString(), "-A", "trust",
                "-U", SUPERUSER, "-E", "UTF8", "--no-sync"), 120);
        Files.writeString(data.resolve("pg_hba.conf"), String.join("\n",
                "local   all all trust",
                "hostssl all " + PASSWORD_USER + " 127.0.0.0/8 password",
                "hostssl all " + MD5_USER + " 127.0.0.0/8 md5",
                "hostssl all " + SCRAM_USER + " 127.0.0.0/8 scram-sha-256",
                "host    all all 127.0.0.0/8 trust", ""));
        Files.writeString(data.resolve("postgresql.conf"), String.join("\n",
                "listen_addresses = '127.0.0.1,127.0.0.2'",
                "unix_socket_directories = '" + dir + "'",
                "ssl = on",
                "ssl_cert_file = '" + dir.resolve("server.crt") + "'",
                "ssl_key_file = '" + dir.resolve("server.key") + "'",
                "max_connections = " + maxConnections,
                "fsync = off",
                "synchronous_commit = off",
                "full_page_writes = off", ""), StandardOpenOption.APPEND);
        if (root) {
            run(List.of("chown", "-R", "postgres:postgres", dir.toString()), 30);
        }
        run(List.of("chmod", "600", dir.resolve("server.key").toString()), 30);
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = FreePorts.find();
            try {
                runAs(root, List.of(BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-o", "-p " + port,
                        "-l", dir.resolve("server.log").toString(), "-w", "-t", "60", "start"), 90);
                PostgresServer server = new PostgresServer(dir, port, root);
                server.awaitReady();
                server.init();
                return server;
            } catch (IOException e) {
                last = e; // the port may have been taken meanwhile
            }
        }
        throw new IOException("PostgreSQL did not start; see " + dir.resolve("server.log"), last);
    }

    private void init() throws IOException {
        psql("CREATE DATABASE " + DATABASE);
        psql("SET password_encryption = 'md5'; CREATE ROLE " + MD5_USER + " LOGIN PASSWORD '" + PASSWORD + "'");
        for (String user : List.of(PASSWORD_USER, SCRAM_USER, TRUST_USER)) {
            psql("SET password_encryption = 'scram-sha-256'; CREATE ROLE " + user + " LOGIN PASSWORD '"
                    + PASSWORD + "'");
        }
        for (String user : List.of(PASSWORD_USER, MD5_USER, SCRAM_USER, TRUST_USER)) {
            psql("GRANT ALL ON DATABASE " + DATABASE + " TO " + user + "; ALTER DATABASE " + DATABASE
                    + " OWNER TO " + SUPERUSER);
        }
        psqlIn(DATABASE, "GRANT ALL ON SCHEMA public TO PUBLIC");
    }

    /** Polls pg_isready until the server accepts connections. */
    private void awaitReady() {
        Wait.until("PostgreSQL on port " + port + " accepts connections", () -> {
            Process p = new ProcessBuilder(BIN.resolve("pg_isready").toString(), "-h", "127.0.0.1",
                    "-p", String.valueOf(port), "-q").redirectErrorStream(true).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        });
    }

    public int port() {
        return port;
    }

    /** The test CA that issued the server certificate (PEM). */
    public Path caPem() {
        return dir.resolve("ca.pem");
    }

    public Path dir() {
        return dir;
    }

    /** Runs SQL as the superuser in database postgres; returns unaligned tuples-only output. */
    public String psql(String sql) throws IOException {
        return psqlIn("postgres", sql);
    }

    public String psqlIn(String database, String sql) throws IOException {
        return run(List.of("psql", "-X", "-At", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p",
                String.valueOf(port), "-U", SUPERUSER, "-d", database, "-c", sql), 60);
    }

    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        try {
            runAs(asRoot, List.of(BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(),
                    "-m", "immediate", "-w", "stop"), 60);
        } catch (IOException e) {
            System.err.println("Could not stop PostgreSQL in " + dir + ": " + e.getMessage());
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // temp folder, best effort
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static String runAs(boolean root, List<String> command, int timeoutSeconds) throws IOException {
        List<String> full = new ArrayList<>();
        if (root) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        return run(full, timeoutSeconds);
    }

    /** Runs a command; returns stdout, or throws with its output when it fails. */
    public static String run(List<String> command, int timeoutSeconds) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("Timed out: " + String.join(" ", command));
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IOException("Failed (" + p.exitValue() + "): " + String.join(" ", command) + "\n" + text);
            }
            return text.strip();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
