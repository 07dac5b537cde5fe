package dev.ferry.app.cli;

import dev.ferry.app.FerryException;
import dev.ferry.app.access.AccessProvider;
import dev.ferry.app.discovery.DiscoveryListener;
import dev.ferry.app.discovery.DiscoveryResult;
import dev.ferry.app.discovery.DiscoveryService;
import dev.ferry.app.discovery.ScanFailure;
import dev.ferry.app.discovery.ScanProgress;
import dev.ferry.app.discovery.ScanRun;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Database discovery for the commands: scans (when asked, or when nothing was ever scanned)
 * with progress on stderr ("scanning 3 of 8 account/regions"), then says on stderr what could
 * not be listed. Stdout stays the listing only.
 */
final class CliDiscovery {
    /** The longest a command waits for a scan. */
    static final Duration SCAN_TIMEOUT = Duration.ofMinutes(10);

    private CliDiscovery() {
    }

    /** Scans when {@code refresh} or when the workspace has no scan yet; a no-op without discovery. */
    static void prepare(AccessProvider p, boolean refresh, PrintWriter err) {
        DiscoveryService d = p.discovery().orElse(null);
        if (d == null) {
            return;
        }
        if (!refresh && d.latest().isPresent()) {
            return;
        }
        DiscoveryListener printer = new DiscoveryListener() {
            private long shown = -1;

            @Override
            public synchronized void progress(ScanProgress s) {
                if (s.finished() != shown) {
                    shown = s.finished();
                    err.println("Discovering databases: scanning " + s.finished() + " of " + s.total()
                            + " account/regions" + (s.accountsKnown() ? "" : " (finding accounts)") + ", "
                            + s.databasesFound() + " found");
                    err.flush();
                }
            }
        };
        d.addListener(printer);
        DiscoveryResult r;
        try {
            ScanRun run = d.refresh();
            r = run.result().get(SCAN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FerryException("Discovery was interrupted.");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof FerryException fe ? fe
                    : new FerryException("Discovery failed: " + cause.getMessage(), "See the log for details.", cause);
        } catch (TimeoutException e) {
            throw new FerryException("Discovery took longer than " + SCAN_TIMEOUT.toMinutes() + " minutes.",
                    "The cached list (if any) is listed with `ferry db ls`; try --refresh again later.");
        } finally {
            d.removeListener(printer);
        }
        err.println("Discovered " + r.databases().size() + " databases in " + r.took().toMillis() + " ms.");
        warnFailures(r, err);
    }

    /** One line per account or region that could not be listed. */
    static void warnFailures(DiscoveryResult r, PrintWriter err) {
        for (ScanFailure f : r.failures()) {
            String where = (f.accountId().isEmpty() ? "" : "account " + f.accountId())
                    + (f.region().isEmpty() ? "" : " " + f.region()) + (f.what().isEmpty() ? "" : " (" + f.what() + ")");
            err.println("Not listed: " + where.trim() + ": " + f.message() + (f.hint().isEmpty() ? "" : " " + f.hint()));
        }
        err.flush();
    }
}
