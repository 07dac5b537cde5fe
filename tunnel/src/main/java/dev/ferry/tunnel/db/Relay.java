package dev.ferry.tunnel.db;

import dev.ferry.tunnel.TunnelStats;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;

/**
 * The byte relay of a database tunnel once the session is set up: plaintext client socket on
 * one side, the upstream {@link TlsLink} on the other, one thread per direction (back-pressure
 * is the blocking write itself), up to 64 kB per system call.
 */
public final class Relay {
    private static final int BUFFER = 64 * 1024;

    private Relay() {
    }

    /**
     * Relays until either side ends, then calls {@code close} (which must close both sockets,
     * ending the other direction). The client-to-database direction runs on {@code executor},
     * the other on the calling thread, which returns when it ends.
     */
    public static void run(Socket client, Socket upstream, TlsLink tls, TunnelStats stats, Executor executor,
                           Runnable close) throws IOException {
        client.setSoTimeout(0);
        upstream.setSoTimeout(0);
        InputStream clientIn = client.getInputStream();
        executor.execute(() -> {
            try {
                byte[] buf = new byte[BUFFER];
                int n;
                while ((n = clientIn.read(buf)) >= 0) {
                    stats.addBytesFromClient(n);
                    tls.write(buf, 0, n);
                }
            } catch (IOException e) {
                // one side went away: close() ends the other direction
            } finally {
                close.run();
            }
        });
        OutputStream clientOut = client.getOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(BUFFER);
        try {
            int n;
            while ((n = tls.read(buf)) >= 0) {
                stats.addBytesToClient(n);
                clientOut.write(buf.array(), 0, buf.position());
                buf.clear();
            }
        } catch (IOException e) {
            // one side went away: the caller closes both
        }
    }
}
