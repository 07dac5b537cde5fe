package dev.ferry.ui.tunnels;

import dev.ferry.app.FerryCore;
import dev.ferry.tunnel.testsupport.MotoServer;
import dev.ferry.app.testsupport.TestWorkspaces;
import dev.ferry.app.tunnels.AwsProxyTunnelSpec;
import dev.ferry.app.tunnels.Tunnel;
import dev.ferry.app.tunnels.TunnelSpec;
import dev.ferry.app.tunnels.TunnelStatus;
import dev.ferry.tunnel.aws.ProxyMode;
import dev.ferry.tunnel.testsupport.PostgresServer;
import dev.ferry.ui.FerryDesktop;
import dev.ferry.tunnel.testsupport.FreePorts;
import dev.ferry.tunnel.testsupport.Wait;
import dev.ferry.ui.testing.DesktopFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.ferry.ui.testing.DesktopFixture.fx;
import static dev.ferry.ui.testing.DesktopFixture.runFx;
import static dev.ferry.ui.testing.DesktopFixture.until;
import static dev.ferry.ui.testing.DesktopFixture.waitForStatus;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every action of the tunnel tabs (open, move the port, a move to a taken port, switch the proxy
 * mode, DBeaver, stop) with a watchdog on the JavaFX thread: it samples the thread's stack every
 * few milliseconds and records any moment it is inside a blocking call (a listener binding or
 * closing, a tunnel starting, a socket, a process, a wait). The window must never be caught there.
 */
class FxThreadWatchdogTest {
    @RegisterExtension
    static MotoServer moto = new MotoServer();
    @RegisterExtension
    final DesktopFixture ui = new DesktopFixture();

    /** Ferry's blocking work: it belongs to the background, never on the FX thread. */
    static final List<String> BLOCKING = List.of("dev.ferry.tunnel.aws.AwsProxy.start", "dev.ferry.tunnel.aws.AwsProxy.close",
            "dev.ferry.tunnel.pg.PgTunnel.start", "dev.ferry.tunnel.db.DbTunnel.close", "dev.ferry.tunnel.db.TunnelListener.bind",
            "dev.ferry.tunnel.db.TunnelListener.close", "dev.ferry.tunnel.ca.LocalCa.loadOrCreate",
            "io.netty.", "dev.ferry.app.teleport.",
            "dev.ferry.app.tunnels.TunnelManager.start", "dev.ferry.app.tunnels.TunnelManager.move",
            "dev.ferry.app.tunnels.TunnelManager.stop", "dev.ferry.app.tunnels.TunnelManager.close",
            "dev.ferry.app.access.WorkspaceSessions.", "dev.ferry.app.setup.ClientSetup.add",
            "dev.ferry.app.setup.ClientSetup.writeAwsProfile", "dev.ferry.app.integrations.DBeaverSetup",
            "dev.ferry.app.integrations.KeystoreImporter", "dev.ferry.app.tunnels.TunnelStateFile.");
    /** Waits and I/O: blocking when Ferry's code called them (JavaFX itself waits for rendering). */
    static final List<String> WAITS = List.of("java.net.ServerSocket.<init>", "java.net.ServerSocket.bind",
            "java.net.ServerSocket.accept", "java.net.Socket.connect",
            "java.lang.ProcessBuilder.start", "java.lang.Thread.sleep", "java.util.concurrent.CompletableFuture.get",
            "java.util.concurrent.CompletableFuture.join", "java.util.concurrent.CountDownLatch.await",
            "java.nio.channels.FileChannel.lock");

    @TempDir
    Path dir;
    FerryCore core;
    FerryDesktop desktop;
    Path workspace;

    @BeforeEach
    void start() throws Exception {
        workspace = TunnelFixtures.workspace(dir, PostgresServer.shared());
        desktop = ui.launch(TestWorkspaces.motoEnv(dir, moto.endpoint()).with("FERRY_WORKSPACE_FILE", workspace.toString())
                .with("PATH", dir.resolve("bin").toString()).with("XDG_DATA_HOME", dir.resolve("xdg").toString()), url -> { });
        core = ui.core();
    }

    /** Samples the FX thread until closed; {@link #caught()} lists the blocking stacks it saw. */
    static final class Watchdog implements AutoCloseable {
        private final Thread fxThread;
        private final List<String> caught = new CopyOnWriteArrayList<>();
        private final Thread sampler;
        private volatile boolean running = true;
        private volatile long samples;

        Watchdog(Thread fxThread) {
            this.fxThread = fxThread;
            this.sampler = new Thread(this::sample, "fx-watchdog");
            sampler.setDaemon(true);
            sampler.start();
        }

