package dev.ferry.tunnel;

import java.time.Duration;
import java.util.Objects;

/**
 * Resource limits of one loopback listener (a database tunnel, an AWS API proxy).
 *
 * @param maxConnections client connections served at once; the one past it gets a clear error
 *                       in the client's protocol and is closed
 * @param headerTimeout  how long a client may take to send what opens a connection or a request
 *                       (a PostgreSQL startup packet, an HTTP request head, a TLS handshake)
 * @param idleTimeout    how long a request-oriented connection (HTTP keep-alive between requests)
 *                       may stay silent; database sessions are never cut for being idle
 */
public record ListenerLimits(int maxConnections, Duration headerTimeout, Duration idleTimeout) {

    /**
     * 200 connections a database tunnel (more than PostgreSQL's and MySQL's default max_connections,
     * 100 and 151: the server's own limit usually comes first), 10 s for a startup packet.
     */
    public static final ListenerLimits DATABASE = new ListenerLimits(200, Duration.ofSeconds(10), Duration.ofMinutes(2));
    /** 256 connections, 20 s for a request head or TLS handshake, 60 s idle between requests. */
    public static final ListenerLimits AWS_PROXY = new ListenerLimits(256, Duration.ofSeconds(20), Duration.ofSeconds(60));

    public ListenerLimits {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1, not " + maxConnections);
        }
        Objects.requireNonNull(headerTimeout, "headerTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (headerTimeout.isNegative() || headerTimeout.isZero() || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("Timeouts must be positive");
        }
    }

    /** No practical limit: for measuring what the limits change (bench), never for users. */
    public static ListenerLimits unlimited() {
        return new ListenerLimits(Integer.MAX_VALUE, Duration.ofDays(365), Duration.ofDays(365));
    }

    public ListenerLimits withMaxConnections(int n) {
        return new ListenerLimits(n, headerTimeout, idleTimeout);
    }

    public ListenerLimits withHeaderTimeout(Duration d) {
        return new ListenerLimits(maxConnections, d, idleTimeout);
    }

    public ListenerLimits withIdleTimeout(Duration d) {
        return new ListenerLimits(maxConnections, headerTimeout, d);
    }

    public int headerTimeoutMillis() {
        return (int) Math.min(Integer.MAX_VALUE, headerTimeout.toMillis());
    }
}
