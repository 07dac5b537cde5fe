package dev.ferry.app.discovery;

import dev.ferry.app.model.DatabaseResource;

import java.util.Objects;
import java.util.Optional;

/**
 * A database found by discovery: the {@link DatabaseResource} a tunnel needs, the facts
 * behind it, and why Ferry cannot serve it when it cannot ({@link ServingRules}).
 */
public record DiscoveredDatabase(DatabaseResource database, DiscoveryFacts facts, Optional<String> unavailableReason) {

    public DiscoveredDatabase {
        Objects.requireNonNull(database);
        Objects.requireNonNull(facts);
        unavailableReason = unavailableReason == null ? Optional.empty() : unavailableReason;
    }

    /** With the mark the rules give it. */
    public static DiscoveredDatabase of(DatabaseResource database, DiscoveryFacts facts, ServingRules rules) {
        return new DiscoveredDatabase(database, facts, rules.unavailableReason(database, facts));
    }

    public String name() {
        return database.name();
    }

    public boolean available() {
        return unavailableReason.isEmpty();
    }

    /** The same database under another resource (e.g. merged with a hand-written entry), marked again. */
    public DiscoveredDatabase with(DatabaseResource other, ServingRules rules) {
        return of(other, facts, rules);
    }
}
