package dev.ferry.app.discovery;

import dev.ferry.app.model.DatabaseResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBClusterMember;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DescribeDbClustersResponse;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesResponse;
import software.amazon.awssdk.services.rds.model.Tag;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * RDS instances (DescribeDBInstances) and Aurora clusters (DescribeDBClusters: the writer
 * endpoint, and the reader endpoint as its own database when the cluster has readers), with
 * the engines Teleport discovers: PostgreSQL, MySQL and MariaDB instances, Aurora PostgreSQL
 * and MySQL clusters. Instances of an Aurora cluster are found through their cluster; as in
 * Teleport, a cluster without a writer instance (e.g. a global database's secondary) lists
 * only its reader endpoint, and one without instances its writer endpoint, marked.
 */
final class RdsListing {
    private static final Logger LOG = LoggerFactory.getLogger(RdsListing.class);
    static final Set<String> INSTANCE_ENGINES = Set.of("postgres", "mysql", "mariadb");
    static final Set<String> AURORA_ENGINES = Set.of("aurora-postgresql", "aurora-mysql", "aurora");

    private RdsListing() {
    }

    static List<DiscoveredDatabase> instances(RdsClient rds, Listing l) {
        List<DiscoveredDatabase> out = new ArrayList<>();
        l.pages(m -> rds.describeDBInstances(b -> b.maxRecords(l.recordsPerPage()).marker(m)),
                DescribeDbInstancesResponse::marker, page -> page.dbInstances().forEach(i -> instance(i, l, out)));
        return out;
    }

    private static void instance(DBInstance i, Listing l, List<DiscoveredDatabase> out) {
        String engine = nz(i.engine());
        if (!INSTANCE_ENGINES.contains(engine)) {
            LOG.debug("Skipping RDS instance {} with engine {}", i.dbInstanceIdentifier(), engine);
            return;
        }
        if (i.endpoint() == null || nz(i.endpoint().address()).isEmpty()) {
            LOG.info("RDS instance {} ({}) has no endpoint yet; not listed", i.dbInstanceIdentifier(),
                    i.dbInstanceStatus());
            return;
        }
        String account = DiscoveredDatabases.accountOf(i.dbInstanceArn(), l.account.accountId());
        DiscoveryFacts f = new DiscoveryFacts(DiscoveryFacts.Kind.RDS_INSTANCE, i.dbInstanceIdentifier(),
                i.dbInstanceIdentifier(), engine, i.engineVersion(), i.dbInstanceStatus(),
                Boolean.TRUE.equals(i.iamDatabaseAuthenticationEnabled()), -1);
        int port = i.endpoint().port() == null ? defaultPort(engine) : i.endpoint().port();
        DatabaseResource db = DiscoveredDatabases.database(f, tags(i.tagList()), protocol(engine),
                i.endpoint().address(), port, l.region, account, l.account, "", "", i.dbInstanceIdentifier(), "",
                Map.of());
        out.add(DiscoveredDatabase.of(db, f, l.options.rules()));
    }

    static List<DiscoveredDatabase> clusters(RdsClient rds, Listing l) {
        List<DiscoveredDatabase> out = new ArrayList<>();
        l.pages(m -> rds.describeDBClusters(b -> b.maxRecords(l.recordsPerPage()).marker(m)),
                DescribeDbClustersResponse::marker, page -> page.dbClusters().forEach(c -> cluster(c, l, out)));
        return out;
    }

    private static void cluster(DBCluster c, Listing l, List<DiscoveredDatabase> out) {
        String engine = nz(c.engine());
        if (!AURORA_ENGINES.contains(engine)) {
            LOG.debug("Skipping DB cluster {} with engine {}", c.dbClusterIdentifier(), engine);
            return;
        }
        List<DBClusterMember> members = c.dbClusterMembers();
        boolean writer = members.stream().anyMatch(x -> Boolean.TRUE.equals(x.isClusterWriter()));
        boolean reader = members.stream().anyMatch(x -> !Boolean.TRUE.equals(x.isClusterWriter()));
        if (!nz(c.endpoint()).isEmpty() && (writer || members.isEmpty())) {
            out.add(endpoint(c, DiscoveryFacts.Kind.AURORA_WRITER, c.endpoint(), members.size(), l));
        }
        if (!nz(c.readerEndpoint()).isEmpty() && reader) {
            out.add(endpoint(c, DiscoveryFacts.Kind.AURORA_READER, c.readerEndpoint(), members.size(), l));
        }
    }

    private static DiscoveredDatabase endpoint(DBCluster c, DiscoveryFacts.Kind kind, String host, int instances,
                                               Listing l) {
        String id = c.dbClusterIdentifier();
        String account = DiscoveredDatabases.accountOf(c.dbClusterArn(), l.account.accountId());
        int port = c.port() == null ? defaultPort(c.engine()) : c.port();
        DiscoveryFacts f = new DiscoveryFacts(kind, id, kind == DiscoveryFacts.Kind.AURORA_READER ? id + "-reader" : id,
                c.engine(), c.engineVersion(), c.status(), Boolean.TRUE.equals(c.iamDatabaseAuthenticationEnabled()),
                instances);
        DatabaseResource db = DiscoveredDatabases.database(f, tags(c.tagList()), protocol(c.engine()), host, port,
                l.region, account, l.account, "", "", "", id, Map.of());
        return DiscoveredDatabase.of(db, f, l.options.rules());
    }

    static String protocol(String engine) {
        return ServingRules.isMysqlEngine(engine) ? "mysql" : "postgres";
    }

    private static int defaultPort(String engine) {
        return ServingRules.isMysqlEngine(engine) ? 3306 : 5432;
    }

    private static Map<String, String> tags(List<Tag> tags) {
        Map<String, String> out = new LinkedHashMap<>();
        tags.forEach(t -> out.put(t.key(), nz(t.value())));
        return out;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
