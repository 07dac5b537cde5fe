package dev.ferry.app.aws;

import dev.ferry.app.FerryEnvironment;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * The endpoints set in the environment for AWS services, by the SDK's own rules:
 * {@code AWS_ENDPOINT_URL_<SERVICE>} then {@code AWS_ENDPOINT_URL}, none when
 * {@code AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true}. (A profile's {@code endpoint_url} is applied
 * by the SDK itself through the profile file.) This is also how tests point Ferry at moto and
 * at the IAM Identity Center stand-in.
 */
public final class AwsEndpoints {
    private final FerryEnvironment env;

    public AwsEndpoints(FerryEnvironment env) {
        this.env = env;
    }

    /** @param serviceEnvName the service's environment name, e.g. {@code STS}, {@code SSO_OIDC} */
    public Optional<URI> endpointFor(String serviceEnvName) {
        if (env.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS").map("true"::equalsIgnoreCase).orElse(false)) {
            return Optional.empty();
        }
        return env.get("AWS_ENDPOINT_URL_" + serviceEnvName.toUpperCase(Locale.ROOT))
                .or(() -> env.get("AWS_ENDPOINT_URL"))
                .map(URI::create);
    }
}
