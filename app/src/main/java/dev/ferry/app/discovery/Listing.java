package dev.ferry.app.discovery;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
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

    /**
     * Walks the pages of a listing call: {@code call} gets the page token (null for the first
     * page), {@code next} reads the token of the next page from an answer. Each call is
     * retried as {@link #call(Supplier)} does.
     */
    <R> void pages(Function<String, R> call, Function<R, String> next, Consumer<R> each) {
        Pages pages = new Pages();
        String token = null;
        do {
            String t = token;
            R page = call(() -> call.apply(t));
            each.accept(page);
            token = next.apply(page);
        } while (pages.more(token));
    }

    /** Records per page for RDS and Redshift, which accept 20 to 100. */
    int recordsPerPage() {
        return Math.max(20, options.pageSize());
    }

    void checkCancelled() {
        if (cancelled.getAsBoolean() || Thread.currentThread().isInterrupted()) {
            throw new CancellationException("cancelled");
        }
    }

    /** Guards a pagination loop against a token AWS hands out twice. */
    private static final class Pages {
        private final Set<String> seen = new HashSet<>();

        boolean more(String token) {
            return token != null && !token.isEmpty() && seen.add(token);
        }
    }
}
