package dev.ferry.app.workspace;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The YAML shape of a workspace file, field for field. Names follow Teleport's
 * {@code app_service.apps}, {@code db_service.databases} and role {@code spec.allow}, so
 * pieces of a teleport.yaml or a role can be pasted in. Unknown fields are errors.
 */
public final class WorkspaceFile {
    public String name;
    public String user;
    public Aws aws;
    public Teleport teleport;
    public List<App> apps = new ArrayList<>();
    public List<Database> databases = new ArrayList<>();
    public List<Role> roles = new ArrayList<>();
    /** The {@code discovery:} matchers, checked by {@link dev.ferry.app.discovery.DiscoveryMatchers}. */
    public JsonNode discovery;

    @JsonProperty("identity_center")
    public IdentityCenter identityCenter;

    /**
     * The {@code identity_center:} block: accounts, roles and credentials come from IAM Identity
     * Center, given by start URL and region, or by the name of an {@code [sso-session]} of
     * {@code ~/.aws/config}.
     */
    public static final class IdentityCenter {
        @JsonProperty("start_url")
        public String startUrl;
        public String region;
        @JsonProperty("sso_session")
        public String ssoSession;
    }

    public static final class Aws {
        public String profile;
        public String region;
        @JsonProperty("signin_endpoint")
        public String signinEndpoint;
    }

    /** The {@code teleport:} block: Ferry drives the user's tsh against this cluster. */
    public static final class Teleport {
        public String proxy;
        public String user;
        public String auth;
        public String tsh;
        @JsonProperty("teleport_home")
        public String teleportHome;
    }

    public static final class App {
        public String name;
        public String uri;
        @JsonProperty("public_addr")
        public String publicAddr;
        public String description;
        public Map<String, String> labels = new LinkedHashMap<>();
        public String cloud;
        public AppAws aws;
    }

    public static final class AppAws {
        @JsonProperty("external_id")
        public String externalId;
    }

    public static final class Database {
        public String name;
        public String description;
        public String protocol;
        public String uri;
        @JsonAlias("static_labels")
        public Map<String, String> labels = new LinkedHashMap<>();
        public DbAws aws;
        public Tls tls;
    }

    public static final class DbAws {
        public String region;
        @JsonProperty("account_id")
        public String accountId;
        @JsonProperty("assume_role_arn")
        public String assumeRoleArn;
        @JsonProperty("external_id")
        public String externalId;
        public Redshift redshift;
        @JsonProperty("redshift_serverless")
        public RedshiftServerless redshiftServerless;
        public Rds rds;
        @JsonProperty("secret_store")
        public SecretStore secretStore;
    }

    public static final class Redshift {
        @JsonProperty("cluster_id")
        public String clusterId;
    }

    public static final class RedshiftServerless {
        @JsonProperty("workgroup_name")
        public String workgroupName;
    }

    public static final class Rds {
        @JsonProperty("instance_id")
        public String instanceId;
        @JsonProperty("cluster_id")
        public String clusterId;
    }

    public static final class SecretStore {
        @JsonProperty("secret_id")
        public String secretId;
    }

    public static final class Tls {
        public String mode;
        @JsonProperty("ca_cert_file")
        public String caCertFile;
    }

    public static final class Role {
        public String name;
        public Allow allow;
    }

    public static final class Allow {
        /** Values are a string or a list of strings. */
        @JsonProperty("app_labels")
        public Map<String, Object> appLabels = new LinkedHashMap<>();
        @JsonProperty("aws_role_arns")
        public List<String> awsRoleArns = new ArrayList<>();
        @JsonProperty("db_labels")
        public Map<String, Object> dbLabels = new LinkedHashMap<>();
        @JsonProperty("db_users")
        public List<String> dbUsers = new ArrayList<>();
        @JsonProperty("db_names")
        public List<String> dbNames = new ArrayList<>();
    }
}