        private void sample() {
            while (running) {
                StackTraceElement[] stack = fxThread.getStackTrace();
                samples++;
                boolean ferryCalled = Arrays.stream(stack).anyMatch(f -> f.getClassName().startsWith("dev.ferry."));
                for (StackTraceElement f : stack) {
                    String where = f.getClassName() + "." + f.getMethodName();
                    if (BLOCKING.stream().anyMatch(where::startsWith)
                            || ferryCalled && WAITS.stream().anyMatch(where::startsWith)) {
                        caught.add(where + " in\n" + String.join("\n", Arrays.stream(stack).limit(25)
                                .map(StackTraceElement::toString).toList()));
                        break;
                    }
                }
                try {
                    Thread.sleep(3); // the sampling period, not a wait for a result
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        List<String> caught() {
            return new ArrayList<>(caught);
        }

        long samples() {
            return samples;
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            sampler.join(5000);
        }
    }

    TunnelViewModel vm(Tunnel t) throws Exception {
        until("the tunnel's tab is open", () -> desktop.tunnelDocuments().view(t.id()).isPresent());
        return fx(() -> desktop.tunnelDocuments().view(t.id()).orElseThrow().vm);
    }

    Tunnel open(TunnelSpec spec) throws Exception {
        fx(() -> desktop.tunnelDocuments().open(spec));
        until(() -> core.tunnels().get(spec.id()) != null);
        Tunnel t = core.tunnels().get(spec.id());
        waitForStatus(t, TunnelStatus.READY);
        return t;
    }

    @Test
    void theTunnelTabsNeverBlockTheFxThread() throws Exception {
        until(() -> desktop.workspace().workspaceProperty().get() != null);
        Thread fxThread = fx(Thread::currentThread);
        String ws = workspace.toAbsolutePath().toString();
        try (Watchdog watchdog = new Watchdog(fxThread)) {
            // a database tunnel: open, move, a move to a taken port (it stays), DBeaver, stop
            Tunnel db = open(TunnelSpec.database(ws, "orders", PostgresServer.TRUST_USER, PostgresServer.DATABASE, 0));
            TunnelViewModel dbVm = vm(db);
            int moved = FreePorts.find();
            runFx(() -> dbVm.changePort(moved));
            until(() -> db.port() == moved);
            try (ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                runFx(() -> dbVm.changePort(squatter.getLocalPort()));
                until(() -> db.moveFailure().isPresent() && !dbVm.movingProperty().get());
            }
            assertThat(db.port()).isEqualTo(moved);
            runFx(() -> dbVm.addToDbeaver());
            // (with DBeaver not installed, as here, the note says so and where the connection went)
            until(() -> desktop.notifications().history().stream()
                    .anyMatch(n -> n.title().equals("Added to DBeaver") || n.title().equals("DBeaver not found")));

            // an AWS API proxy: open, move (its listener takes a while to close), switch the mode, stop
            AwsProxyTunnelSpec proxySpec = TunnelSpec.awsProxy(ws, "aws-dev", TunnelFixtures.ROLE_ARN, ProxyMode.HTTPS_PROXY, 0);
            Tunnel proxy = open(proxySpec);
            TunnelViewModel proxyVm = vm(proxy);
            int proxyPort = FreePorts.find();
            runFx(() -> proxyVm.changePort(proxyPort));
            until(() -> proxy.port() == proxyPort && !proxyVm.movingProperty().get());
            runFx(() -> proxyVm.switchMode(ProxyMode.ENDPOINT_URL));
            AwsProxyTunnelSpec endpointSpec = proxySpec.withMode(ProxyMode.ENDPOINT_URL);
            until(() -> core.tunnels().get(endpointSpec.id()) != null);
            Tunnel endpoint = core.tunnels().get(endpointSpec.id());
            waitForStatus(endpoint, TunnelStatus.READY);
            assertThat(endpoint.port()).isEqualTo(proxyPort);

            TunnelViewModel endpointVm = vm(endpoint);
            runFx(() -> {
                endpointVm.stop();
                dbVm.stop();
            });
            until(() -> core.tunnels().tunnels().isEmpty());
            // on this thread: the fixture's until() evaluates on the FX thread, where the watchdog would catch the bind
            Wait.until("the ports are free again", () -> FreePorts.isFree(proxyPort) && FreePorts.isFree(moved));

            assertThat(watchdog.samples()).as("the watchdog sampled the FX thread").isGreaterThan(50);
            assertThat(watchdog.caught()).as("moments the FX thread was inside a blocking call").isEmpty();
        }
    }
}
