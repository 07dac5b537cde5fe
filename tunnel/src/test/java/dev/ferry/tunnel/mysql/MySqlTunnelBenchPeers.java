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
        if (args.length == 3 && args[0].equals("tunnel")) {
            tunnelOnly(Integer.parseInt(args[1]), java.nio.file.Path.of(args[2]));
            return;
        }
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
            System.err.println("handshakes: full " + tunnel.upstream().fullHandshakes() + ", resumed "
                    + tunnel.upstream().resumedHandshakes());
            var s = tunnel.stats().snapshot();
            System.err.println("tunnel stats: connections " + s.totalConnections() + ", bytes to client "
                    + s.bytesToClient() + ", last error " + s.lastError());
        }
    }

    /**
     * {@code tunnel DBPORT CA}: only a tunnel, to the MariaDB of another peers process (the
     * bench measures connect latency with each JDK). Prints {@code READY tunnel=PORT}.
     */
    private static void tunnelOnly(int dbPort, java.nio.file.Path ca) throws Exception {
        try (MySqlTunnel tunnel = MySqlTunnel.start(new MySqlTunnelConfig(0, "127.0.0.1", dbPort, TlsMode.VERIFY_FULL,
                List.of(ca), MariaDbServer.NATIVE_USER, MariaDbServer.DATABASE,
                PasswordSupplier.fixed(MariaDbServer.PASSWORD), Duration.ofSeconds(10)))) {
            System.out.println("READY tunnel=" + tunnel.localAddress().getPort());
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for stdin to close
            }
            System.err.println("handshakes: full " + tunnel.upstream().fullHandshakes() + ", resumed "
                    + tunnel.upstream().resumedHandshakes());
        }
    }
}
