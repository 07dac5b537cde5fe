package dev.ferry.tunnel.db;

import dev.ferry.tunnel.ListenerLimits;
import dev.ferry.tunnel.TunnelStats;
import dev.ferry.tunnel.testsupport.Wait;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a database tunnel's listener gives back after a burst of connections: its pool threads
 * end once idle, and one memory release runs after the last connection of a burst of at least
 * {@link TunnelListener#BURST}, not after a few connections.
 */
class TunnelListenerTest {
    final TunnelStats stats = new TunnelStats();
    final AtomicInteger releases = new AtomicInteger();
    TunnelListener listener;

    @AfterEach
    void close() {
        if (listener != null) {
            listener.close();
        }
    }

    /** A connection that holds its socket until the client closes it. */
    final class Holding implements TunnelListener.Connection {
        final Socket socket;

        Holding(Socket socket) {
            this.socket = socket;
        }

        @Override
        public void run() {
            try {
                while (socket.getInputStream().read() >= 0) {
                    // until the client closes
                }
            } catch (IOException ignored) {
                // closed
            }
            close();
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            listener.ended(this);
        }
    }

    void start() throws IOException {
        listener = TunnelListener.bind(0, "burst", stats, ListenerLimits.DATABASE, Duration.ofMillis(200),
                releases::incrementAndGet, Duration.ofMillis(200));
        listener.accept(Holding::new);
    }

    List<Socket> connect(int n) throws IOException {
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            sockets.add(new Socket("127.0.0.1", listener.localAddress().getPort()));
        }
        Wait.until(n + " connections open", () -> stats.snapshot().openConnections() == n);
        return sockets;
    }

    static void closeAll(List<Socket> sockets) throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
    }

    long poolThreads() {
        String prefix = "ferry-burst-" + listener.localAddress().getPort() + "-";
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(prefix) && t.getName().substring(prefix.length()).matches("\\d+"))
                .filter(Thread::isAlive).count();
    }

    @Test
    void idlePoolThreadsEndAfterABurst() throws Exception {
        start();
        List<Socket> sockets = connect(40);
        assertThat(poolThreads()).isGreaterThanOrEqualTo(40);
        closeAll(sockets);
        Wait.until("the pool's threads have ended", () -> poolThreads() == 0);
        // and the listener still serves
        closeAll(connect(1));
        Wait.until("the connection closed", () -> stats.snapshot().openConnections() == 0);
    }

    @Test
    void memoryIsReleasedOnceAfterABurstNotAfterAFewConnections() throws Exception {
        start();
        closeAll(connect(TunnelListener.BURST - 1));
        Wait.until("the few connections closed", () -> stats.snapshot().openConnections() == 0);
        List<Socket> burst = connect(TunnelListener.BURST + 8);
        closeAll(burst);
        Wait.until("one release after the burst", () -> releases.get() >= 1);
        // The small group's release, had it been scheduled, was due before the burst's.
        assertThat(releases.get()).isEqualTo(1);
    }

    @Test
    void aConnectionDuringTheQuietSpellPutsTheReleaseOff() throws Exception {
        listener = TunnelListener.bind(0, "burst", stats, ListenerLimits.DATABASE, Duration.ofMillis(200),
                releases::incrementAndGet, Duration.ofSeconds(5));
        listener.accept(Holding::new);
        closeAll(connect(TunnelListener.BURST));
        Wait.until("the burst closed", () -> stats.snapshot().openConnections() == 0);
        List<Socket> late = connect(1); // within the 5 s quiet spell
        assertThat(releases.get()).isZero();
        closeAll(late);
        Wait.until("the release after the late connection closed", () -> releases.get() == 1);
    }
}
