package dev.ferry.app.discovery;

import dev.ferry.app.model.DatabaseResource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Makes the {@link DatabaseResource} of a discovered database: its fields for the tunnel,
 * labels and name.
 *
 * <p>Names follow Teleport's discovery: {@code <resource id>[-reader]-<matcher type>[-aurora]-<region>-<account>},
 * e.g. {@code orders-rds-us-east-1-123456789012}, {@code ledger-reader-rds-aurora-eu-west-1-123456789012},
 * {@code dwh-redshift-serverless-us-east-1-123456789012}: readable, stable from one scan to the next, and
 * unique across accounts, regions and kinds (an RDS instance and an Aurora cluster may share an id). Unlike
 * Teleport, no part is left out when the resource id already contains it, so the scheme never depends on
 * the id. The AWS tag {@code TeleportDatabaseName} overrides the name, as in Teleport.
 */
final class DiscoveredDatabases {
    static final String NAME_TAG = "TeleportDatabaseName";
    private static final Pattern VALID_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern HYPHENS = Pattern.compile("-{2,}");

    private DiscoveredDatabases() {
    }

    /** The generated name, ignoring any override tag. */
    static String generatedName(DiscoveryFacts f, String region, String account) {
        List<String> parts = new ArrayList<>();
        parts.add(f.resourceId());
        if (f.kind() == DiscoveryFacts.Kind.AURORA_READER) {
            parts.add("reader");
        }
        switch (f.kind()) {
            case RDS_INSTANCE -> parts.add("rds");
            case AURORA_WRITER, AURORA_READER -> {
                parts.add("rds");
                parts.add("aurora");
            }
            case REDSHIFT_CLUSTER -> parts.add("redshift");
            case REDSHIFT_SERVERLESS -> parts.add("redshift-serverless");
        }
        parts.add(region);
        parts.add(account);
        List<String> clean = new ArrayList<>();
        for (String p : parts) {
            String s = HYPHENS.matcher(p.trim().replace(' ', '-')).replaceAll("-");
            s = s.replaceAll("^-+|-+$", "");
            if (!s.isEmpty()) {
                clean.add(s);
            }
        }
        return String.join("-", clean);
    }

    static DatabaseResource database(DiscoveryFacts f, Map<String, String> tags, String protocol, String host, int port,
                                     String region, String account, ScanAccount via, String redshiftCluster,
                                     String workgroup, String rdsInstance, String rdsCluster, Map<String, String> extraLabels) {
        String override = tags.getOrDefault(NAME_TAG, "").trim();
        String name = VALID_NAME.matcher(override).matches() ? override : generatedName(f, region, account);
        Map<String, String> labels = new LinkedHashMap<>(tags);
        labels.putAll(extraLabels);
        labels.put("engine", f.engine());
        if (!f.engineVersion().isEmpty()) {
            labels.put("engine_version", f.engineVersion());
        }
        labels.put("endpoint_type", f.kind().endpointType());
        labels.put("region", region);
        labels.put("account_id", account);
        labels.put("discovered", "true");
        DatabaseResource.Aws aws = new DatabaseResource.Aws(region, account, via.assumeRoleArn(), via.externalId(),
                redshiftCluster, workgroup, rdsInstance, rdsCluster, "");
        return new DatabaseResource(name, f.kind().title() + " in " + region, protocol, host + ":" + port, labels, aws,
                DatabaseResource.Tls.DEFAULT, List.of(), List.of());
    }

    /** The account of an ARN ({@code arn:partition:service:region:account:…}), else the fallback. */
    static String accountOf(String arn, String fallback) {
        if (arn != null) {
            String[] parts = arn.split(":", 6);
            if (parts.length == 6 && parts[4].matches("\\d{12}")) {
                return parts[4];
            }
        }
        return fallback;
    }

    /** Same name twice (an override tag used twice): those with an override fall back to the generated name. */
    static List<DiscoveredDatabase> uniqueNames(List<DiscoveredDatabase> all, ServingRules rules) {
        Map<String, Integer> count = new LinkedHashMap<>();
        all.forEach(d -> count.merge(d.name(), 1, Integer::sum));
        List<DiscoveredDatabase> out = new ArrayList<>(all.size());
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (DiscoveredDatabase d : all) {
            DiscoveredDatabase x = d;
            String generated = generatedName(d.facts(), d.database().aws().region(), d.database().aws().accountId());
            if (count.get(d.name()) > 1 && !d.name().equals(generated)) {
                x = d.with(renamed(d.database(), generated), rules);
            }
            if (seen.add(x.name())) {
                out.add(x);
            }
        }
        return out;
    }

    static DatabaseResource renamed(DatabaseResource db, String name) {
        return new DatabaseResource(name, db.description(), db.protocol(), db.uri(), db.labels(), db.aws(), db.tls(),
                db.allowedUsers(), db.allowedNames());
    }
}
