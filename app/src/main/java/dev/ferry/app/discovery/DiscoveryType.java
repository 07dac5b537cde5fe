package dev.ferry.app.discovery;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code types} of a discovery matcher, named as in Teleport's discovery service AWS
 * matchers. As in Teleport, {@code rds} finds RDS instances and Aurora clusters; {@code aurora}
 * (Ferry's own) finds only Aurora clusters.
 */
public enum DiscoveryType {
    RDS("rds", Set.of(Fetch.RDS_INSTANCES, Fetch.AURORA_CLUSTERS)),
    AURORA("aurora", Set.of(Fetch.AURORA_CLUSTERS)),
    REDSHIFT("redshift", Set.of(Fetch.REDSHIFT_CLUSTERS)),
    REDSHIFT_SERVERLESS("redshift-serverless", Set.of(Fetch.SERVERLESS_WORKGROUPS));

    /** Teleport's other AWS matcher types, which Ferry recognises but does not scan. */
    static final Set<String> TELEPORT_ONLY = Set.of("ec2", "eks", "rdsproxy", "elasticache",
            "elasticache-serverless", "memorydb", "opensearch", "docdb");

    /** One listing call family, shared by the types that need it. */
    enum Fetch {
        RDS_INSTANCES("RDS instances", "rds:DescribeDBInstances"),
        AURORA_CLUSTERS("Aurora clusters", "rds:DescribeDBClusters"),
        REDSHIFT_CLUSTERS("Redshift clusters", "redshift:DescribeClusters"),
        SERVERLESS_WORKGROUPS("Redshift Serverless workgroups", "redshift-serverless:ListWorkgroups");

        private final String what;
        private final String permission;

        Fetch(String what, String permission) {
            this.what = what;
            this.permission = permission;
        }

        String what() {
            return what;
        }

        /** The IAM action of its listing call, as an administrator would grant it. */
        String permission() {
            return permission;
        }
    }

    private final String id;
    private final Set<Fetch> fetches;

    DiscoveryType(String id, Set<Fetch> fetches) {
        this.id = id;
        this.fetches = fetches;
    }

    /** The name in the workspace file, e.g. {@code redshift-serverless}. */
    public String id() {
        return id;
    }

    Set<Fetch> fetches() {
        return fetches;
    }

    public static Optional<DiscoveryType> of(String id) {
        return Arrays.stream(values()).filter(t -> t.id.equals(id)).findFirst();
    }

    @Override
    public String toString() {
        return id;
    }
}
