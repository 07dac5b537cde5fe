package dev.ferry.app.workspace;

import dev.ferry.app.model.AppResource;
import dev.ferry.app.model.AwsRole;
import dev.ferry.app.model.DatabaseResource;
import dev.ferry.app.model.Labels;
import dev.ferry.app.model.Resource;
import dev.ferry.app.model.RoleSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A loaded, validated workspace: where it came from, its kind, and what it declares.
 * Immutable.
 */
public record Workspace(Path source, Kind kind, String name, String user, AwsSettings aws,
                        TeleportSettings teleport,
                        List<AppResource> apps, List<DatabaseResource> databases, List<RoleSpec> roles) {

    public enum Kind {
        STANDALONE_AWS("Standalone AWS"), TELEPORT("Teleport cluster");

        private final String title;

        Kind(String title) {
            this.title = title;
        }

        public String title() {
            return title;
        }
    }

    /** The {@code aws:} block of a standalone workspace; empty strings for absent values. */
    public record AwsSettings(String profile, String region, String signinEndpoint) {
        public AwsSettings {
            profile = profile == null ? "" : profile;
            region = region == null ? "" : region;
            signinEndpoint = signinEndpoint == null ? "" : signinEndpoint;
        }
    }

    /**
     * The {@code teleport:} block of a Teleport workspace; empty strings for absent values.
     * {@code proxy} is host or host:port; {@code teleportHome} as written (resolved later).
     */
    public record TeleportSettings(String proxy, String user, String auth, String tsh, String teleportHome) {
        public static final TeleportSettings NONE = new TeleportSettings("", "", "", "", "");

        public TeleportSettings {
            proxy = proxy == null ? "" : proxy;
            user = user == null ? "" : user;
            auth = auth == null ? "" : auth;
            tsh = tsh == null ? "" : tsh;
            teleportHome = teleportHome == null ? "" : teleportHome;
        }
    }

    public Workspace {
        aws = aws == null ? new AwsSettings(null, null, null) : aws;
        teleport = teleport == null ? TeleportSettings.NONE : teleport;
        apps = List.copyOf(apps);
        databases = List.copyOf(databases);
        roles = List.copyOf(roles);
    }

    /** Apps first, then databases, each in file order. */
    public List<Resource> resources() {
        List<Resource> all = new ArrayList<>(apps);
        all.addAll(databases);
        return all;
    }

    public Optional<AppResource> app(String name) {
        return apps.stream().filter(a -> a.name().equals(name)).findFirst();
    }

    public Optional<DatabaseResource> database(String name) {
        return databases.stream().filter(d -> d.name().equals(name)).findFirst();
    }

    /**
     * The IAM roles offered for an app: the {@code aws_role_arns} of every role whose
     * {@code app_labels} match the app, kept to the app's {@code aws_account_id} (all when
     * the app has no such label). Duplicates removed, order of first appearance.
     */
    public List<AwsRole> awsRolesFor(AppResource app) {
        Map<String, AwsRole> byArn = new LinkedHashMap<>();
        for (RoleSpec role : roles) {
            if (!Labels.matches(role.appLabels(), app.labels())) {
                continue;
            }
            for (String arn : role.awsRoleArns()) {
                AwsRole.tryParse(arn).ifPresent(r -> byArn.putIfAbsent(r.arn(), r));
            }
        }
        Optional<String> account = app.awsAccountId();
        return byArn.values().stream()
                .filter(r -> account.isEmpty() || account.get().equals(r.accountId()))
                .toList();
    }

    /** All role ARNs granted by the roles that match the app, in any account. */
    public List<AwsRole> awsRolesAnyAccount(AppResource app) {
        Map<String, AwsRole> byArn = new LinkedHashMap<>();
        for (RoleSpec role : roles) {
            if (Labels.matches(role.appLabels(), app.labels())) {
                role.awsRoleArns().forEach(arn -> AwsRole.tryParse(arn).ifPresent(r -> byArn.putIfAbsent(r.arn(), r)));
            }
        }
        return List.copyOf(byArn.values());
    }
}
