package dev.ferry.app.model;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * A database, with the fields of Teleport's {@code db_service.databases}. {@code allowedUsers}
 * and {@code allowedNames} come from the workspace roles; {@code "*"} means free text.
 */
public record DatabaseResource(String name, String description, String protocol, String uri,
                               Map<String, String> labels, Aws aws, Tls tls,
                               List<String> allowedUsers, List<String> allowedNames)
        implements Resource {

    /** The {@code aws:} block. Empty strings for absent values. */
    public record Aws(String region, String accountId, String assumeRoleArn, String externalId,
                      String redshiftClusterId, String redshiftServerlessWorkgroup,
                      String rdsInstanceId, String rdsClusterId, String secretId) {
        public static final Aws NONE = new Aws("", "", "", "", "", "", "", "", "");

        public Aws {
            region = nz(region);
            accountId = nz(accountId);
            assumeRoleArn = nz(assumeRoleArn);
            externalId = nz(externalId);
            redshiftClusterId = nz(redshiftClusterId);
            redshiftServerlessWorkgroup = nz(redshiftServerlessWorkgroup);
            rdsInstanceId = nz(rdsInstanceId);
            rdsClusterId = nz(rdsClusterId);
            secretId = nz(secretId);
        }
    }

    /** The {@code tls:} block: mode is verify-full (default), verify-ca or insecure. */
    public record Tls(String mode, String caCertFile) {
        public static final Tls DEFAULT = new Tls("verify-full", "");

        public Tls {
            mode = mode == null || mode.isBlank() ? "verify-full" : mode;
            caCertFile = nz(caCertFile);
        }
    }

    public DatabaseResource {
        description = nz(description);
        labels = labels == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(labels));
        aws = aws == null ? Aws.NONE : aws;
        tls = tls == null ? Tls.DEFAULT : tls;
        allowedUsers = allowedUsers == null ? List.of() : List.copyOf(allowedUsers);
        allowedNames = allowedNames == null ? List.of() : List.copyOf(allowedNames);
    }

    @Override
    public Kind kind() {
        return Kind.DATABASE;
    }

    public String host() {
        URI u = parsedUri();
        return u.getHost() == null ? "" : u.getHost();
    }

    /** The port of the URI, or the protocol's default. */
    public int port() {
        int p = parsedUri().getPort();
        if (p > 0) {
            return p;
        }
        return flavour().defaultPort();
    }

    /** What kind of server this is for clients: the one fact the desktop and the CLI both use. */
    public DatabaseFlavour flavour() {
        if (isMysql()) {
            return DatabaseFlavour.MYSQL;
        }
        return isRedshift() || isRedshiftServerless() ? DatabaseFlavour.REDSHIFT : DatabaseFlavour.POSTGRES;
    }

    /** {@code protocol: mysql}: MySQL, Aurora MySQL, RDS MySQL or MariaDB. */
    public boolean isMysql() {
        return "mysql".equals(protocol);
    }

    private URI parsedUri() {
        String u = uri.contains("://") ? uri : "tcp://" + uri;
        return URI.create(u);
    }

    public boolean isRedshift() {
        return !isMysql() && (!aws.redshiftClusterId().isEmpty()
                || (host().endsWith(".redshift.amazonaws.com") && !isRedshiftServerless()));
    }

    public boolean isRedshiftServerless() {
        return !isMysql() && (!aws.redshiftServerlessWorkgroup().isEmpty()
                || host().endsWith(".redshift-serverless.amazonaws.com"));
    }

    public boolean isAurora() {
        return !aws.rdsClusterId().isEmpty() || host().contains(".cluster-");
    }

    public boolean isRds() {
        return isAurora() || !aws.rdsInstanceId().isEmpty() || host().endsWith(".rds.amazonaws.com");
    }

    @Override
    public String typeName() {
        if (isRedshiftServerless()) {
            return "Redshift Serverless";
        }
        if (isRedshift()) {
            return "Redshift";
        }
        String engine = switch (protocol == null ? "" : protocol) {
            case "postgres" -> "PostgreSQL";
            case "mysql" -> "MySQL";
            default -> protocol;
        };
        if (isAurora()) {
            return "Aurora " + engine;
        }
        if (isRds()) {
            return "RDS " + engine;
        }
        return engine;
    }

    /** True when any db user may be typed in (a role allows {@code '*'}). */
    public boolean anyUserAllowed() {
        return allowedUsers.contains("*");
    }

    public boolean anyNameAllowed() {
        return allowedNames.contains("*");
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
