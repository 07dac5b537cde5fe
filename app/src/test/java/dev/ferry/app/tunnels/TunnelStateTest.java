package dev.ferry.app.tunnels;

import dev.ferry.app.FerryException;
import dev.ferry.app.concurrent.ThreadPoolBackground;
import dev.ferry.app.model.DatabaseFlavour;
import dev.ferry.tunnel.aws.ProxyMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The shared tunnels.json: several managers (as several Ferry processes do) never forget each
 * other's tunnels, AWS proxy modes keep their own ports, the older file format still loads, and a
 * port move that fails keeps the tunnel where it was.
 */
class TunnelStateTest {
    @TempDir
    Path dir;

    final ThreadPoolBackground bg = new ThreadPoolBackground();
    final List<TunnelManager> managers = new ArrayList<>();
    final CountDownLatch slowGate = new CountDownLatch(1);
    final CountDownLatch slowEntered = new CountDownLatch(1);

    TunnelManager manager() {
        TunnelManager m = new TunnelManager(spec -> {
            if (spec.resource().equals("slow")) {
                slowEntered.countDown();
                try {
                    slowGate.await();
                } catch (InterruptedException e) {
                    throw new FerryException("interrupted while starting");
                }
            }
            TunnelInfo info = spec instanceof AwsProxyTunnelSpec a
                    ? new AwsProxyInfo(a.roleArn(), a.mode(), "AKIALOCAL", "local-secret", dir.resolve("ca.pem"),
                    "http://127.0.0.1:" + spec.port(), "us-east-1")
                    : new DatabaseTunnelInfo("alice", "orders", DatabaseFlavour.POSTGRES, "echo", "none", "insecure");
            return new TunnelOpener.Opened(new EchoTunnel(spec.port()), info);
        }, new TunnelStateFile(dir.resolve("tunnels.json")), bg);
        managers.add(m);
        return m;
    }

    @AfterEach
    void tearDown() {
        managers.forEach(TunnelManager::stopAll);
        slowGate.countDown();
        bg.close();
    }

