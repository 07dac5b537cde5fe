package dev.ferry.app.discovery;

import dev.ferry.app.model.Labels;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One entry of a workspace's {@code discovery:} list, with the field names of Teleport's
 * discovery service AWS matchers: which {@code types} to find in which {@code regions}, the
 * {@code tags} they must carry ({@code '*': '*'} when none are given), and how to reach the
 * account: the workspace's own credentials, {@code assume_role_arn} (+ {@code external_id}),
 * or, with IAM Identity Center, {@code role_name} in every account. Empty strings for absent
 * values.
 */
public record DiscoveryMatcher(Set<DiscoveryType> types, List<String> regions, Map<String, List<String>> tags,
                               String assumeRoleArn, String externalId, String roleName) {

    /** What Teleport uses when a matcher has no tags: every resource. */
    public static final Map<String, List<String>> ANY_TAGS = Map.of("*", List.of("*"));

    public DiscoveryMatcher {
        types = types == null || types.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(types));
        regions = regions == null ? List.of() : List.copyOf(regions);
        Map<String, List<String>> t = new LinkedHashMap<>();
        if (tags != null) {
            tags.forEach((k, v) -> t.put(k, List.copyOf(v)));
        }
        tags = t.isEmpty() ? ANY_TAGS : Collections.unmodifiableMap(t);
        assumeRoleArn = nz(assumeRoleArn);
        externalId = nz(externalId);
        roleName = nz(roleName);
    }

    /** A matcher that scans with the workspace's own credentials. */
    public static DiscoveryMatcher of(Set<DiscoveryType> types, List<String> regions, Map<String, List<String>> tags) {
        return new DiscoveryMatcher(types, regions, tags, "", "", "");
    }

    /**
     * Teleport's matching of a database's labels (its AWS tags plus the labels discovery adds:
     * engine, region, account_id, …): every key must match; a value may be a list, {@code *},
     * a glob or a {@code ^regex$}.
     */
    public boolean matches(Map<String, String> labels) {
        return Labels.matches(tags, labels);
    }

    boolean wants(DiscoveryType.Fetch fetch) {
        return types.stream().anyMatch(t -> t.fetches().contains(fetch));
    }

    /** A stable text of everything that decides what the matcher finds (for the cache). */
    String fingerprint() {
        List<String> parts = new ArrayList<>();
        types.forEach(t -> parts.add(t.id()));
        parts.add("|");
        parts.addAll(regions);
        parts.add("|");
        new java.util.TreeMap<>(tags).forEach((k, v) -> parts.add(k + "=" + String.join(",", v)));
        parts.add("|" + assumeRoleArn + "|" + externalId + "|" + roleName);
        return String.join(" ", parts);
    }

    private static String nz(String s) {
        return s == null ? "" : s.trim();
    }
}
