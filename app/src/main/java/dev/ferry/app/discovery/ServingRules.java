package dev.ferry.app.discovery;

import dev.ferry.app.model.DatabaseResource;
import dev.ferry.app.model.ServingMark;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which discovered databases Ferry's tunnel can serve, and why not, in plain words. One
 * place for the rules; {@link #CURRENT} is what this build supports.
 *
 * @param mysqlTunnels whether the database tunnel speaks MySQL: true in this build (issue 18); false
 *                     only for a build or test that must mark MySQL engines as not served
 */
public record ServingRules(boolean mysqlTunnels) {

    /** The rules of this build: PostgreSQL, Redshift and MySQL-protocol (MySQL, Aurora MySQL, MariaDB) tunnels. */
    public static final ServingRules CURRENT = new ServingRules(true);

    public static final String MYSQL_NOT_SUPPORTED = "MySQL tunnels are not supported yet.";

    /** RDS instance and Aurora cluster statuses in which the database takes connections. */
    private static final Set<String> RDS_SERVING = Set.of("available", "backing-up", "configuring-enhanced-monitoring",
            "configuring-iam-database-auth", "configuring-log-exports", "converting-to-vpc", "maintenance",
            "modifying", "moving-to-vpc", "rebooting", "renaming", "resetting-master-credentials",
            "storage-optimization", "upgrading", "storage-config-upgrade", "promoting", "backtracking",
            "failing-over", "update-iam-db-auth");
    private static final Set<String> REDSHIFT_SERVING = Set.of("available", "modifying", "rebooting", "renaming",
            "resizing", "rotating-keys", "updating-hsm", "available, prep-for-resize", "available, resize-cleanup");
    private static final Set<String> SERVERLESS_SERVING = Set.of("available", "modifying");

    static boolean isMysqlEngine(String engine) {
        String e = engine.toLowerCase(Locale.ROOT);
        return e.equals("mysql") || e.equals("mariadb") || e.equals("aurora") || e.equals("aurora-mysql");
    }

    /** Empty when the tunnel can serve the database; else the reason, with what to do. */
    public Optional<String> unavailableReason(DatabaseResource db, DiscoveryFacts f) {
        Optional<String> status = statusReason(f);
        if (status.isPresent()) {
            return status;
        }
        if (f.kind().isRds() && isMysqlEngine(f.engine()) && !mysqlTunnels) {
            return Optional.of(MYSQL_NOT_SUPPORTED);
        }
        if (f.kind().isRds() && !f.iamAuth() && db.aws().secretId().isEmpty()) {
            String what = f.kind().isAurora() ? "cluster" : "instance";
            String enable = f.kind().isAurora()
                    ? "aws rds modify-db-cluster --db-cluster-identifier " + f.resourceId()
                    : "aws rds modify-db-instance --db-instance-identifier " + f.resourceId();
            return Optional.of("IAM database authentication is off on this " + what + ". Turn it on (`" + enable
                    + " --enable-iam-database-authentication --apply-immediately`), or add a database with its "
                    + "endpoint and aws.secret_store.secret_id to the workspace file.");
        }
        return Optional.empty();
    }

    private static Optional<String> statusReason(DiscoveryFacts f) {
        String status = f.status().toLowerCase(Locale.ROOT);
        if (status.isEmpty()) {
            return Optional.empty();
        }
        switch (f.kind()) {
            case RDS_INSTANCE, AURORA_WRITER, AURORA_READER -> {
                boolean cluster = f.kind().isAurora();
                String what = cluster ? "cluster" : "instance";
                if (!RDS_SERVING.contains(status)) {
                    return Optional.of(lifecycle(what, status, cluster
                            ? "aws rds start-db-cluster --db-cluster-identifier " + f.resourceId()
                            : "aws rds start-db-instance --db-instance-identifier " + f.resourceId()));
                }
                if (cluster && f.instances() == 0) {
                    return Optional.of("The cluster has no DB instances; add one to connect to it.");
                }
                return Optional.empty();
            }
            case REDSHIFT_CLUSTER -> {
                if (status.equals("paused")) {
                    return Optional.of("The cluster is paused; resume it (`aws redshift resume-cluster "
                            + "--cluster-identifier " + f.resourceId() + "`) to connect.");
                }
                return REDSHIFT_SERVING.contains(status) ? Optional.empty()
                        : Optional.of(lifecycle("cluster", status, ""));
            }
            case REDSHIFT_SERVERLESS -> {
                return SERVERLESS_SERVING.contains(status) ? Optional.empty()
                        : Optional.of(lifecycle("workgroup", status, ""));
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    /** {@link #unavailableReason} with the kind of reason, for the provider's {@link ServingMark}s. */
    public Optional<ServingMark> mark(DatabaseResource db, DiscoveryFacts f) {
        return unavailableReason(db, f).map(message -> new ServingMark(statusReason(f).isPresent()
                ? ServingMark.Reason.NOT_AVAILABLE
                : f.kind().isRds() && isMysqlEngine(f.engine()) ? ServingMark.Reason.ENGINE_NOT_SUPPORTED
                : ServingMark.Reason.IAM_AUTH_OFF, message));
    }

    private static String lifecycle(String what, String status, String startCommand) {
        return switch (status) {
            case "stopped", "stopping" -> "The " + what + " is " + status + (startCommand.isEmpty() ? "."
                    : "; start it (`" + startCommand + "`) to connect.");
            case "starting" -> "The " + what + " is starting; try again in a few minutes.";
            case "creating" -> "The " + what + " is still being created; try again when it is available.";
            case "deleting" -> "The " + what + " is being deleted.";
            default -> "The " + what + " is not available (status: " + status + ").";
        };
    }
}
