package dev.ferry.app.discovery;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * One listing of one kind in one region of one account: where it runs, and the scan's own
 * retry of throttled calls on top of the SDK's.
 */
final class Listing {
    final ScanAccount account;
    final String region;
    final ScanOptions options;
    private final BooleanSupplier cancelled;

    Listing(ScanAccount account, String region, ScanOptions options, BooleanSupplier cancelled) {
        this.account = account;
        this.region = region;
        this.options = options;
        this.cancelled = cancelled;
    }

    /** Calls AWS; when it is still throttled after the SDK's retries, waits and tries again. */
    <T> T call(Supplier<T> call) {
        for (int round = 0; ; round++) {
            checkCancelled();
            try {
                return call.get();
            } catch (RuntimeException e) {
                if (!ScanErrors.isThrottling(e) || round >= options.backoff().rounds()) {
                    throw e;
                }
                try {
                    Thread.sleep(options.backoff().delay(round).toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new CancellationException("cancelled");
                }
            }
        }
    }

    void checkCancelled() {
        if (cancelled.getAsBoolean() || Thread.currentThread().isInterrupted()) {
            throw new CancellationException("cancelled");
        }
    }

    /** Guards a pagination loop against a token AWS hands out twice. */
    static final class Pages {
        private final Set<String> seen = new HashSet<>();

        boolean more(String token) {
            return token != null && !token.isEmpty() && seen.add(token);
        }
    }
}
