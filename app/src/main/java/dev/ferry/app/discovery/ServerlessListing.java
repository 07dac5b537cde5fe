package dev.ferry.app.discovery;

import dev.ferry.app.model.DatabaseResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.redshiftserverless.RedshiftServerlessClient;
import software.amazon.awssdk.services.redshiftserverless.model.ListWorkgroupsResponse;
import software.amazon.awssdk.services.redshiftserverless.model.Workgroup;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;

/**
 * Redshift Serverless workgroups (ListWorkgroups), each with its namespace and endpoint, and
 * its tags (ListTagsForResource on the workgroup's ARN, as Teleport does). When tags cannot be
 * read the workgroups are still listed, without tags, and the failure is reported once.
 */
final class ServerlessListing {
    private static final Logger LOG = LoggerFactory.getLogger(ServerlessListing.class);
    static final String TAGS_PERMISSION = "redshift-serverless:ListTagsForResource";

    private ServerlessListing() {
    }

    static List<DiscoveredDatabase> workgroups(RedshiftServerlessClient rs, Listing l, Consumer<RuntimeException> tagFailure) {
        List<DiscoveredDatabase> out = new ArrayList<>();
        boolean[] tagsFailed = {false};
        l.pages(t -> rs.listWorkgroups(b -> b.maxResults(l.options.pageSize()).nextToken(t)),
                ListWorkgroupsResponse::nextToken, page -> page.workgroups().forEach(w -> {
                    if (w.endpoint() == null || w.endpoint().address() == null || w.endpoint().address().isEmpty()) {
                        LOG.info("Redshift Serverless workgroup {} ({}) has no endpoint yet; not listed",
                                w.workgroupName(), w.statusAsString());
                        return;
                    }
                    Map<String, String> tags = new LinkedHashMap<>();
                    if (!tagsFailed[0] && w.workgroupArn() != null) {
                        try {
                            l.call(() -> rs.listTagsForResource(b -> b.resourceArn(w.workgroupArn())))
                                    .tags().forEach(x -> tags.put(x.key(), x.value() == null ? "" : x.value()));
                        } catch (CancellationException e) {
                            throw e;
                        } catch (RuntimeException e) {
                            tagsFailed[0] = true;
                            tagFailure.accept(e);
                        }
                    }
                    out.add(workgroup(w, tags, l));
                }));
        return out;
    }

    private static DiscoveredDatabase workgroup(Workgroup w, Map<String, String> tags, Listing l) {
        String account = DiscoveredDatabases.accountOf(w.workgroupArn(), l.account.accountId());
        String status = w.statusAsString() == null ? "" : w.statusAsString().toLowerCase(Locale.ROOT);
        DiscoveryFacts f = new DiscoveryFacts(DiscoveryFacts.Kind.REDSHIFT_SERVERLESS, w.workgroupName(),
                w.workgroupName(), "redshift-serverless", "", status, true, -1);
        int port = w.endpoint().port() == null ? 5439 : w.endpoint().port();
        Map<String, String> extra = new LinkedHashMap<>();
        if (w.namespaceName() != null && !w.namespaceName().isEmpty()) {
            extra.put("namespace", w.namespaceName());
        }
        DatabaseResource db = DiscoveredDatabases.database(f, tags, "postgres", w.endpoint().address(), port,
                l.region, account, l.account, "", w.workgroupName(), "", "", extra);
        return DiscoveredDatabase.of(db, f, l.options.rules());
    }
}
