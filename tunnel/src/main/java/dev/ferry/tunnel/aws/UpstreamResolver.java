package dev.ferry.tunnel.aws;

import java.net.URI;

/**
 * Where a verified request goes. The app implements it (e.g. from the SDK's endpoint
 * configuration); tests point every service at a local emulator.
 */
@FunctionalInterface
public interface UpstreamResolver {

    /**
     * @param service the SigV4 signing name from the request's credential scope (e.g. {@code s3})
     * @param region  the region from the credential scope
     * @param host    the AWS host the client meant: the CONNECT host (plus {@code :port}
     *                when not 443) in HTTPS_PROXY mode, the standard endpoint host in
     *                endpoint-URL mode
     * @return the upstream base URI, scheme and authority only (e.g. {@code https://sts.amazonaws.com})
     */
    URI resolve(String service, String region, String host);

    /** Sends each request to {@code https://<host>}. */
    static UpstreamResolver direct() {
        return (service, region, host) -> URI.create("https://" + host);
    }

    /** Sends every request to one base URI (an emulator such as moto). */
    static UpstreamResolver fixed(URI base) {
        return (service, region, host) -> base;
    }
}
