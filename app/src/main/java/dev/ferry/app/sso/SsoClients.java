package dev.ferry.app.sso;

import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.aws.AwsEndpoints;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.sso.SsoClient;
import software.amazon.awssdk.services.ssooidc.SsoOidcClient;
import software.amazon.awssdk.services.ssooidc.endpoints.SsoOidcEndpointProvider;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The AWS SDK's own IAM Identity Center clients, one per region, made on first use: {@code sso-oidc}
 * (sign-in) and {@code sso} (the access portal). Neither API is signed. Endpoints follow the SDK's
 * configuration ({@code AWS_ENDPOINT_URL_SSO_OIDC}, {@code AWS_ENDPOINT_URL_SSO}, then
 * {@code AWS_ENDPOINT_URL}), which is how the tests reach the loopback stand-in.
 *
 * <p>{@link #portal} retries as the SDK does by default (GetRoleCredentials, Logout);
 * {@link #portalForListing} does not retry at all, because {@link SsoPortal} retries throttling
 * itself: many more times than other failures, and in waits that Cancel ends (the SDK has one
 * attempt limit for every kind of failure, and its backoff cannot be interrupted).
 */
public final class SsoClients implements AutoCloseable {
    private final AwsEndpoints endpoints;
    /** Made on first use: its TLS set-up (loading the JDK's trust store) is about 40 ms of the desktop's start. */
    private SdkHttpClient http;
    private boolean closed;
    private final Map<String, SsoOidcClient> oidc = new ConcurrentHashMap<>();
    private final Map<String, SsoClient> portal = new ConcurrentHashMap<>();
    private final Map<String, SsoClient> listing = new ConcurrentHashMap<>();

    public SsoClients(FerryEnvironment env) {
        this.endpoints = new AwsEndpoints(env);
    }

    private synchronized SdkHttpClient http() {
        if (closed) {
            throw new IllegalStateException("Ferry is shutting down");
        }
        if (http == null) {
            http = UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(10))
                    .socketTimeout(Duration.ofSeconds(30)).build();
        }
        return http;
    }

    public SsoOidcClient oidc(String region) {
        return oidc.computeIfAbsent(SsoSession.checkRegion(region), r -> {
            var b = SsoOidcClient.builder().region(Region.of(r)).httpClient(http())
                    .credentialsProvider(AnonymousCredentialsProvider.create());
            endpoints.endpointFor("SSO_OIDC").ifPresent(b::endpointOverride);
            return b.build();
        });
    }

    public SsoClient portal(String region) {
        return portal.computeIfAbsent(SsoSession.checkRegion(region), r -> portalClient(r, null));
    }

    /** The portal client without retries, for {@link SsoPortal}'s own. */
    public SsoClient portalForListing(String region) {
        return listing.computeIfAbsent(SsoSession.checkRegion(region), r -> portalClient(r, AwsRetryStrategy.doNotRetry()));
    }

    private SsoClient portalClient(String region, RetryStrategy retry) {
        var b = SsoClient.builder().region(Region.of(region)).httpClient(http())
                .credentialsProvider(AnonymousCredentialsProvider.create());
        if (retry != null) {
            b.overrideConfiguration(ClientOverrideConfiguration.builder().retryStrategy(retry).build());
        }
        endpoints.endpointFor("SSO").ifPresent(b::endpointOverride);
        return b.build();
    }

    /**
     * The OIDC service's base URL for a region, for its browser page {@code /authorize} (which
     * the API model does not describe): the configured endpoint, else the SDK's endpoint rules
     * ({@code https://oidc.<region>.amazonaws.com}, and the partitions' equivalents).
     */
    public URI oidcEndpoint(String region) {
        Optional<URI> configured = endpoints.endpointFor("SSO_OIDC");
        if (configured.isPresent()) {
            return configured.get();
        }
        return SsoOidcEndpointProvider.defaultProvider()
                .resolveEndpoint(p -> p.region(Region.of(SsoSession.checkRegion(region)))).join().url();
    }

    @Override
    public void close() {
        oidc.values().forEach(SsoOidcClient::close);
        portal.values().forEach(SsoClient::close);
        listing.values().forEach(SsoClient::close);
        synchronized (this) {
            closed = true;
            if (http != null) {
                http.close();
            }
        }
    }
}