    static String echo(int port) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.getOutputStream().write("ping".getBytes());
            return new String(s.getInputStream().readNBytes(4));
        }
    }

    static TunnelSpec db(String name) {
        return TunnelSpec.database("/ws.yaml", name, "alice", "orders", 0);
    }

    @Test
    void fiveTunnelsOfTwoManagersAllComeBack() throws Exception {
        TunnelManager first = manager();
        TunnelManager second = manager();
        List<TunnelSpec> specs = List.of(db("a"), db("b"), db("c"), db("d"),
                TunnelSpec.awsProxy("/ws.yaml", "aws-prod", "arn:aws:iam::111111111111:role/ReadOnly", ProxyMode.HTTPS_PROXY, 0));
        List<CompletableFuture<Tunnel>> opening = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            opening.add((i % 2 == 0 ? first : second).open(specs.get(i)));
        }
        List<Integer> ports = new ArrayList<>();
        for (CompletableFuture<Tunnel> f : opening) {
            ports.add(f.join().port());
        }
        assertThat(first.savedSpecs()).hasSize(5);
        first.close();
        second.close();

        TunnelManager third = manager();
        assertThat(third.savedSpecs()).extracting(TunnelSpec::id)
                .containsExactlyInAnyOrderElementsOf(specs.stream().map(TunnelSpec::id).toList());
        for (CompletableFuture<Tunnel> f : third.restore()) {
            Tunnel t = f.join();
            int wanted = ports.get(specs.stream().map(TunnelSpec::id).toList().indexOf(t.id()));
            assertThat(t.port()).isEqualTo(wanted);
            assertThat(echo(wanted)).isEqualTo("ping");
        }
    }

    @Test
    void aTunnelAnotherRunningFerryServesIsNotRestoredHere() throws Exception {
        Process other = new ProcessBuilder("sleep", "60").start();
        try {
            TunnelSpec theirs = db("theirs").withPort(Ports.freePort());
            TunnelSpec orphan = db("orphan").withPort(Ports.freePort());
            new TunnelStateFile(dir.resolve("tunnels.json")).update(s -> {
                s.open.add(theirs);
                s.owners.put(theirs.id(), other.pid());
                s.open.add(orphan);
                s.owners.put(orphan.id(), Long.MAX_VALUE - 1); // a process that is gone
            });
            assertThat(manager().savedSpecs()).extracting(TunnelSpec::id).containsExactly(orphan.id());
        } finally {
            other.destroyForcibly();
        }
    }

    @Test
    void theTwoProxyModesOfAnAppRememberTheirOwnPorts() throws Exception {
        TunnelManager m = manager();
        AwsProxyTunnelSpec proxy = TunnelSpec.awsProxy("/ws.yaml", "aws-prod", "arn:aws:iam::111111111111:role/ReadOnly",
                ProxyMode.HTTPS_PROXY, 0);
        AwsProxyTunnelSpec endpoint = proxy.withMode(ProxyMode.ENDPOINT_URL);
        int proxyPort = m.open(proxy).join().port();
        m.stop(proxy.id());
        int endpointPort = m.open(endpoint.withPort(Ports.freePort())).join().port();
        m.stop(endpoint.id());
        assertThat(endpointPort).isNotEqualTo(proxyPort);
        assertThat(m.rememberedPort(proxy)).isEqualTo(proxyPort);
        assertThat(m.rememberedPort(endpoint)).isEqualTo(endpointPort);
        assertThat(m.open(proxy).join().port()).isEqualTo(proxyPort);
    }

    @Test
    void aTunnelsJsonOfTheOlderFormatStillLoads() throws Exception {
        int dbPort = Ports.freePort();
        int awsPort = Ports.freePort();
        // tunnels.json as Ferry wrote it before specs had a type tag
        Files.writeString(dir.resolve("tunnels.json"), """
                {
                  "open" : [ {
                    "workspaceFile" : "/ws.yaml",
                    "resource" : "orders",
                    "kind" : "DATABASE",
                    "port" : %1$d,
                    "dbUser" : "alice",
                    "dbName" : "orders",
                    "roleArn" : "",
                    "proxyMode" : ""
                  }, {
                    "workspaceFile" : "/ws.yaml",
                    "resource" : "aws-prod",
                    "kind" : "AWS_PROXY",
                    "port" : %2$d,
                    "dbUser" : "",
                    "dbName" : "",
                    "roleArn" : "arn:aws:iam::111111111111:role/ReadOnly",
                    "proxyMode" : "endpoint_url"
                  } ],
                  "ports" : {
                    "/ws.yaml#DATABASE#orders" : %1$d,
                    "/ws.yaml#AWS_PROXY#aws-prod" : %2$d
                  },
                  "fromANewerFerry" : true
                }
                """.formatted(dbPort, awsPort));
        TunnelManager m = manager();
        List<TunnelSpec> saved = m.savedSpecs();
        assertThat(saved).containsExactly(
                new DatabaseTunnelSpec("/ws.yaml", "orders", dbPort, "alice", "orders"),
                new AwsProxyTunnelSpec("/ws.yaml", "aws-prod", awsPort, "arn:aws:iam::111111111111:role/ReadOnly",
                        ProxyMode.ENDPOINT_URL));
        // the ids of the older format, so restored tabs and DBeaver connections keep theirs
        assertThat(saved).extracting(TunnelSpec::id).containsExactly("database-b7828f3e8fd4", "aws-proxy-fca752c6ee7a");
        assertThat(m.rememberedPort(TunnelSpec.awsProxy("/ws.yaml", "aws-prod", "x", ProxyMode.HTTPS_PROXY, 0)))
                .isEqualTo(awsPort);
        m.restore().forEach(CompletableFuture::join);
        m.close();
        String written = Files.readString(dir.resolve("tunnels.json"));
        assertThat(written).contains("\"type\" : \"database\"").contains("\"type\" : \"aws_proxy\"")
                .contains("\"mode\" : \"ENDPOINT_URL\"").contains("\"fromANewerFerry\" : true");
        assertThat(manager().savedSpecs()).isEqualTo(saved);
    }

    @Test
    void aPortMoveThatFailsKeepsTheTunnelListeningWhereItWas() throws Exception {
        TunnelManager m = manager();
        Tunnel t = m.open(db("orders")).join();
        int old = t.port();
        try (ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int taken = squatter.getLocalPort();
            assertThatThrownBy(() -> m.changePort(t.id(), taken).join())
                    .hasMessageContaining("Could not move orders (alice@orders) to port " + taken)
                    .hasMessageContaining("It keeps listening on 127.0.0.1:" + old);
            assertThat(t.status()).isEqualTo(TunnelStatus.READY);
            assertThat(t.port()).isEqualTo(old);
            assertThat(echo(old)).isEqualTo("ping");
            assertThat(t.moveFailure()).get().extracting(TunnelFailure::reason).isEqualTo(TunnelFailure.Reason.PORT_IN_USE);
            assertThat(m.rememberedPort(t.spec())).isEqualTo(old);
        }
    }

    @Test
    void stopWhileStartingCancelsTheStart() throws Exception {
        TunnelManager m = manager();
        CompletableFuture<Tunnel> starting = m.open(db("slow"));
        assertThat(slowEntered.await(20, TimeUnit.SECONDS)).as("the start is under way").isTrue();
        m.stop(db("slow").id());
        assertThatThrownBy(() -> starting.get(20, TimeUnit.SECONDS)).hasMessageContaining("interrupted while starting");
        assertThat(m.tunnels()).isEmpty();
        assertThat(m.savedSpecs()).isEmpty();
    }
}
