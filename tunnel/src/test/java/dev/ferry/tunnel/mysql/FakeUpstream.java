package dev.ferry.tunnel.mysql;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A misbehaving "database" for failure tests: greets every connection with fixed bytes (or
 * nothing) and records everything the tunnel sent on each until it closed.
 */
final class FakeUpstream implements AutoCloseable {
    private final ServerSocket listener;
    private final List<byte[]> received = new CopyOnWriteArrayList<>();

    FakeUpstream(byte[] greeting) throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        Thread t = new Thread(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket s = listener.accept();
                    Thread c = new Thread(() -> {
                        try (s) {
                            s.getOutputStream().write(greeting);
                            s.setSoTimeout(60_000);
                            received.add(s.getInputStream().readAllBytes());
                        } catch (IOException ignored) {
                            // the tunnel went away
                        }
                    });
                    c.setDaemon(true);
                    c.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** What the tunnel sent on each connection it has closed. */
    List<byte[]> received() {
        return received;
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
