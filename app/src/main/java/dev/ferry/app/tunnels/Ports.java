package dev.ferry.app.tunnels;

import dev.ferry.app.FerryException;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** The one check of loopback ports Ferry uses. */
public final class Ports {
    private Ports() {
    }

    /** Whether 127.0.0.1:port can be bound now. */
    public static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A loopback port that is free now. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new FerryException("No free local port: " + e.getMessage());
        }
    }
}
