package dev.ferry.tunnel.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free loopback ports for tests and test peers (the one copy every module's tests use). */
public final class FreePorts {
    private FreePorts() {
    }

    /** A port that was free on 127.0.0.1 a moment ago (callers retry if it got taken). */
    public static int find() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on 127.0.0.1", e);
        }
    }

    /**
     * A free port below the kernel's ephemeral range (ip_local_port_range; 32768 when unknown), for
     * tests that close a listener and bind the same port again ("restored on the same port"): the
     * kernel never hands such a port to another program's bind(0) or outgoing connection meanwhile.
     */
    public static int outsideEphemeralRange() {
        int low = 32768;
        try {
            // readAllLines, not readString: procfs reports a size of 0 and readString then reads the file wrongly
            String range = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                    .get(0).trim();
            low = Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            // not Linux: keep the IANA default
        }
        if (low <= 2048) {
            low = 32768; // an unusual range: below the IANA dynamic ports
        }
        int from = Math.max(1024, low - 12_000);
        java.util.Random random = new java.util.Random();
        for (int i = 0; i < 500; i++) {
            int port = from + random.nextInt(low - from);
            if (isFree(port)) {
                return port;
            }
        }
        throw new IllegalStateException("No free port between " + from + " and " + low + " on 127.0.0.1");
    }

    /** Whether nothing listens on {@code port} of 127.0.0.1 (it can be bound now). */
    public static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
