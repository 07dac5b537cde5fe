package dev.ferry.app.tunnels;

import java.util.List;

/**
 * What a running tunnel tells its user, typed per kind ({@link DatabaseTunnelInfo},
 * {@link AwsProxyInfo}), with the rows a tab or a CLI shows. May hold local secrets (an AWS
 * proxy's local secret key): {@code toString()} never shows them, {@link Row#secret()} marks them.
 */
public sealed interface TunnelInfo permits DatabaseTunnelInfo, AwsProxyInfo {

    /** One label/value line; {@code secret} values are masked until the user asks for them. */
    record Row(String id, String label, String value, boolean secret) {
        @Override
        public String toString() {
            return label + ": " + (secret ? "****" : value);
        }
    }

    /** The rows shown for this tunnel, in order. */
    List<Row> rows();
}
