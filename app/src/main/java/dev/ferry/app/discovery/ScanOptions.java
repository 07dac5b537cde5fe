package dev.ferry.app.discovery;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How a scan runs.
 *
 * @param parallelism at most this many AWS calls at once (accounts × regions × kinds share the pool)
 * @param pageSize    records asked for per listing call (RDS and Redshift accept 20 to 100)
 * @param backoff     retries and waits when AWS throttles
 * @param callTimeout the longest one attempt of one call may take
 * @param rules       which databases the tunnel can serve
 */
public record ScanOptions(int parallelism, int pageSize, Backoff backoff, Duration callTimeout, ServingRules rules) {

    public static final ScanOptions DEFAULT = new ScanOptions(8, 100, Backoff.DEFAULT, Duration.ofSeconds(30),
            ServingRules.CURRENT);

    public ScanOptions {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1");
        }
        if (pageSize < 1 || pageSize > 100) {
            throw new IllegalArgumentException("pageSize must be 1 to 100");
        }
    }

    public ScanOptions withParallelism(int n) {
        return new ScanOptions(n, pageSize, backoff, callTimeout, rules);
    }

    public ScanOptions withBackoff(Backoff b) {
        return new ScanOptions(parallelism, pageSize, b, callTimeout, rules);
    }

    public ScanOptions withRules(ServingRules r) {
        return new ScanOptions(parallelism, pageSize, backoff, callTimeout, r);
    }

    /**
     * Throttling is retried twice over: the SDK's own retry strategy makes {@code sdkAttempts}
     * attempts with exponential backoff (its throttling backoff uses the same delays), and when
     * AWS still throttles, the scan waits and tries the call again up to {@code rounds} more
     * times, with exponential backoff and full jitter between {@code base} and {@code max}.
     */
    public record Backoff(Duration base, Duration max, int sdkAttempts, int rounds) {
        public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(10), 3, 4);

        public Backoff {
            if (sdkAttempts < 1 || rounds < 0) {
                throw new IllegalArgumentException("sdkAttempts must be at least 1 and rounds at least 0");
            }
        }

        /** The wait before round {@code round} (0-based) of the scan's own retries. */
        Duration delay(int round) {
            long cap = Math.min(max.toMillis(), base.toMillis() << Math.min(round, 20));
            return Duration.ofMillis(ThreadLocalRandom.current().nextLong(cap / 2, Math.max(cap, 1) + 1));
        }

        /** Every attempt a throttled call gets before the scan gives up on it. */
        int totalTries() {
            return sdkAttempts * (rounds + 1);
        }
    }
}
