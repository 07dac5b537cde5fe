package dev.ferry.tunnel.aws;

import java.net.URI;

/**
 * Where a verified request goes. The app implements it (e.g. from the SDK's endpoint
 * configuration); tests point every service at a local emulator.
 */
@FunctionalInterface
public interface UpstreamResolver {

    /**
     * @param service  the SigV4 signing name from the request's credential scope (e.g. {@code s3})
     * @param region   the region from the credential scope
     * @param endpoint the genuine AWS endpoint the client meant, already checked against the
     *                 scope: the CONNECT host in HTTPS_PROXY mode, the SDK's standard endpoint
     *                 for the scope in endpoint-URL mode
     * @return the upstream base URI, scheme and authority only (e.g. {@code https://sts.amazonaws.com})
     */
    URI resolve(String service, String region, AwsEndpoint endpoint);

    /** Sends each request to the AWS endpoint itself, {@code https://<host>} built from the parsed host. */
    static UpstreamResolver direct() {
        return (service, region, endpoint) -> endpoint.uri();
    }

    /** Sends every request to one base URI (an emulator such as moto). */
    static UpstreamResolver fixed(URI base) {
        return (service, region, endpoint) -> base;
    }
}
