package dev.ferry.app.standalone;

import dev.ferry.app.discovery.DatabaseMerge;
import dev.ferry.app.discovery.DiscoveryResult;
import dev.ferry.app.discovery.DiscoveryService;
import dev.ferry.app.discovery.ListedDatabase;
import dev.ferry.app.discovery.ServingRules;
import dev.ferry.app.model.DatabaseResource;
import dev.ferry.app.model.ServingMark;
import dev.ferry.app.workspace.StandaloneWorkspace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The databases a standalone workspace lists: those of its file, merged with the newest
 * discovery result (hand-written entries win, {@link DatabaseMerge}), each with its
 * {@link ServingMark} when the tunnel cannot serve it. The merge is made again only when
 * discovery has a new result. Thread-safe.
 */
final class WorkspaceDatabases implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkspaceDatabases.class);

    private final StandaloneWorkspace workspace;
    private final DiscoveryService discovery;
    private final ServingRules rules;
    private final AutoCloseable closeWith;

    private record Merged(DiscoveryResult from, List<DatabaseResource> databases, Map<String, ServingMark> marks) {
    }

    // Guarded by this.
    private Merged merged;

    /**
     * @param discovery null when the workspace has no matchers
     * @param closeWith closed with the discovery (the scan's account credentials); may be null
     */
    WorkspaceDatabases(StandaloneWorkspace workspace, DiscoveryService discovery, ServingRules rules,
                       AutoCloseable closeWith) {
        this.workspace = workspace;
        this.discovery = discovery;
        this.rules = rules;
        this.closeWith = closeWith;
    }

    Optional<DiscoveryService> discovery() {
        return Optional.ofNullable(discovery);
    }

    List<DatabaseResource> databases() {
        return current().databases();
    }

    Optional<ServingMark> mark(DatabaseResource db) {
        return Optional.ofNullable(current().marks().get(db.name()));
    }

    private Merged current() {
        DiscoveryResult latest = discovery == null ? null : discovery.latest().orElse(null);
        synchronized (this) {
            if (merged != null && merged.from() == latest) {
                return merged;
            }
        }
        DatabaseMerge.Result r = new DatabaseMerge(rules).merge(workspace.databases(),
                latest == null ? List.of() : latest.databases(), workspace.roles());
        r.warnings().forEach(w -> LOG.warn("Discovery: {}", w));
        Map<String, ServingMark> marks = new HashMap<>();
        for (ListedDatabase l : r.databases()) {
            l.discovered().flatMap(d -> rules.mark(l.database(), d.facts())).ifPresent(m -> marks.put(l.name(), m));
        }
        Merged m = new Merged(latest, r.databases().stream().map(ListedDatabase::database).toList(), Map.copyOf(marks));
        synchronized (this) {
            merged = m;
        }
        return m;
    }

    @Override
    public void close() {
        if (discovery != null) {
            discovery.close();
        }
        if (closeWith != null) {
            try {
                closeWith.close();
            } catch (Exception e) {
                LOG.warn("Discovery: closing its credentials failed", e);
            }
        }
    }
}
