package dev.ferry.tunnel.pg;

import dev.ferry.tunnel.testsupport.PostgresServer;
import java.time.Duration;
import java.util.List;

/**
 * Peers for bench/db-tunnel.sh: a private PostgreSQL (TLS on) and a PgTunnel to it
 * (VERIFY_FULL with the test CA, db user postgres). Prints one line
 * {@code READY pg=PORT tunnel=PORT ca=FILE} (the CA that signed the server certificate) and runs until stdin closes.
 */
public final class DbTunnelBenchPeers {
    private DbTunnelBenchPeers() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("tunnel")) {
            tunnelOnly(Integer.parseInt(args[1]), java.nio.file.Path.of(args[2]));
            return;
        }
        try (PostgresServer pg = PostgresServer.start();
             PgTunnel tunnel = PgTunnel.start(new PgTunnelConfig(0, "127.0.0.1", pg.port(), TlsMode.VERIFY_FULL,
                     List.of(pg.caPem()), PostgresServer.SUPERUSER, PostgresServer.DATABASE,
                     PasswordSupplier.none(), Duration.ofSeconds(10)))) {
            System.out.println("READY pg=" + pg.port() + " tunnel=" + tunnel.localAddress().getPort()
                    + " ca=" + pg.caPem());
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for stdin to close
            }
            System.err.println("handshakes: full " + tunnel.upstream().tls().fullHandshakes() + ", resumed "
                    + tunnel.upstream().tls().resumedHandshakes() + "; warm spares taken "
                    + tunnel.upstream().sparesTaken() + ", found closed " + tunnel.upstream().sparesLost());
            var s = tunnel.stats().snapshot();
            System.err.println("tunnel stats: connections " + s.totalConnections() + ", bytes to client "
                    + s.bytesToClient() + ", last error " + s.lastError());
        }
    }

    /**
     * {@code tunnel PGPORT CA}: only a tunnel, to the PostgreSQL of another peers process (the
     * bench measures connect latency with each JDK). Prints {@code READY tunnel=PORT}.
     */
    private static void tunnelOnly(int pgPort, java.nio.file.Path ca) throws Exception {
        try (PgTunnel tunnel = PgTunnel.start(new PgTunnelConfig(0, "127.0.0.1", pgPort, TlsMode.VERIFY_FULL,
                List.of(ca), PostgresServer.SUPERUSER, PostgresServer.DATABASE, PasswordSupplier.none(),
                Duration.ofSeconds(10)))) {
            System.out.println("READY tunnel=" + tunnel.localAddress().getPort());
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for stdin to close
            }
            System.err.println("handshakes: full " + tunnel.upstream().tls().fullHandshakes() + ", resumed "
                    + tunnel.upstream().tls().resumedHandshakes() + "; warm spares taken "
                    + tunnel.upstream().sparesTaken() + ", found closed " + tunnel.upstream().sparesLost());
        }
    }
}
