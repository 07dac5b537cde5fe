package dev.ferry.app.tunnels;

import dev.ferry.tunnel.LocalTunnel;
import dev.ferry.tunnel.PortInUseException;
import dev.ferry.tunnel.TunnelStats;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** A real loopback listener that echoes one line per connection: enough to test the manager. */
final class EchoTunnel implements LocalTunnel {
    private final ServerSocket server;
    private final TunnelStats stats = new TunnelStats();
    private final Thread acceptor;

    EchoTunnel(int port) throws IOException {
        try {
            server = new ServerSocket();
            server.setReuseAddress(true); // as real tunnels must: rebinding right after a restart hits TIME_WAIT
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (BindException e) {
            throw new PortInUseException(port, e);
        }
        acceptor = new Thread(this::serve, "echo-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                stats.connectionOpened();
                s.getOutputStream().write(s.getInputStream().readNBytes(4));
                stats.connectionClosed();
            } catch (IOException e) {
                return;
            }
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    @Override
    public TunnelStats stats() {
        return stats;
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // already closed
        }
        // The JDK releases a server socket's port only once the thread blocked in accept() has left
        // it: wait for that, as a real tunnel's close does, so the port can be bound again at once.
        try {
            acceptor.join(dev.ferry.tunnel.testsupport.Wait.TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
