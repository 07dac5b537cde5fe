package dev.ferry.tunnel.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private MariaDB (Debian's mariadb-server) for tests: mariadb-install-db in a temp folder,
 * mariadbd as the {@code mysql} user when the JVM runs as root, on 127.0.0.1 at a free port,
 * (and 127.0.0.2, which its certificate does not name) with TLS (a server certificate for localhost/127.0.0.1 from a throw-away CA,
 * {@link #caPem()}) and the {@code pam} plugin asking for the password with the clear-text
 * plugin ({@code pam_use_cleartext_plugin}), as RDS's IAM plugin does.
 *
 * <p>Users: {@link #NATIVE_USER} (mysql_native_password, {@link #PASSWORD}, TLS required) and
 * {@link #IAM_USER} (pam: a PAM service {@code /etc/pam.d/ferry-test-N}, written by the set-up
 * and removed at stop, whose {@code pam_exec expose_authtok} script records each password it is
 * given and accepts only {@link #expectIamToken} or, when set, one starting with
 * {@link #acceptIamTokensStartingWith}; TLS required). Administration goes through
 * the unix socket as root. The database {@link #DATABASE} exists.
 */
public final class MariaDbServer implements AutoCloseable {
    public static final String NATIVE_USER = "u_native";
    public static final String IAM_USER = "u_iam";
    public static final String PASSWORD = "s3cret-Pw";
    public static final String DATABASE = "ferrydb";
    private static final String MYSQL_USER = "mysql";

    private static MariaDbServer shared;

    private final Path dir;
    private final int port;
    private final boolean asRoot;
    private final Path pamService;
    private Process server;
    private boolean stopped;

    private MariaDbServer(Path dir, int port, boolean asRoot, Path pamService) {
        this.dir = dir;
        this.port = port;
        this.asRoot = asRoot;
        this.pamService = pamService;
    }

    /** One server for the whole test JVM, stopped at JVM exit. */
    public static synchronized MariaDbServer shared() {
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

    public static MariaDbServer start() throws IOException {
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root) {
            throw new IOException("The MariaDB test server must be started as root: it runs mariadbd as the "
                    + "mysql user (whose PAM helper auth_pam_tool it needs) and installs a PAM service in /etc/pam.d");
        }
        // PAM lower-cases service names and takes only the base name: one in /etc/pam.d per test server.
        Path dir = Files.createTempDirectory("ferry-mariadb-");
        String service = "ferry-test-" + ProcessHandle.current().pid() + "-" + dir.getFileName().toString()
                .replaceAll("[^0-9]", "");
        Path pam = Path.of("/etc/pam.d", service);
        TestCertificates.write(dir);
        Path script = dir.resolve("record-token.sh");
        Files.writeString(script, String.join("\n",
                "#!/bin/sh",
                "# pam_exec expose_authtok: the password arrives on stdin, NUL-terminated",
                "tok=$(tr -d '\\000')",
                "printf '%s\\n' \"$tok\" >> '" + dir.resolve("iam-received") + "'",
                "[ -n \"$tok\" ] || exit 1",
                "[ \"$tok\" = \"$(cat '" + dir.resolve("iam-expected") + "')\" ] && exit 0",
                "pre=$(cat '" + dir.resolve("iam-expected-prefix") + "')",
                "[ -n \"$pre\" ] && case \"$tok\" in \"$pre\"*) exit 0;; esac",
                "exit 1", ""));
        Files.writeString(dir.resolve("iam-expected"), "");
        Files.writeString(dir.resolve("iam-expected-prefix"), "");
        Files.writeString(pam, "auth required pam_exec.so expose_authtok quiet " + script + "\n"
                + "account required pam_permit.so\n");
        run(List.of("chmod", "755", script.toString()), 30);
        run(List.of("chown", "-R", MYSQL_USER + ":" + MYSQL_USER, dir.toString()), 30);
        run(List.of("chmod", "600", dir.resolve("server.key").toString()), 30);
        runAs(List.of("mariadb-install-db", "--no-defaults", "--datadir=" + dir.resolve("data"),
                "--auth-root-authentication-method=normal", "--skip-test-db"), 120);
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = FreePorts.find();
            MariaDbServer s = new MariaDbServer(dir, port, root, pam);
            try {
                s.launch();
                s.init(service);
                return s;
            } catch (IOException e) {
                last = e; // the port may have been taken meanwhile
                s.kill();
            }
        }
        Files.deleteIfExists(pam);
        throw new IOException("MariaDB did not start; see " + dir.resolve("server.log"), last);
    }

    private void launch() throws IOException {
        List<String> cmd = new ArrayList<>(List.of("runuser", "-u", MYSQL_USER, "--", "mariadbd", "--no-defaults",
                "--datadir=" + dir.resolve("data"), "--port=" + port, "--bind-address=127.0.0.1,127.0.0.2",
                "--socket=" + socket(), "--pid-file=" + dir.resolve("mariadb.pid"),
                "--log-error=" + dir.resolve("server.log"),
                "--ssl-cert=" + dir.resolve("server.crt"), "--ssl-key=" + dir.resolve("server.key"),
                "--ssl-ca=" + dir.resolve("ca.pem"),
                "--plugin-load-add=auth_pam", "--pam-use-cleartext-plugin=ON",
                "--skip-log-bin", "--innodb-buffer-pool-size=128M", "--innodb-flush-log-at-trx-commit=0",
                "--max-connections=500", "--local-infile=ON", "--max-allowed-packet=64M"));
        server = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile()).start();
        awaitReady();
    }

    /** Waits until the server greets on its TCP port (a server that exits fails at once). */
    private void awaitReady() throws IOException {
        Wait.until("MariaDB on port " + port + " greets", () -> {
            if (!server.isAlive()) {
                return true; // reported below, without waiting out the timeout
            }
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(5000);
                return s.getInputStream().read() >= 0;
            }
        });
        if (!server.isAlive()) {
            throw new IOException("mariadbd exited with " + server.exitValue() + ": " + log());
        }
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("server.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private void init(String pamServiceName) throws IOException {
        sql("CREATE DATABASE " + DATABASE + ";"
                + "CREATE USER " + NATIVE_USER + "@'%' IDENTIFIED VIA mysql_native_password USING PASSWORD('"
                + PASSWORD + "') REQUIRE SSL;"
                + "CREATE USER " + IAM_USER + "@'%' IDENTIFIED VIA pam USING '" + pamServiceName + "' REQUIRE SSL;"
                + "GRANT ALL ON " + DATABASE + ".* TO " + NATIVE_USER + "@'%';"
                + "GRANT ALL ON " + DATABASE + ".* TO " + IAM_USER + "@'%';"
                + "GRANT FILE ON *.* TO " + NATIVE_USER + "@'%';");
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

    /** The only password the PAM service accepts for {@link #IAM_USER} from now on. */
    public void expectIamToken(String token) throws IOException {
        Files.writeString(dir.resolve("iam-expected"), token);
    }

    /**
     * Also accept, from now on, any password that starts with {@code prefix} (empty: none): for
     * callers that cannot know the token in advance (an RDS token signed inside the code under
     * test) and check what {@link #iamTokensReceived()} recorded instead.
     */
    public void acceptIamTokensStartingWith(String prefix) throws IOException {
        Files.writeString(dir.resolve("iam-expected-prefix"), prefix);
    }

    /** Every password the PAM service was given, oldest first. */
    public List<String> iamTokensReceived() throws IOException {
        Path f = dir.resolve("iam-received");
        return Files.exists(f) ? Files.readAllLines(f) : List.of();
    }

    /** Runs SQL as root over the unix socket; returns the tab-separated rows without headers. */
    public String sql(String statements) throws IOException {
        return run(List.of("mariadb", "--no-defaults", "--socket=" + socket(), "-uroot", "-N", "-B",
                "-e", statements), 60);
    }

    private Path socket() {
        return dir.resolve("mariadb.sock");
    }

    /** The server's own clients connecting directly over TLS (the reference of the tunnel tests). */
    public List<String> directClient(String user, String... args) {
        List<String> cmd = new ArrayList<>(List.of("mariadb", "--no-defaults", "-h", "127.0.0.1", "-P",
                String.valueOf(port), "-u", user, "-p" + PASSWORD, "--ssl", "--ssl-ca=" + caPem(), DATABASE));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Stops mariadbd, keeping its data and port, as a database that went down (see {@link #resume()}). */
    public synchronized void pause() {
        kill();
    }

    /** Starts mariadbd again on the same port and data after {@link #pause()}; returns once it greets. */
    public synchronized void resume() throws IOException {
        launch();
    }

    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        kill();
        try {
            Files.deleteIfExists(pamService);
        } catch (IOException e) {
            System.err.println("Could not remove " + pamService + ": " + e.getMessage());
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // temp folder, best effort
        }
    }

    private void kill() {
        if (server == null) {
            return;
        }
        ProcessHandle.allProcesses()
                .filter(p -> p.parent().map(pp -> pp.pid() == server.pid()).orElse(false))
                .forEach(ProcessHandle::destroy);
        server.destroy();
        try {
            if (!server.waitFor(Duration.ofSeconds(30).toSeconds(), TimeUnit.SECONDS)) {
                server.descendants().forEach(ProcessHandle::destroyForcibly);
                server.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static String runAs(List<String> command, int timeoutSeconds) throws IOException {
        List<String> full = new ArrayList<>(List.of("runuser", "-u", MYSQL_USER, "--"));
        full.addAll(command);
        return run(full, timeoutSeconds);
    }

    private static String run(List<String> command, int timeoutSeconds) throws IOException {
        return PostgresServer.run(command, timeoutSeconds);
    }
}
