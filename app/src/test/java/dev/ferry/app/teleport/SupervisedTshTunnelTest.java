package dev.ferry.app.teleport;

import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.access.AccessProvider;
import dev.ferry.app.access.AccessProviders;
import dev.ferry.app.tunnels.AwsProxyInfo;
import dev.ferry.app.tunnels.DatabaseTunnelInfo;
import dev.ferry.app.tunnels.Ports;
import dev.ferry.app.model.DatabaseFlavour;
import dev.ferry.app.aws.ConsoleFederation;
import dev.ferry.app.model.AppResource;
import dev.ferry.app.model.AwsRole;
import dev.ferry.app.model.DatabaseResource;
import dev.ferry.app.tunnels.TunnelOpener;
import dev.ferry.app.workspace.WorkspaceLoader;
import dev.ferry.tunnel.PortInUseException;
import dev.ferry.tunnel.aws.ProxyMode;
import dev.ferry.tunnel.testsupport.FreePorts;
import dev.ferry.tunnel.testsupport.PostgresServer;
import dev.ferry.tunnel.testsupport.Wait;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Supervised tsh proxies through the Teleport provider, against the tsh stand-in and a real PostgreSQL. */
class SupervisedTshTunnelTest {
    static PostgresServer pg;

    @TempDir
    Path dir;

    TshStub tsh;
    AccessProvider provider;
    final List<TunnelOpener.Opened> opened = new ArrayList<>();

    @BeforeAll
    static void startPostgres() {
        pg = PostgresServer.shared();
    }

    @BeforeEach
    void setUp() throws Exception {
        tsh = new TshStub(dir);
        tsh.addRelayedDatabase("pg-local", pg.port(), "*");
        FerryEnvironment env = tsh.env(dir.resolve("ferry-home"));
        provider = new AccessProviders(env, new ConsoleFederation(HttpClient.newHttpClient()), () -> {
            throw new IllegalStateException("no local CA in these tests");
        }, new TshLocator(env, List.of())).open(new WorkspaceLoader("os-user").load(tsh.workspace("")));
        provider.signIn(new TeleportProviderTest.Answers(TeleportProviderTest.GOOD));
    }

    @AfterEach
    void closeTunnels() {
        opened.forEach(o -> o.tunnel().close());
    }

    TunnelOpener.Opened openDb(int port) throws IOException {
        DatabaseResource db = provider.database("pg-local").orElseThrow();
        TunnelOpener.Opened o = provider.openDatabaseTunnel(db, PostgresServer.TRUST_USER, PostgresServer.DATABASE, port);
        opened.add(o);
        return o;
    }

    static String psql(int port) throws Exception {
        Process p = new ProcessBuilder("psql", "host=127.0.0.1 port=" + port + " user=" + PostgresServer.TRUST_USER
                + " dbname=" + PostgresServer.DATABASE + " sslmode=disable connect_timeout=5", "-XAtc",
                "select current_user").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    @Test
    void databaseTunnelDetailsUseTheStandaloneKeys() throws Exception {
        int port = FreePorts.find();
        TunnelOpener.Opened o = openDb(port);
        assertThat(o.tunnel().localAddress().getPort()).isEqualTo(port);
        DatabaseTunnelInfo info = (DatabaseTunnelInfo) o.info();
        assertThat(info.dbUser()).isEqualTo(PostgresServer.TRUST_USER);
        assertThat(info.dbName()).isEqualTo(PostgresServer.DATABASE);
        assertThat(info.upstream()).isEqualTo("localhost:" + pg.port() + " via Teleport " + TshStub.PROXY);
        assertThat(info.flavour()).isEqualTo(DatabaseFlavour.POSTGRES);
        assertThat(info.authentication()).contains("Teleport certificate");
        assertThat(info.tls()).isEqualTo("Teleport mutual TLS");
        assertThat(psql(port)).isEqualTo(PostgresServer.TRUST_USER);
    }

    @Test
    void aTshThatDiesIsRestartedWithItsErrorRecorded() throws Exception {
        tsh.state.put("proxy_die_after_seconds", 0.5).put("proxy_die_times", 2);
        tsh.save();
        int port = FreePorts.find();
        SupervisedTshTunnel t = (SupervisedTshTunnel) openDb(port).tunnel();
        long firstPid = t.pid();
        // dies after 0.5 s, restarted after 1 s, dies again, restarted after 2 s, then stays up
        Wait.until("tsh was restarted twice", () -> t.restarts() == 2);
        assertThat(t.stats().snapshot().lastError())
                .isEqualTo("tsh proxy db for pg-local stopped: connection to the proxy was lost: EOF");
        assertThat(t.log()).contains("ERROR: connection to the proxy was lost: EOF");
        assertThat(t.pid()).isPositive().isNotEqualTo(firstPid);
        assertThat(psql(port)).isEqualTo(PostgresServer.TRUST_USER);
    }

    @Test
    void closeStopsTshWithinTheGracePeriodAndFreesThePort() throws Exception {
        int port = FreePorts.find();
        SupervisedTshTunnel t = (SupervisedTshTunnel) openDb(port).tunnel();
        ProcessHandle process = ProcessHandle.of(t.pid()).orElseThrow();
        Instant start = Instant.now();
        t.close();
        assertThat(Duration.between(start, Instant.now())).isLessThan(SupervisedTshTunnel.STOP_GRACE.multipliedBy(2));
        assertThat(process.isAlive()).isFalse();
        assertThat(Ports.isFree(port)).isTrue();
        assertThat(t.restarts()).isZero();
    }

    @Test
    void aTakenPortAndATshErrorAreReportedBeforeAnythingRuns() throws Exception {
        try (ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> openDb(squatter.getLocalPort())).isInstanceOf(PortInUseException.class)
                    .hasMessageContaining("Port " + squatter.getLocalPort() + " on 127.0.0.1 is already in use");
        }
        DatabaseResource gone = new DatabaseResource("no-such-db", "", "postgres", "x:5432", Map.of(), null, null,
                List.of("*"), List.of("*"));
        assertThatThrownBy(() -> provider.openDatabaseTunnel(gone, "alice", "db", FreePorts.find()))
                .isInstanceOf(TshException.class)
                .hasMessage("tsh proxy db for no-such-db failed: database \"no-such-db\" not found, "
                        + "use 'tsh db ls' to see registered databases");
    }

