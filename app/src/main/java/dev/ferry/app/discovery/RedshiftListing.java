package dev.ferry.app.discovery;

import dev.ferry.app.model.DatabaseResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.redshift.RedshiftClient;
import software.amazon.awssdk.services.redshift.model.Cluster;
import software.amazon.awssdk.services.redshift.model.DescribeClustersResponse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Redshift provisioned clusters (DescribeClusters, which carries their tags). */
final class RedshiftListing {
    private static final Logger LOG = LoggerFactory.getLogger(RedshiftListing.class);

    private RedshiftListing() {
    }

    static List<DiscoveredDatabase> clusters(RedshiftClient redshift, Listing l) {
        List<DiscoveredDatabase> out = new ArrayList<>();
        l.pages(m -> redshift.describeClusters(b -> b.maxRecords(l.recordsPerPage()).marker(m)),
                DescribeClustersResponse::marker, page -> page.clusters().forEach(c -> cluster(c, l, out)));
        return out;
    }

    private static void cluster(Cluster c, Listing l, List<DiscoveredDatabase> out) {
        if (c.endpoint() == null || c.endpoint().address() == null || c.endpoint().address().isEmpty()) {
            LOG.info("Redshift cluster {} ({}) has no endpoint yet; not listed", c.clusterIdentifier(), c.clusterStatus());
            return;
        }
        Map<String, String> tags = new LinkedHashMap<>();
        c.tags().forEach(t -> tags.put(t.key(), t.value() == null ? "" : t.value()));
        String account = DiscoveredDatabases.accountOf(c.clusterNamespaceArn(), l.account.accountId());
        DiscoveryFacts f = new DiscoveryFacts(DiscoveryFacts.Kind.REDSHIFT_CLUSTER, c.clusterIdentifier(),
                c.clusterIdentifier(), "redshift", c.clusterVersion(), c.clusterStatus(), true, -1);
        int port = c.endpoint().port() == null ? 5439 : c.endpoint().port();
        DatabaseResource db = DiscoveredDatabases.database(f, tags, "postgres", c.endpoint().address(), port,
                l.region, account, l.account, c.clusterIdentifier(), "", "", "", Map.of());
        out.add(DiscoveredDatabase.of(db, f, l.options.rules()));
    }
}
