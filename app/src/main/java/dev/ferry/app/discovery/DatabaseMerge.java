package dev.ferry.app.discovery;

import dev.ferry.app.model.DatabaseResource;
import dev.ferry.app.model.Labels;
import dev.ferry.app.model.RoleSpec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Puts hand-written and discovered databases into one list. A hand-written entry wins over
 * the discovered ones at the same endpoint (host:port): it keeps its name, uri, protocol,
 * TLS, secret and description, takes the AWS fields it leaves empty (region, account, ids,
 * role) from the discovered database, and its labels go over the discovered ones. So a user
 * adds {@code secret_store}, {@code tls} or labels to a discovered database by naming it with
 * its endpoint. The mark is worked out again on the result (a secret makes an IAM-off
 * instance usable). Discovered databases get the db users and names of the roles whose
 * {@code db_labels} match them, like hand-written ones.
 */
public final class DatabaseMerge {
    private final ServingRules rules;

    /** The merged list, hand-written entries first (in file order), then discovered ones (by name). */
    public record Result(List<ListedDatabase> databases, List<String> warnings) {
        public Result {
            databases = List.copyOf(databases);
            warnings = List.copyOf(warnings);
        }

        public Optional<ListedDatabase> database(String name) {
            return databases.stream().filter(d -> d.name().equals(name)).findFirst();
        }
    }

    public DatabaseMerge(ServingRules rules) {
        this.rules = rules;
    }

    /** host:port, the host in lower case; the key by which entries are the same database. */
    public static String endpoint(DatabaseResource db) {
        return db.host().toLowerCase(Locale.ROOT) + ":" + db.port();
    }

    public Result merge(List<DatabaseResource> handWritten, List<DiscoveredDatabase> discovered, List<RoleSpec> roles) {
        Map<String, List<DiscoveredDatabase>> byEndpoint = new HashMap<>();
        for (DiscoveredDatabase d : discovered) {
            byEndpoint.computeIfAbsent(endpoint(d.database()), k -> new ArrayList<>()).add(d);
        }
        List<ListedDatabase> out = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<DiscoveredDatabase> used = new HashSet<>();
        for (DatabaseResource h : handWritten) {
            names.add(h.name());
            List<DiscoveredDatabase> same = byEndpoint.getOrDefault(endpoint(h), List.of());
            if (same.isEmpty()) {
                out.add(new ListedDatabase(h, ListedDatabase.Source.FILE, Optional.empty(), Optional.empty()));
                continue;
            }
            DiscoveredDatabase d = same.get(0);
            used.addAll(same);
            DatabaseResource merged = DatabaseGrants.grant(over(h, d.database()), roles);
            out.add(new ListedDatabase(merged, ListedDatabase.Source.FILE_OVER_DISCOVERED, Optional.of(d),
                    rules.unavailableReason(merged, d.facts())));
        }
        for (DiscoveredDatabase d : discovered) {
            if (used.contains(d)) {
                continue;
            }
            DatabaseResource db = d.database();
            if (names.contains(db.name())) {
                String generated = DiscoveredDatabases.generatedName(d.facts(), db.aws().region(), db.aws().accountId());
                if (names.contains(generated)) {
                    warnings.add("The discovered database " + endpoint(db) + " is not listed: the workspace file "
                            + "already has a database named " + db.name() + ".");
                    continue;
                }
                db = DiscoveredDatabases.renamed(db, generated);
            }
            names.add(db.name());
            DiscoveredDatabase granted = d.with(DatabaseGrants.grant(db, roles), rules);
            out.add(new ListedDatabase(granted.database(), ListedDatabase.Source.DISCOVERED, Optional.of(granted),
                    granted.unavailableReason()));
        }
        return new Result(out, warnings);
    }

    /** The hand-written entry, its empty AWS fields filled and its labels laid over the discovered ones. */
    private static DatabaseResource over(DatabaseResource h, DatabaseResource d) {
        DatabaseResource.Aws a = h.aws();
        DatabaseResource.Aws b = d.aws();
        DatabaseResource.Aws aws = new DatabaseResource.Aws(or(a.region(), b.region()), or(a.accountId(), b.accountId()),
                or(a.assumeRoleArn(), b.assumeRoleArn()),
                a.assumeRoleArn().isEmpty() ? or(a.externalId(), b.externalId()) : a.externalId(),
                or(a.redshiftClusterId(), b.redshiftClusterId()),
                or(a.redshiftServerlessWorkgroup(), b.redshiftServerlessWorkgroup()),
                or(a.rdsInstanceId(), b.rdsInstanceId()), or(a.rdsClusterId(), b.rdsClusterId()), a.secretId());
        Map<String, String> labels = new LinkedHashMap<>(d.labels());
        labels.putAll(h.labels());
        return new DatabaseResource(h.name(), or(h.description(), d.description()), h.protocol(), h.uri(), labels, aws,
                h.tls(), h.allowedUsers(), h.allowedNames());
    }

    private static String or(String a, String b) {
        return a.isEmpty() ? b : a;
    }

    /** The db users and names the workspace roles allow on a database, by its labels. */
    static final class DatabaseGrants {
        private DatabaseGrants() {
        }

        static DatabaseResource grant(DatabaseResource db, List<RoleSpec> roles) {
            Set<String> users = new LinkedHashSet<>(db.allowedUsers());
            Set<String> dbNames = new LinkedHashSet<>(db.allowedNames());
            for (RoleSpec r : roles) {
                if (Labels.matches(r.dbLabels(), db.labels())) {
                    users.addAll(r.dbUsers());
                    dbNames.addAll(r.dbNames());
                }
            }
            return new DatabaseResource(db.name(), db.description(), db.protocol(), db.uri(), db.labels(), db.aws(),
                    db.tls(), List.copyOf(users), List.copyOf(dbNames));
        }
    }
}
