package dev.ferry.app.workspace;

import dev.ferry.app.discovery.DiscoveryMatcher;
import dev.ferry.app.discovery.DiscoveryType;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The loader reads a workspace's {@code discovery:} block, and reports its problems with the file's others. */
class WorkspaceDiscoveryBlockTest {
    static final Path FILE = Path.of("/ws/acme.yaml");
    final WorkspaceLoader loader = new WorkspaceLoader("alice");

    @Test
    void aWorkspaceWithOnlyARegionAndAMatcherLoads() {
        StandaloneWorkspace ws = (StandaloneWorkspace) loader.parse(FILE, """
                name: acme
                aws: {region: eu-west-1}
                discovery:
                  - types: [rds, aurora]
                    tags: {env: prod}
                  - types: [redshift, redshift-serverless]
                    regions: [us-east-1, eu-west-1]
                    assume_role_arn: arn:aws:iam::222222222222:role/ferry-discovery
                    external_id: acme-ext-1
                """);
        assertThat(ws.databases()).isEmpty();
        assertThat(ws.discovery()).hasSize(2);
        DiscoveryMatcher a = ws.discovery().get(0);
        assertThat(a.types()).containsExactly(DiscoveryType.RDS, DiscoveryType.AURORA);
        assertThat(a.regions()).as("the workspace's region").containsExactly("eu-west-1");
        assertThat(a.tags()).isEqualTo(Map.of("env", List.of("prod")));
        DiscoveryMatcher b = ws.discovery().get(1);
        assertThat(b.regions()).containsExactly("us-east-1", "eu-west-1");
        assertThat(b.assumeRoleArn()).isEqualTo("arn:aws:iam::222222222222:role/ferry-discovery");
        assertThat(b.externalId()).isEqualTo("acme-ext-1");
    }

    @Test
    void noBlockIsNoMatchers() {
        StandaloneWorkspace ws = (StandaloneWorkspace) loader.parse(FILE, "name: acme\naws: {region: us-east-1}\n");
        assertThat(ws.discovery()).isEmpty();
    }

    @Test
    void everyProblemOfTheBlockIsReportedWithTheRestOfTheFilesAtOnce() {
        WorkspaceException e = catchThrowableOfType(() -> loader.parse(FILE, """
                name: acme
                databases:
                  - name: orders
                    protocol: postgres
                discovery:
                  - types: [rds, mongo]
                    colour: blue
                  - types: [redshift]
                    external_id: lonely
                """), WorkspaceException.class);
        assertThat(e.problems()).extracting(WorkspaceException.Problem::toString).containsExactly(
                "/ws/acme.yaml:3: databases[0].uri: missing required field 'uri'",
                "/ws/acme.yaml:7: discovery[0].colour: unknown field 'colour' (known fields here: assume_role_arn, "
                        + "external_id, regions, role_name, tags, types)",
                "/ws/acme.yaml:6: discovery[0].types[1]: 'mongo' is not a type Ferry discovers; use rds, aurora, "
                        + "redshift, redshift-serverless",
                "/ws/acme.yaml:6: discovery[0].regions: missing required field 'regions' (the workspace has no "
                        + "aws.region to use instead)",
                "/ws/acme.yaml:8: discovery[1].regions: missing required field 'regions' (the workspace has no "
                        + "aws.region to use instead)",
                "/ws/acme.yaml:9: discovery[1].external_id: is only used with assume_role_arn; add the role to "
                        + "assume or remove external_id");
    }

    @Test
    void aTeleportWorkspaceHasNoDiscoveryBlock() {
        WorkspaceException e = catchThrowableOfType(() -> loader.parse(FILE, """
                name: corp
                teleport: {proxy: teleport.example.com:443}
                discovery:
                  - types: [rds]
                    regions: [us-east-1]
                """), WorkspaceException.class);
        assertThat(e.problems()).extracting(WorkspaceException.Problem::toString).containsExactly(
                "/ws/acme.yaml:3: discovery: a Teleport workspace lists the databases its cluster discovers "
                        + "(tsh db ls); remove this list");
    }
}
