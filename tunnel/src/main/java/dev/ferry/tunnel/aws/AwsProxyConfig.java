package dev.ferry.tunnel.aws;

import dev.ferry.tunnel.ca.LocalCa;
import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Settings of one AWS API proxy.
 *
 * @param port                0 for any free port
 * @param upstreamCredentials called for every request (so refreshed credentials are
 *                            picked up without dropping requests in flight); session
 *                            credentials ({@code AwsSessionCredentialsIdentity}) add the token
 */
public record AwsProxyConfig(int port, ProxyMode mode, LocalCredentials local,
                             Supplier<? extends AwsCredentialsIdentity> upstreamCredentials,
                             UpstreamResolver upstream, LocalCa ca) {

    public AwsProxyConfig {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(upstreamCredentials, "upstreamCredentials");
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(ca, "ca");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("Port must be between 0 and 65535, not " + port);
        }
    }
}
