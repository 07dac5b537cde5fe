package dev.ferry.app.teleport;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.app.FerryCore;
import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.cli.FerryCli;
import dev.ferry.app.tunnels.Tunnel;
import dev.ferry.app.tunnels.TunnelSpec;
import dev.ferry.app.tunnels.TunnelStatus;
import dev.ferry.tunnel.mysql.MySqlTunnel;
import dev.ferry.tunnel.mysql.MySqlTunnelConfig;
import dev.ferry.tunnel.pg.PasswordSupplier;
import dev.ferry.tunnel.pg.TlsMode;
import dev.ferry.tunnel.testsupport.MariaDbServer;
import dev.ferry.tunnel.testsupport.PostgresServer;
import dev.ferry.tunnel.testsupport.Processes;
import dev.ferry.tunnel.testsupport.Wait;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code ferry proxy db} / {@code ferry proxy aws} on a Teleport workspace, end to end: the
 * tsh stand-in's {@code proxy db --tunnel} really listens and relays to a real PostgreSQL 15,
 * and the real psql connects through it.
 */
class TeleportTunnelCliTest {
    static PostgresServer pg;

    @TempDir
    Path dir;

    TshStub tsh;
    FerryEnvironment env;
    Path workspace;

    @BeforeAll
    static void startPostgres() {
        pg = PostgresServer.shared();
    }

    @BeforeEach
    void setUp() throws Exception {
        tsh = new TshStub(dir);
        tsh.addRelayedDatabase("pg-local", pg.port(), PostgresServer.TRUST_USER);
        env = tsh.env(dir.resolve("ferry-home"));
        workspace = tsh.workspace("");
    }

    final List<Running> running = new ArrayList<>();

    /** A failed assertion must not leave a tunnel (and its tsh) running. */
    @AfterEach
    void stopAll() throws Exception {
        for (Running r : running) {
            r.stop();
        }
    }

    record Result(int code, String out, String err) {
    }

    Result run(FerryEnvironment e, String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try (FerryCore core = new FerryCore(e, url -> { })) {
            int code = FerryCli.run(core, withWorkspace(args), new BufferedReader(new StringReader(stdin)), null,
                    new PrintWriter(out), new PrintWriter(err));
            return new Result(code, out.toString(), err.toString());
        }
    }

    String[] withWorkspace(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("-w");
        all.add(workspace.toString());
        return all.toArray(String[]::new);
    }

    void login() {
        Result r = run(env, "correct horse\n123456\n", "login");
        assertThat(r.code()).as(r.err()).isZero();
    }

    /** A foreground `ferry proxy ...` running until {@link #stop()}. */
    final class Running {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CountDownLatch stop = new CountDownLatch(1);
        final CompletableFuture<Integer> exit;

        Running(String... args) {
            running.add(this);
            exit = CompletableFuture.supplyAsync(() -> {
                try (FerryCore core = new FerryCore(env, url -> { })) {
                    return FerryCli.run(core, withWorkspace(args), new PrintWriter(out, true),
                            new PrintWriter(err, true), stop);
                }
            }, dev.ferry.app.testsupport.RunningCli::ownThread);
        }

        String await(Pattern p) throws Exception {
            String text = Wait.until("output matching " + p, () -> out + "\n" + err,
                    t -> p.matcher(t).find() || exit.isDone());
            Matcher m = p.matcher(text);
            if (!m.find()) {
                throw new AssertionError("ferry exited " + exit.get() + ": " + out + err);
            }
            return m.group(1);
        }

        int port() throws Exception {
            return Integer.parseInt(await(Pattern.compile("on 127\\.0\\.0\\.1:(\\d+)")));
        }

        int stop() throws Exception {
            stop.countDown();
            return exit.get(30, TimeUnit.SECONDS);
        }
    }

    record Psql(int code, String output) {
    }

