package dev.ferry.app.teleport;

import dev.ferry.app.FerryException;
import dev.ferry.app.model.AppResource;
import dev.ferry.app.model.AwsRole;
import dev.ferry.tunnel.HostAndPort;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The Teleport web UI's app launcher route, {@code /web/launch/:fqdn/:clusterId?/:publicAddr?/:arn?}
 * (routes.appLauncher in web/packages/teleport/src/config.ts): the proxy signs the browser
 * into the app (for AWS, as the role) with the user's web session. Path parts are encoded
 * as the web UI's router does (encodeURIComponent), so the ARN's ':' and '/' become %3A, %2F.
 */
public final class TeleportLaunchUrl {
    private TeleportLaunchUrl() {
    }

    /** @param proxy host or host:port of the Teleport proxy (":443" is left out) */
    public static URI of(String proxy, String cluster, AppResource app, AwsRole role) {
        if (app.publicAddr().isEmpty()) {
            throw new FerryException("Teleport did not report a public address for '" + app.name() + "'.",
                    "Ask your Teleport administrator to set public_addr for the app.");
        }
        HostAndPort address;
        try {
            address = HostAndPort.parse(proxy, 443);
        } catch (IllegalArgumentException e) {
            throw new FerryException("The Teleport proxy address '" + proxy + "' is not host[:port]: " + e.getMessage() + ".",
                    "Fix the proxy address of the Teleport workspace.");
        }
        String path = "/web/launch/" + component(app.publicAddr()) + "/" + component(cluster) + "/"
                + component(app.publicAddr()) + (role == null ? "" : "/" + component(role.arn()));
        // The base from the parsed parts; the path is already percent-encoded, so it is resolved, not quoted again.
        return address.uri("https").resolve(URI.create(path));
    }

    /** JavaScript's encodeURIComponent: everything but A-Z a-z 0-9 - _ . ! ~ * ' ( ) is %-encoded. */
    static String component(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("%21", "!")
                .replace("%7E", "~").replace("%27", "'").replace("%28", "(").replace("%29", ")");
    }
}
