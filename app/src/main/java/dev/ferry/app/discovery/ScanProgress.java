package dev.ferry.app.discovery;

import java.util.List;

/**
 * A snapshot of a running scan, per account and region. {@code regions} grows while the
 * accounts of the matchers are being found ({@code accountsKnown} false until then).
 */
public record ScanProgress(List<RegionProgress> regions, List<ScanFailure> accountFailures, boolean accountsKnown,
                           int databasesFound) {
    public ScanProgress {
        regions = List.copyOf(regions);
        accountFailures = List.copyOf(accountFailures);
    }

    public long finished() {
        return regions.stream().filter(RegionProgress::finished).count();
    }

    public int total() {
        return regions.size();
    }
}
