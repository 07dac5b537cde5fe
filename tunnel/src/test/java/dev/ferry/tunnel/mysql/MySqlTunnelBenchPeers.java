package dev.ferry.tunnel.mysql;

import dev.ferry.tunnel.pg.PasswordSupplier;
import dev.ferry.tunnel.pg.TlsMode;
import dev.ferry.tunnel.testsupport.MariaDbServer;
import java.time.Duration;
import java.util.List;

/**
 * Peers for bench/mysql-tunnel.sh: a private MariaDB (TLS on) and a MySqlTunnel to it
 * (VERIFY_FULL with the test CA, db user {@link MariaDbServer#NATIVE_USER}). Prints one line
 * {@code READY db=PORT tunnel=PORT ca=FILE sock=FILE} and runs until stdin closes.
 */
public final class MySqlTunnelBenchPeers {
    private MySqlTunnelBenchPeers() {
    }

    public static void main(String[] args) throws Exception {
        try (MariaDbServer db = MariaDbServer.start();
             MySqlTunnel tunnel = MySqlTunnel.start(new MySqlTunnelConfig(0, "127.0.0.1", db.port(),
                     TlsMode.VERIFY_FULL, List.of(db.caPem()), MariaDbServer.NATIVE_USER, MariaDbServer.DATABASE,
                     PasswordSupplier.fixed(MariaDbServer.PASSWORD), Duration.ofSeconds(10)))) {
            System.out.println("READY db=" + db.port() + " tunnel=" + tunnel.localAddress().getPort()
                    + " ca=" + db.caPem() + " sock=" + db.dir().resolve("mariadb.sock"));
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for stdin to close
            }
            var s = tunnel.stats().snapshot();
            System.err.println("tunnel stats: connections " + s.totalConnections() + ", bytes to client "
                    + s.bytesToClient() + ", last error " + s.lastError());
        }
    }
}
