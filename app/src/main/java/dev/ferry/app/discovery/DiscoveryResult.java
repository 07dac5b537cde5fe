package dev.ferry.app.discovery;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What one scan found: the databases (sorted by name, names unique), what failed, and how
 * each account and region went.
 *
 * @param scannedAt when the scan started
 * @param took      how long it ran
 */
public record DiscoveryResult(Instant scannedAt, Duration took, List<DiscoveredDatabase> databases,
                              List<ScanFailure> failures, List<RegionProgress> regions) {
    public DiscoveryResult {
        databases = List.copyOf(databases);
        failures = List.copyOf(failures);
        regions = List.copyOf(regions);
    }

    /** True when every account and region was listed. */
    public boolean complete() {
        return failures.isEmpty();
    }

    public Optional<DiscoveredDatabase> database(String name) {
        return databases.stream().filter(d -> d.name().equals(name)).findFirst();
    }
}
