package dev.ferry.app.workspace;

import dev.ferry.app.discovery.DiscoveryMatcher;
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
 * A standalone AWS workspace: Ferry itself federates, signs and authenticates with the user's
 * own AWS credentials (a profile, the default chain, or IAM Identity Center); apps, databases and
 * roles are what the YAML file declares, plus one console app per Identity Center account, and the
 * {@code discovery:} matchers find more databases (the provider merges them). Immutable.
 */
public record StandaloneWorkspace(Path source, String name, String user, AwsSettings aws,
                                  List<AppResource> apps, List<DatabaseResource> databases, List<RoleSpec> roles,
                                  Optional<IdentityCenter> identityCenter, List<DiscoveryMatcher> discovery)
        implements Workspace {

    /**
     * The {@code identity_center:} source: accounts become console apps, permission sets their
     * roles. Either a start URL and region (a session keyed by its start URL, as a legacy AWS CLI
     * profile), or the name of an {@code [sso-session]} of {@code ~/.aws/config} (its start URL and
     * region may be given too; else they are read from there). Empty strings for absent values.
     */
    public record IdentityCenter(String startUrl, String region, String ssoSession) {
        public IdentityCenter {
            startUrl = startUrl == null ? "" : startUrl.trim();
            region = region == null ? "" : region.trim();
            ssoSession = ssoSession == null ? "" : ssoSession.trim();
        }

        /** How the source reads in messages: the sso-session's name, else the start URL. */
        public String label() {
            return ssoSession.isEmpty() ? startUrl : ssoSession;
        }
    }

    /** A workspace whose credentials are a profile or the default chain. */
    public StandaloneWorkspace(Path source, String name, String user, AwsSettings aws,
                               List<AppResource> apps, List<DatabaseResource> databases, List<RoleSpec> roles) {
        this(source, name, user, aws, apps, databases, roles, Optional.empty(), List.of());
    }

    /** The {@code aws:} block; empty strings for absent values. */
    public record AwsSettings(String profile, String region, String signinEndpoint) {
        public static final AwsSettings NONE = new AwsSettings("", "", "");

        public AwsSettings {
            profile = profile == null ? "" : profile;
            region = region == null ? "" : region;
            signinEndpoint = signinEndpoint == null ? "" : signinEndpoint;
        }
    }

    public StandaloneWorkspace {
        aws = aws == null ? AwsSettings.NONE : aws;
        apps = List.copyOf(apps);
        databases = List.copyOf(databases);
        roles = List.copyOf(roles);
        identityCenter = identityCenter == null ? Optional.empty() : identityCenter;
        discovery = discovery == null ? List.of() : List.copyOf(discovery);
    }

    @Override
    public String kindTitle() {
        return identityCenter.isPresent() ? "AWS IAM Identity Center" : "Standalone AWS";
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
        Optional<String> account = app.awsAccountId();
        return awsRolesAnyAccount(app).stream()
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
