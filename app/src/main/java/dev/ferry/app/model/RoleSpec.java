package dev.ferry.app.model;

import java.util.List;
import java.util.Map;

/** A Teleport-style role: its name and {@code spec.allow}. */
public record RoleSpec(String name, Map<String, List<String>> appLabels, List<String> awsRoleArns,
                       Map<String, List<String>> dbLabels, List<String> dbUsers, List<String> dbNames) {
    public RoleSpec {
        appLabels = appLabels == null ? Map.of() : Map.copyOf(appLabels);
        awsRoleArns = awsRoleArns == null ? List.of() : List.copyOf(awsRoleArns);
        dbLabels = dbLabels == null ? Map.of() : Map.copyOf(dbLabels);
        dbUsers = dbUsers == null ? List.of() : List.copyOf(dbUsers);
        dbNames = dbNames == null ? List.of() : List.copyOf(dbNames);
    }
}
