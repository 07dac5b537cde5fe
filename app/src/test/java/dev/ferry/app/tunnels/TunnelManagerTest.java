package dev.ferry.app.tunnels;

import dev.ferry.app.FerryException;
import dev.ferry.app.concurrent.ThreadPoolBackground;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TunnelManagerTest {
    @TempDir
    Path dir;

    final ThreadPoolBackground bg = new ThreadPoolBackground();
    final List<TunnelManager> managers = new ArrayList<>();

    TunnelManager manager() {
        TunnelStateFile store = new TunnelStateFile(dir.resolve("tunnels.json"));
        TunnelManager m = new TunnelManager(spec -> {
            if (spec.resource().equals("gone")) {
                throw new FerryException("The database 'gone' is no longer in the workspace.");
            }
            return new TunnelOpener.Opened(new EchoTunnel(spec.port()), new DatabaseTunnelInfo("alice", "orders",
                    dev.ferry.app.model.DatabaseFlavour.POSTGRES, "echo", "none", "insecure"));
        }, store, bg);
        managers.add(m);
        return m;
    }

    @AfterEach
    void tearDown() {
        managers.forEach(TunnelManager::stopAll);
        bg.close();
    }

    static String echo(int port) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.getOutputStream().write("ping".getBytes());
            return new String(s.getInputStream().readNBytes(4));
        }
    }

    @Test
    void opensOnAFreePortThenRemembersItAcrossRestarts() throws Exception {
        TunnelManager m = manager();
        List<List<TunnelStatus>> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        m.addListener(list -> seen.add(list.stream().map(Tunnel::status).toList()));
        TunnelSpec spec = TunnelSpec.database("/ws.yaml", "orders", "alice", "orders", 0);
        Tunnel t = m.open(spec).join();
        assertThat(t.status()).isEqualTo(TunnelStatus.READY);
        int port = t.localAddress().getPort();
        assertThat(t.localAddress().getAddress().isLoopbackAddress()).isTrue();
        assertThat(echo(port)).isEqualTo("ping");
        assertThat(seen).contains(List.of(TunnelStatus.STARTING), List.of(TunnelStatus.READY));
        m.close();
        assertThat(t.status()).isEqualTo(TunnelStatus.STOPPED);

        TunnelManager again = manager();
        assertThat(again.savedSpecs()).extracting(TunnelSpec::port).containsExactly(port);
        Tunnel restored = again.restore().get(0).join();
        assertThat(restored.id()).isEqualTo(t.id());
        assertThat(restored.localAddress().getPort()).isEqualTo(port);
        assertThat(echo(port)).isEqualTo("ping");
    }

    @Test
    void stoppedTunnelsAreNotRestoredButTheirPortIsReused() throws Exception {
        TunnelManager m = manager();
        TunnelSpec spec = TunnelSpec.database("/ws.yaml", "orders", "alice", "orders", 0);
        int port = m.open(spec).join().localAddress().getPort();
        m.stop(spec.id());
        assertThat(m.tunnels()).isEmpty();
        assertThat(m.savedSpecs()).isEmpty();
        assertThat(m.rememberedPort(spec)).isEqualTo(port);
        assertThat(m.open(spec).join().localAddress().getPort()).isEqualTo(port);
    }

    @Test
    void aTakenPortGivesAClearPerTunnelError() throws Exception {
        TunnelManager m = manager();
        try (ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            TunnelSpec spec = TunnelSpec.database("/ws.yaml", "orders", "alice", "orders", squatter.getLocalPort());
            assertThatThrownBy(() -> m.open(spec).join()).isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(FerryException.class)
                    .hasMessageContaining("Port " + squatter.getLocalPort() + " on 127.0.0.1 is already in use");
            Tunnel failed = m.get(spec.id());
            assertThat(failed.status()).isEqualTo(TunnelStatus.FAILED);
            assertThat(failed.lastError()).contains("already in use");
        }
    }

    @Test
    void restoreReportsTunnelsThatCannotComeBack() throws Exception {
        TunnelManager m = manager();
        TunnelSpec ok = TunnelSpec.database("/ws.yaml", "orders", "alice", "orders", 0);
        TunnelSpec gone = TunnelSpec.database("/ws.yaml", "gone", "alice", "x", 0);
        int okPort = m.open(ok).join().localAddress().getPort();
        m.close();
        // The state file also lists a tunnel whose resource has since disappeared.
        new TunnelStateFile(dir.resolve("tunnels.json")).update(s -> s.open.add(gone.withPort(Ports.freePort())));

        TunnelManager again = manager();
        var results = again.restore();
        assertThat(results.get(0).join().localAddress().getPort()).isEqualTo(okPort);
        assertThatThrownBy(() -> results.get(1).join()).hasMessageContaining("no longer in the workspace");
        assertThat(again.get(gone.id()).status()).isEqualTo(TunnelStatus.FAILED);
    }

    @Test
    void changePortRestartsTheListener() throws Exception {
        TunnelManager m = manager();
        TunnelSpec spec = TunnelSpec.database("/ws.yaml", "orders", "alice", "orders", 0);
        Tunnel t = m.open(spec).join();
        int old = t.localAddress().getPort();
        int wanted = Ports.freePort();
        m.changePort(t.id(), wanted).join();
        assertThat(t.localAddress().getPort()).isEqualTo(wanted);
        assertThat(echo(wanted)).isEqualTo("ping");
        assertThat(Ports.isFree(old)).isTrue();
        assertThat(m.rememberedPort(spec)).isEqualTo(wanted);
    }

    @Test
    void idsAreStableAndIgnoreThePort() {
        TunnelSpec a = TunnelSpec.database("/ws.yaml", "orders", "alice", "orders", 0);
        assertThat(a.withPort(5432).id()).isEqualTo(a.id());
        assertThat(TunnelSpec.database("/ws.yaml", "orders", "bob", "orders", 0).id()).isNotEqualTo(a.id());
        assertThat(TunnelSpec.awsProxy("/ws.yaml", "aws-prod", "arn:aws:iam::111111111111:role/ReadOnly", dev.ferry.tunnel.aws.ProxyMode.HTTPS_PROXY, 0)
                .title()).isEqualTo("aws-prod (ReadOnly)");
    }
}
