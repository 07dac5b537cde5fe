package dev.ferry.app.discovery;

import dev.ferry.app.model.DatabaseResource;

import java.util.Optional;

/**
 * A database as the workspace lists it after {@link DatabaseMerge}.
 *
 * @param discovered what discovery found at its endpoint, if anything
 */
public record ListedDatabase(DatabaseResource database, Source source, Optional<DiscoveredDatabase> discovered,
                             Optional<String> unavailableReason) {

    public enum Source {
        /** Written in the workspace file only. */
        FILE,
        /** Found by discovery only. */
        DISCOVERED,
        /** Written in the workspace file for a database discovery also found (the file wins). */
        FILE_OVER_DISCOVERED
    }

    public ListedDatabase {
        discovered = discovered == null ? Optional.empty() : discovered;
        unavailableReason = unavailableReason == null ? Optional.empty() : unavailableReason;
    }

    public String name() {
        return database.name();
    }

    public boolean available() {
        return unavailableReason.isEmpty();
    }
}
