package dev.ferry.tunnel;

import java.net.InetSocketAddress;

/**
 * A running loopback listener (a database tunnel, an AWS API proxy). Started by its
 * factory; closing it stops accepting, closes open connections and frees the port.
 */
public interface LocalTunnel extends AutoCloseable {

    /** The bound loopback address (the real port when 0 was asked for). */
    InetSocketAddress localAddress();

    TunnelStats stats();

    @Override
    void close();
}