    @Test
    void awsProxyKeepsItsLocalCredentialsWhenTshIsRestarted() throws Exception {
        AppResource app = provider.app("aws-prod").orElseThrow();
        AwsRole role = AwsRole.tryParse("arn:aws:iam::111111111111:role/ReadOnly").orElseThrow();
        Path pids = tsh.proxyPidFile();
        int port = FreePorts.find();
        TunnelOpener.Opened o = provider.openAwsProxy(app, role, ProxyMode.HTTPS_PROXY, port);
        opened.add(o);
        SupervisedTshTunnel t = (SupervisedTshTunnel) o.tunnel();
        AwsProxyInfo before = (AwsProxyInfo) o.info();
        assertThat(before.roleArn()).isEqualTo(role.arn());
        assertThat(before.mode()).isEqualTo(ProxyMode.HTTPS_PROXY);
        assertThat(before.address()).isEqualTo("http://127.0.0.1:" + port);
        assertThat(before.accessKeyId()).isNotBlank();
        assertThat(before.caBundle()).isNotNull();
        assertThat(t.log()).noneMatch(l -> l.contains(before.secretAccessKey()));

        ProcessHandle.of(TshStub.pids(pids).get(0)).orElseThrow().destroyForcibly();
        Wait.until("tsh proxy aws was restarted", () -> t.restarts() == 1);
        assertThat(t.details()).containsEntry(AwsProxyInfo.ACCESS_KEY, before.accessKeyId())
                .containsEntry(AwsProxyInfo.SECRET_KEY, before.secretAccessKey());
        long appLogins = tsh.calls().stream().filter(c -> c.get("argv").get(0).asText().equals("apps")
                && c.get("argv").get(1).asText().equals("login")).count();
        assertThat(appLogins).as("apps login before each start").isEqualTo(2);
    }

    @Test
    void theOutputParsersReadTshsTemplates() {
        List<String> db = List.of("Started authenticated tunnel for the PostgreSQL database \"orders\" in cluster "
                + "\"acme\" on 127.0.0.1:61234.", "", "Use the following command to connect ...");
        assertThat(TshProxyOutput.databaseTunnelPort(db)).contains(61234);
        assertThat(TshProxyOutput.databaseTunnelPort(List.of("Started DB proxy on 127.0.0.1:5"))).isEmpty();
        List<String> unix = List.of("Started AWS proxy on http://127.0.0.1:64985.",
                "To avoid port randomization, you can choose the listening port using the --port flag.", "",
                "Use the following credentials and HTTPS proxy setting to connect to the proxy:",
                "  export AWS_ACCESS_KEY_ID=\"c020bf2e-6e17-4a05-b903\"",
                "  export AWS_SECRET_ACCESS_KEY=\"f551de73-921e-4ac8-bc56\"",
                "  export AWS_CA_BUNDLE=\"/home/a/.tsh/keys/p/a-app/c/aws-localca.pem\"");
        assertThat(TshProxyOutput.awsProxy(unix, ProxyMode.HTTPS_PROXY)).as("HTTPS_PROXY not printed yet").isEmpty();
        List<String> complete = new ArrayList<>(unix);
        complete.add("  export HTTPS_PROXY=\"http://127.0.0.1:64985\"");
        assertThat(TshProxyOutput.awsProxy(complete, ProxyMode.HTTPS_PROXY).orElseThrow())
                .containsExactly(Map.entry("AWS_ACCESS_KEY_ID", "c020bf2e-6e17-4a05-b903"),
                        Map.entry("AWS_SECRET_ACCESS_KEY", "f551de73-921e-4ac8-bc56"),
                        Map.entry("AWS_CA_BUNDLE", "/home/a/.tsh/keys/p/a-app/c/aws-localca.pem"),
                        Map.entry("HTTPS_PROXY", "http://127.0.0.1:64985"));
        List<String> endpoint = List.of("Started AWS proxy which serves as an AWS endpoint URL at https://127.0.0.1:5555.",
                "", "In addition to the endpoint URL, use the following credentials to connect to the proxy:",
                "  AWS_ACCESS_KEY_ID=k", "  AWS_SECRET_ACCESS_KEY=s", "  AWS_CA_BUNDLE=/ca.pem");
        assertThat(TshProxyOutput.awsProxy(endpoint, ProxyMode.ENDPOINT_URL).orElseThrow())
                .containsEntry("AWS_ENDPOINT_URL", "https://127.0.0.1:5555").containsEntry("AWS_ACCESS_KEY_ID", "k");
    }
}
