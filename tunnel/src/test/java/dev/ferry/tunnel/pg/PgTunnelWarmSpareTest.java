package dev.ferry.tunnel.pg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.tunnel.testsupport.PostgresServer;
import dev.ferry.tunnel.testsupport.Wait;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The warm spare upstream connection (see {@link Upstream}) against the real PostgreSQL: the
 * next client is served on a connection whose TLS handshake was done in advance, a spare the
 * server closed meanwhile is replaced without the client noticing, and nothing is held open
 * before the first client or after the tunnel closes.
 */
class PgTunnelWarmSpareTest {
    private final TunnelFixture fx = TunnelFixture.get();

    @Test
    void theNextClientIsServedOnTheSpareAndGetsItsOwnSession() throws Exception {
        try (PgTunnel t = PgTunnel.start(fx.config(PostgresServer.SCRAM_USER, PasswordSupplier.fixed(PostgresServer.PASSWORD)))) {
            assertThat(t.upstream().spareLocalPort()).as("no upstream connection before the first client").isEqualTo(-1);
            assertThat(who(t, "app_one")).isEqualTo(PostgresServer.SCRAM_USER + "|" + PostgresServer.DATABASE + "|app_one");
            int sparePort = Wait.until("a warm spare is ready", () -> t.upstream().spareLocalPort(), p -> p > 0);
            assertThat(serverBackend(sparePort)).as("a server backend holds the spare").isPresent();
            long handshakes = t.upstream().tls().fullHandshakes();

            // the client's own parameters are sent on the spare: nothing was decided in advance
            assertThat(who(t, "app_two")).isEqualTo(PostgresServer.SCRAM_USER + "|" + PostgresServer.DATABASE + "|app_two");
            assertThat(t.upstream().sparesTaken()).isEqualTo(1);
            assertThat(t.upstream().sparesLost()).isZero();
            Wait.until("the next spare is ready", () -> t.upstream().spareLocalPort() > 0);
            assertThat(t.upstream().tls().fullHandshakes()).as("one handshake: the next spare's").isEqualTo(handshakes + 1);
        }
    }

    @Test
    void aSpareTheServerEndedIsReplacedWithoutTheClientNoticing() throws Exception {
        try (PgTunnel t = fx.tunnel(PostgresServer.PASSWORD_USER)) {
            who(t, "first");
            int sparePort = Wait.until("a warm spare is ready", () -> t.upstream().spareLocalPort(), p -> p > 0);
            // PostgreSQL 15 lists a backend in pg_stat_activity only once it is authenticated, so
            // the spare's backend is found by its socket and sent SIGTERM, as pg_terminate_backend does
            ProcessHandle backend = serverBackend(sparePort).orElseThrow();
            assertThat(backend.info().command().orElse("")).endsWith("postgres");
            assertThat(backend.destroy()).isTrue();
            Wait.until("the spare's backend is gone", () -> serverBackend(sparePort).isEmpty());

            assertThat(who(t, "after")).isEqualTo(PostgresServer.PASSWORD_USER + "|" + PostgresServer.DATABASE + "|after");
            assertThat(t.upstream().sparesTaken()).isEqualTo(1);
            assertThat(t.upstream().sparesLost()).as("served on a new connection after the dead spare").isEqualTo(1);
            assertThat(t.stats().snapshot().lastError()).as("nothing reported for the replaced spare").isNull();
        }
    }

    @Test
    void closingTheTunnelClosesTheSpare() throws Exception {
        int sparePort;
        try (PgTunnel t = fx.tunnel(PostgresServer.PASSWORD_USER)) {
            who(t, "x");
            sparePort = Wait.until("a warm spare is ready", () -> t.upstream().spareLocalPort(), p -> p > 0);
            assertThat(serverBackend(sparePort)).isPresent();
        }
        Wait.until("the server's backend for the spare ended", () -> serverBackend(sparePort).isEmpty());
    }

    @Test
    void withoutTheSpareEveryClientMakesItsOwnHandshake() throws Exception {
        var config = fx.config(PostgresServer.PASSWORD_USER, PasswordSupplier.fixed(PostgresServer.PASSWORD))
                .withWarmSpare(false);
        try (PgTunnel t = PgTunnel.start(config)) {
            who(t, "a");
            who(t, "b");
            assertThat(t.upstream().sparesTaken()).isZero();
            assertThat(t.upstream().tls().fullHandshakes()).isEqualTo(2);
            assertThat(t.upstream().spareLocalPort()).isEqualTo(-1);
        }
    }

    private static String who(PgTunnel t, String app) throws Exception {
        try (Connection c = TunnelFixture.jdbc(t, "&ApplicationName=" + app);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select current_user, current_database(), current_setting('application_name')")) {
            rs.next();
            return rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3);
        }
    }

    /**
     * The PostgreSQL process that holds the server side of the connection from local port
     * {@code clientPort}: its socket in /proc/net/tcp (local = the server's port, remote = ours,
     * established), then the process with that socket open.
     */
    private Optional<ProcessHandle> serverBackend(int clientPort) throws IOException {
        String inode = null;
        for (String line : Files.readAllLines(Path.of("/proc/net/tcp"))) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 9 && f[1].endsWith(String.format(":%04X", fx.pg.port()))
                    && f[2].endsWith(String.format(":%04X", clientPort)) && f[3].equals("01")) {
                inode = f[9];
            }
        }
        if (inode == null) {
            return Optional.empty();
        }
        String link = "socket:[" + inode + "]";
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : (Iterable<Path>) procs.filter(p -> p.getFileName().toString().matches("\\d+"))::iterator) {
                try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
                    if (fds.anyMatch(fd -> link.equals(readLink(fd)))) {
                        return ProcessHandle.of(Long.parseLong(proc.getFileName().toString()));
                    }
                } catch (IOException e) {
                    // a process that ended meanwhile, or not ours to look at
                }
            }
        }
        return Optional.empty();
    }

    private static String readLink(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString();
        } catch (IOException e) {
            return "";
        }
    }
}
