package dev.ferry.tunnel.mysql;

import dev.ferry.tunnel.PortInUseException;
import dev.ferry.tunnel.TunnelStats;
import dev.ferry.tunnel.db.DbTunnel;
import dev.ferry.tunnel.db.TunnelListener;
import dev.ferry.tunnel.db.UpstreamTls;
import java.io.IOException;

/**
 * A MySQL-protocol database tunnel (MySQL, Aurora MySQL, MariaDB): a plaintext MySQL endpoint
 * on 127.0.0.1 whose connections are logged in to the real database over verified TLS as the
 * configured db user, with a password from the supplier, then relayed byte for byte.
 *
 * <p>Each client connection first opens its upstream connection and reads the database's
 * greeting, so the client is greeted with the database's own version, capabilities and
 * connection id: {@code KILL QUERY <id>} (mysql's Ctrl-C, JDBC's Statement.cancel) then names
 * the right server thread with no translation, whatever form the statement takes.
 *
 * <pre>{@code
 * try (MySqlTunnel t = MySqlTunnel.start(MySqlTunnelConfig.of(0, "db.example.com", 3306, "app", "shop", supplier))) {
 *     int port = t.localAddress().getPort(); // mysql -h 127.0.0.1 -P port
 * }
 * }</pre>
 */
public final class MySqlTunnel extends DbTunnel {
    private final MySqlTunnelConfig config;
    private final UpstreamTls upstream;

    private MySqlTunnel(MySqlTunnelConfig config, UpstreamTls upstream, TunnelListener listener, TunnelStats stats) {
        super(listener, stats);
        this.config = config;
        this.upstream = upstream;
    }

    /**
     * Binds 127.0.0.1:{@code config.port()} and starts serving.
     *
     * @throws PortInUseException when the port is taken
     * @throws IOException        when the CA files cannot be read or the port cannot be bound
     */
    public static MySqlTunnel start(MySqlTunnelConfig config) throws IOException {
        UpstreamTls upstream = new UpstreamTls(config.upstreamHost(), config.upstreamPort(), config.tlsMode(),
                config.extraCaPemFiles(), config.connectTimeout());
        TunnelStats stats = new TunnelStats();
        MySqlTunnel tunnel = new MySqlTunnel(config, upstream, TunnelListener.bind(config.port(), "mysql", stats), stats);
        tunnel.listener.accept(socket -> new MySqlConnection(tunnel, socket),
                socket -> new MySqlConnection(tunnel, socket, true));
        return tunnel;
    }

    public MySqlTunnelConfig config() {
        return config;
    }

    UpstreamTls upstream() {
        return upstream;
    }

    TunnelListener listener() {
        return listener;
    }
}
