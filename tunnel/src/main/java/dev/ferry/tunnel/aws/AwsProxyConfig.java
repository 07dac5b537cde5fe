package dev.ferry.tunnel.aws;

import dev.ferry.tunnel.ListenerLimits;
import dev.ferry.tunnel.ca.LocalCa;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Settings of one AWS API proxy.
 *
 * @param port                0 for any free port
 * @param upstreamCredentials called for every request (so refreshed credentials are
 *                            picked up without dropping requests in flight); session
 *                            credentials ({@code AwsSessionCredentialsIdentity}) add the token
 * @param limits              connection cap, header and idle timeouts
 * @param passThroughPorts    the ports a CONNECT to a host that is not AWS may reach (443 by
 *                            default); such tunnels carry the client's own bytes, no credentials
 * @param defaultRegion       the region for requests whose signature names none: Signature
 *                            Version 2 S3 requests in endpoint-URL mode or to S3's global endpoint
 */
public record AwsProxyConfig(int port, ProxyMode mode, LocalCredentials local,
                             Supplier<? extends AwsCredentialsIdentity> upstreamCredentials,
                             UpstreamResolver upstream, LocalCa ca, ListenerLimits limits,
                             Set<Integer> passThroughPorts, String defaultRegion) {

    public static final Set<Integer> DEFAULT_PASS_THROUGH_PORTS = Set.of(443);

    public AwsProxyConfig {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(upstreamCredentials, "upstreamCredentials");
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(ca, "ca");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("Port must be between 0 and 65535, not " + port);
        }
        limits = limits == null ? ListenerLimits.AWS_PROXY : limits;
        passThroughPorts = passThroughPorts == null ? DEFAULT_PASS_THROUGH_PORTS : Set.copyOf(passThroughPorts);
        for (int p : passThroughPorts) {
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException("Pass-through port " + p + " is not between 1 and 65535");
            }
        }
        defaultRegion = defaultRegion == null || defaultRegion.isBlank() ? "us-east-1" : defaultRegion;
        AwsEndpoint.checkScopeNames("s3", defaultRegion);
    }

    /** Default limits, pass-through to port 443 only, us-east-1 for requests that name no region. */
    public AwsProxyConfig(int port, ProxyMode mode, LocalCredentials local,
                          Supplier<? extends AwsCredentialsIdentity> upstreamCredentials,
                          UpstreamResolver upstream, LocalCa ca) {
        this(port, mode, local, upstreamCredentials, upstream, ca, null, null, null);
    }

    /**
     * Port 443 plus the ports of a comma-separated list ({@code "8443, 9443"}); null or blank: 443 only.
     *
     * @throws IllegalArgumentException naming the entry that is not a port
     */
    public static Set<Integer> parsePorts(String spec) {
        java.util.TreeSet<Integer> ports = new java.util.TreeSet<>(DEFAULT_PASS_THROUGH_PORTS);
        if (spec == null || spec.isBlank()) {
            return ports;
        }
        for (String part : spec.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            try {
                int n = Integer.parseInt(p);
                if (n < 1 || n > 65535) {
                    throw new NumberFormatException();
                }
                ports.add(n);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + p + "' in the pass-through port list '" + spec
                        + "' is not a port between 1 and 65535.");
            }
        }
        return ports;
    }

    public AwsProxyConfig withLimits(ListenerLimits l) {
        return new AwsProxyConfig(port, mode, local, upstreamCredentials, upstream, ca, l, passThroughPorts,
                defaultRegion);
    }

    public AwsProxyConfig withPassThroughPorts(Set<Integer> ports) {
        return new AwsProxyConfig(port, mode, local, upstreamCredentials, upstream, ca, limits, ports, defaultRegion);
    }

    public AwsProxyConfig withDefaultRegion(String region) {
        return new AwsProxyConfig(port, mode, local, upstreamCredentials, upstream, ca, limits, passThroughPorts,
                region);
    }
}