    static Psql psql(int port, String sql) throws Exception {
        Process p = new ProcessBuilder("psql", "host=127.0.0.1 port=" + port + " user=" + PostgresServer.TRUST_USER
                + " dbname=" + PostgresServer.DATABASE + " sslmode=disable connect_timeout=5", "-XAtc", sql)
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes()).trim();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Psql(p.exitValue(), output);
    }

    static boolean portFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    Running proxyDb() {
        return new Running("proxy", "db", "pg-local", "--db-user", PostgresServer.TRUST_USER,
                "--db-name", PostgresServer.DATABASE);
    }

    @Test
    void proxyDbRunsTshProxyDbTunnelAndPsqlGetsThrough() throws Exception {
        login();
        Path pids = tsh.proxyPidFile();
        Running r = proxyDb();
        int port = r.port();
        assertThat(r.out.toString()).contains("Started database tunnel for pg-local on 127.0.0.1:" + port)
                .contains("Teleport certificate of alice");
        Psql res = psql(port, "select current_user || '@' || current_database()");
        assertThat(res.code()).as(res.output()).isZero();
        assertThat(res.output()).isEqualTo(PostgresServer.TRUST_USER + "@" + PostgresServer.DATABASE);

        JsonNode call = tsh.calls().stream().filter(c -> c.get("argv").get(0).asText().equals("proxy"))
                .findFirst().orElseThrow();
        List<String> argv = new ArrayList<>();
        call.get("argv").forEach(a -> argv.add(a.asText()));
        // tsh listens on a private port; Ferry's front keeps the user's port (and sees each upstream result).
        assertThat(argv.get(5)).startsWith("--port=").isNotEqualTo("--port=" + port);
        argv.set(5, "--port=P");
        assertThat(argv).containsExactly("proxy", "db", "--tunnel", "--db-user=u_trust", "--db-name=ferrydb",
                "--port=P", "pg-local", "--proxy=" + TshStub.PROXY);
        assertThat(call.get("TELEPORT_HOME").asText()).startsWith(dir.resolve("ferry-home").toString());

        long pid = TshStub.pids(pids).get(0);
        assertThat(r.stop()).isZero();
        assertThat(r.err.toString()).contains("Stopped pg-local");
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(portFree(port)).isTrue();
    }

    /**
     * A MySQL database of the cluster: {@code tsh proxy db --tunnel} as for PostgreSQL, and the tab's
     * and CLI's MySQL forms. Teleport's database service is stood in for by Ferry's own MySQL tunnel
     * in front of the real MariaDB (the stand-in tsh relays bytes; the service logs in over TLS).
     */
    @Test
    void proxyDbOnAMysqlDatabaseRunsTshProxyDbTunnelAndMariadbGetsThrough() throws Exception {
        MariaDbServer maria = MariaDbServer.shared();
        try (MySqlTunnel service = MySqlTunnel.start(new MySqlTunnelConfig(0, "127.0.0.1", maria.port(),
                TlsMode.VERIFY_FULL, List.of(maria.caPem()), MariaDbServer.NATIVE_USER, MariaDbServer.DATABASE,
                PasswordSupplier.fixed(MariaDbServer.PASSWORD), null))) {
            tsh.addRelayedDatabase("shop", "mysql", service.localAddress().getPort(), MariaDbServer.NATIVE_USER);
            login();
            Running r = new Running("proxy", "db", "shop", "--db-user", MariaDbServer.NATIVE_USER,
                    "--db-name", MariaDbServer.DATABASE);
            int port = r.port();
            String out = r.out.toString();
            assertThat(out).contains("Started database tunnel for shop on 127.0.0.1:" + port)
                    .contains("Teleport certificate of alice")
                    .contains("mysql -h 127.0.0.1 -P " + port + " -u " + MariaDbServer.NATIVE_USER + " " + MariaDbServer.DATABASE)
                    .contains("jdbc:mysql://127.0.0.1:" + port + "/" + MariaDbServer.DATABASE)
                    .contains("jdbc:mariadb://127.0.0.1:" + port + "/" + MariaDbServer.DATABASE);
            var client = Processes.run(List.of("mariadb", "-h", "127.0.0.1", "-P", String.valueOf(port), "-u",
                    MariaDbServer.NATIVE_USER, "-N", "-B", MariaDbServer.DATABASE, "-e",
                    "select concat(current_user(), ' ', database())"), null, 60);
            assertThat(client.exit()).as(client.err()).isZero();
            assertThat(client.out().trim()).isEqualTo(MariaDbServer.NATIVE_USER + "@% " + MariaDbServer.DATABASE);

            JsonNode call = tsh.calls().stream().filter(c -> c.get("argv").get(0).asText().equals("proxy"))
                    .findFirst().orElseThrow();
            List<String> argv = new ArrayList<>();
            call.get("argv").forEach(a -> argv.add(a.asText()));
            assertThat(argv.get(5)).startsWith("--port=").isNotEqualTo("--port=" + port);
            argv.set(5, "--port=P");
            assertThat(argv).containsExactly("proxy", "db", "--tunnel", "--db-user=" + MariaDbServer.NATIVE_USER,
                    "--db-name=" + MariaDbServer.DATABASE, "--port=P", "shop", "--proxy=" + TshStub.PROXY);
            assertThat(r.stop()).isZero();
        }
    }

    @Test
    void whenTshDiesMidTunnelItIsStartedAgainAndPsqlWorksAgain() throws Exception {
        login();
        Path pids = tsh.proxyPidFile();
        Running r = proxyDb();
        int port = r.port();
        assertThat(psql(port, "select 1").output()).isEqualTo("1");
        long first = TshStub.pids(pids).get(0);
        ProcessHandle.of(first).orElseThrow().destroyForcibly();
        Wait.until("tsh runs again", () -> {
            try {
                return TshStub.pids(pids).size() == 2;
            } catch (IOException e) {
                return false;
            }
        });
        long second = TshStub.pids(pids).get(1);
        assertThat(second).isNotEqualTo(first);
        Wait.until("the port accepts connections again", () -> {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
        Psql again = psql(port, "select current_user");
        assertThat(again.code()).as(again.output()).isZero();
        assertThat(again.output()).isEqualTo(PostgresServer.TRUST_USER);
        assertThat(r.stop()).isZero();
        assertThat(ProcessHandle.of(second).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void notSignedInIsAClearErrorAndAfterSignInTheSameTunnelOpens() throws Exception {
        try (FerryCore core = new FerryCore(env, url -> { })) {
            TunnelSpec spec = TunnelSpec.database(workspace.toAbsolutePath().toString(), "pg-local",
                    PostgresServer.TRUST_USER, PostgresServer.DATABASE, 0);
            assertThatThrownBy(() -> core.tunnels().open(spec).join()).isInstanceOf(CompletionException.class)
                    .cause().isInstanceOf(TshNotLoggedInException.class)
                    .hasMessage("You are not signed in to Teleport (" + TshStub.PROXY + ").");
            Tunnel failed = core.tunnels().get(spec.id());
            assertThat(failed.status()).isEqualTo(TunnelStatus.FAILED);
            assertThat(failed.lastError()).contains("not signed in");

            login();
            Tunnel t = core.tunnels().open(spec).join();
            assertThat(t.status()).isEqualTo(TunnelStatus.READY);
            assertThat(psql(t.localAddress().getPort(), "select current_user").output())
                    .isEqualTo(PostgresServer.TRUST_USER);
            core.tunnels().stop(t.id());
        }
        Result cli = run(env, "", "logout");
        assertThat(cli.code()).isZero();
        Result r = run(env, "", "proxy", "db", "pg-local", "--db-user", PostgresServer.TRUST_USER,
                "--db-name", PostgresServer.DATABASE);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("ERROR: You are not signed in to Teleport (" + TshStub.PROXY + ").\n"
                + "Run `ferry login` (or sign in from the Ferry window), then try again.\n");
    }

    @Test
    void expiredSessionSaysSo() throws Exception {
        login();
        try (var files = Files.walk(dir.resolve("ferry-home"))) {
            Path session = files.filter(f -> f.getFileName().toString().equals("stub-session.json")).findFirst()
                    .orElseThrow();
            Files.writeString(session, "{\"username\": \"alice\", \"valid_until\": \"2020-01-01T00:00:00.000000Z\"}");
        }
        Result r = run(env, "", "proxy", "db", "pg-local", "--db-user", PostgresServer.TRUST_USER,
                "--db-name", PostgresServer.DATABASE);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("ERROR: Your Teleport session for " + TshStub.PROXY + " has expired.")
                .contains("Run `ferry login`");
        assertThat(tsh.calls()).noneMatch(c -> c.get("argv").get(0).asText().equals("proxy"));
    }

    @Test
    void missingTshIsExplained() {
        Result r = run(env.with("PATH", dir.resolve("empty").toString()), "", "proxy", "db", "pg-local",
                "--db-user", PostgresServer.TRUST_USER, "--db-name", PostgresServer.DATABASE);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("ERROR: tsh (Teleport's command-line client) was not found on this computer.");
    }

    @Test
    void proxyAwsLogsIntoTheAppAndShowsTshsLocalCredentials() throws Exception {
        login();
        Running r = new Running("proxy", "aws", "--app", "aws-prod", "--aws-role", "ReadOnly");
        String proxyUrl = r.await(Pattern.compile("export HTTPS_PROXY=\"(http://127\\.0\\.0\\.1:\\d+)\""));
        int port = Integer.parseInt(proxyUrl.substring(proxyUrl.lastIndexOf(':') + 1));
        String out = r.out.toString();
        Matcher key = Pattern.compile("export AWS_ACCESS_KEY_ID=\"(AKIA[A-Z2-7]{16})\"").matcher(out);
        assertThat(key.find()).as(out).isTrue();
        Matcher secret = Pattern.compile("export AWS_SECRET_ACCESS_KEY=\"([A-Za-z0-9+/]{40})\"").matcher(out);
        assertThat(secret.find()).as(out).isTrue();
        Matcher ca = Pattern.compile("export AWS_CA_BUNDLE=\"([^\"]+)\"").matcher(out);
        assertThat(ca.find()).as(out).isTrue();
        assertThat(Path.of(ca.group(1))).exists().hasFileName("aws-prod-localca.pem");
        assertThat(r.err.toString()).contains("Started AWS API proxy for arn:aws:iam::111111111111:role/ReadOnly on 127.0.0.1:"
                + port);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            assertThat(s.isConnected()).isTrue();
        }
        List<List<String>> argvs = new ArrayList<>();
        for (JsonNode c : tsh.calls()) {
            List<String> argv = new ArrayList<>();
            c.get("argv").forEach(a -> argv.add(a.asText()));
            argvs.add(argv);
        }
        assertThat(argvs).contains(List.of("apps", "login", "--aws-role=arn:aws:iam::111111111111:role/ReadOnly",
                "aws-prod", "--proxy=" + TshStub.PROXY));
        assertThat(argvs).contains(List.of("proxy", "aws", "--app=aws-prod", "--port=" + port, "--format=text",
                "--proxy=" + TshStub.PROXY));
        assertThat(r.stop()).isZero();
        assertThat(portFree(port)).isTrue();
    }

    @Test
    void proxyAwsEndpointUrlMode() throws Exception {
        login();
        Running r = new Running("proxy", "aws", "--app", "aws-prod", "--aws-role", "ReadOnly", "--endpoint-url");
        String url = r.await(Pattern.compile("export AWS_ENDPOINT_URL=\"(https://127\\.0\\.0\\.1:\\d+)\""));
        assertThat(r.out.toString()).doesNotContain("HTTPS_PROXY").contains("export AWS_CA_BUNDLE=");
        int port = Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            assertThat(s.isConnected()).isTrue();
        }
        assertThat(r.stop()).isZero();
    }

    @Test
    void aRoleOfAnotherAccountIsRefusedBeforeTshRuns() throws Exception {
        login();
        Result r = run(env, "", "proxy", "aws", "--app", "aws-prod", "--aws-role", "Admin");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("is in account 222222222222, but 'aws-prod' is in account 111111111111");
        assertThat(tsh.calls()).noneMatch(c -> c.get("argv").get(0).asText().equals("proxy"));
        assertThat(Files.exists(dir.resolve("proxy-pids"))).isFalse();
    }
}
