package dev.ferry.app.discovery;

import dev.ferry.app.aws.AwsSetup;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.redshift.RedshiftClient;
import software.amazon.awssdk.services.redshiftserverless.RedshiftServerlessClient;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Finds the databases of a workspace's matchers with the AWS SDK's own clients: every
 * account × region × kind in parallel on a bounded pool, throttling retried with backoff, and
 * a failure kept to the account or region it happened in. Endpoints follow the SDK's
 * configuration through {@link AwsSetup} ({@code AWS_ENDPOINT_URL_RDS}, {@code _REDSHIFT},
 * {@code _REDSHIFT_SERVERLESS}, {@code _STS}).
 */
public final class DatabaseScanner {
    private final AwsSetup aws;
    private final ScanAccounts accounts;
    private final ScanOptions options;
    private final Clock clock;

    public DatabaseScanner(AwsSetup aws, ScanAccounts accounts, ScanOptions options, Clock clock) {
        this.aws = aws;
        this.accounts = accounts;
        this.options = options;
        this.clock = clock;
    }

    public ScanOptions options() {
        return options;
    }

    /**
     * Starts a scan in the background and returns at once.
     *
     * @param progress called on scan threads, one call at a time, at every change; keep it quick
     */
    public ScanRun start(List<DiscoveryMatcher> matchers, Consumer<ScanProgress> progress) {
        return start(matchers, progress, r -> { });
    }

    /** As {@link #start(List, Consumer)}; {@code beforeResult} runs with the result before anyone can see it. */
    ScanRun start(List<DiscoveryMatcher> matchers, Consumer<ScanProgress> progress, Consumer<DiscoveryResult> beforeResult) {
        ScanRun run = new ScanRun(this, List.copyOf(matchers), progress == null ? p -> { } : progress, beforeResult);
        run.start();
        return run;
    }

    ScanAccounts accounts() {
        return accounts;
    }

    Clock clock() {
        return clock;
    }

    SdkHttpClient httpClient() {
        Duration t = options.callTimeout();
        return UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(10)).socketTimeout(t).build();
    }

    RdsClient rds(ScanAccount account, String region, SdkHttpClient http) {
        return client(RdsClient.builder(), "RDS", account, region, http);
    }

    RedshiftClient redshift(ScanAccount account, String region, SdkHttpClient http) {
        return client(RedshiftClient.builder(), "REDSHIFT", account, region, http);
    }

    RedshiftServerlessClient serverless(ScanAccount account, String region, SdkHttpClient http) {
        return client(RedshiftServerlessClient.builder(), "REDSHIFT_SERVERLESS", account, region, http);
    }

    private <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C extends SdkClient> C client(
            B builder, String service, ScanAccount account, String region, SdkHttpClient http) {
        aws.configure(builder, service, Region.of(region));
        builder.credentialsProvider(account.credentials());
        builder.httpClient(http);
        ScanOptions.Backoff b = options.backoff();
        BackoffStrategy delays = BackoffStrategy.exponentialDelay(b.base(), b.max());
        ClientOverrideConfiguration current = builder.overrideConfiguration();
        builder.overrideConfiguration(current.toBuilder()
                .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                        .maxAttempts(b.sdkAttempts()).backoffStrategy(delays).throttlingBackoffStrategy(delays)
                        .circuitBreakerEnabled(false).build())
                .apiCallAttemptTimeout(options.callTimeout())
                .build());
        return builder.build();
    }
}
