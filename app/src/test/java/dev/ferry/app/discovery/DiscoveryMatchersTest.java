package dev.ferry.app.discovery;

import dev.ferry.app.workspace.WorkspaceException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code discovery:} list: Teleport's field names and tag semantics, every problem with file:line: field. */
class DiscoveryMatchersTest {
    static final Path FILE = Path.of("/ws/acme.yaml");

    @Test
    void readsTeleportStyleMatchers() {
        String yaml = """
                name: acme
                aws: {region: eu-central-1}
                discovery:
                  - types: [rds, redshift, redshift-serverless]
                    regions: [us-east-1, eu-west-1]
                    tags:
                      env: prod
                      team: [payments, ledger]
                  - types: [aurora]
                    assume_role_arn: arn:aws:iam::222222222222:role/ferry-discovery
                    external_id: acme-ext-1
                  - types: [rds]
                    role_name: ReadOnly
                    tags: {'*': '*'}
                """;
        List<DiscoveryMatcher> ms = DiscoveryMatchers.parseDocument(FILE, yaml, "eu-central-1").orThrow();
        assertThat(ms).hasSize(3);
        DiscoveryMatcher a = ms.get(0);
        assertThat(a.types()).containsExactly(DiscoveryType.RDS, DiscoveryType.REDSHIFT, DiscoveryType.REDSHIFT_SERVERLESS);
        assertThat(a.regions()).containsExactly("us-east-1", "eu-west-1");
        assertThat(a.tags()).containsExactly(Map.entry("env", List.of("prod")),
                Map.entry("team", List.of("payments", "ledger")));
        assertThat(a.assumeRoleArn()).isEmpty();

        DiscoveryMatcher b = ms.get(1);
        assertThat(b.types()).containsExactly(DiscoveryType.AURORA);
        assertThat(b.regions()).as("no regions: the workspace's region").containsExactly("eu-central-1");
        assertThat(b.tags()).as("no tags: everything, as in Teleport").isEqualTo(DiscoveryMatcher.ANY_TAGS);
        assertThat(b.assumeRoleArn()).isEqualTo("arn:aws:iam::222222222222:role/ferry-discovery");
        assertThat(b.externalId()).isEqualTo("acme-ext-1");

        assertThat(ms.get(2).roleName()).isEqualTo("ReadOnly");
        assertThat(ms.get(2).tags()).isEqualTo(DiscoveryMatcher.ANY_TAGS);
    }

    @Test
    void noDiscoveryListIsNoMatchers() {
        assertThat(DiscoveryMatchers.parseDocument(FILE, "name: acme\n", "").orThrow()).isEmpty();
        assertThat(DiscoveryMatchers.parseDocument(FILE, "name: acme\ndiscovery: []\n", "").orThrow()).isEmpty();
        assertThat(DiscoveryMatchers.parseDocument(FILE, "name: acme\ndiscovery:\n", "").orThrow()).isEmpty();
    }

    @Test
    void everyProblemIsReportedWithFileLineAndField() {
        String yaml = """
                name: acme
                discovery:
                  - types: [rds, elasticache, mongo]
                    regions: [us-east-1, mars-1, '*']
                    tags:
                      env: {nested: map}
                      owner: '^(alice|bob$'
                      cost: []
                    external_id: lonely
                    colour: blue
                  - regions: [us-east-1]
                  - types: rds
                    assume_role_arn: arn:aws:iam::12345:role/short
                    role_name: ReadOnly
                  - types: [redshift]
                    assume_role_arn: arn:aws:iam::222222222222:role/ok
                    role_name: ReadOnly
                  - types: []
                    tags: prod
                  - just a string
                  -
                """;
        DiscoveryMatchers.Parsed parsed = DiscoveryMatchers.parseDocument(FILE, yaml, "");
        assertThat(parsed.matchers()).isEmpty();
        assertThat(parsed.problems()).extracting(WorkspaceException.Problem::toString).containsExactly(
                "/ws/acme.yaml:10: discovery[0].colour: unknown field 'colour' (known fields here: assume_role_arn, "
                        + "external_id, regions, role_name, tags, types)",
                "/ws/acme.yaml:3: discovery[0].types[1]: Teleport's 'elasticache' matcher type is not supported by "
                        + "Ferry; use rds, aurora, redshift, redshift-serverless",
                "/ws/acme.yaml:3: discovery[0].types[2]: 'mongo' is not a type Ferry discovers; use rds, aurora, "
                        + "redshift, redshift-serverless",
                "/ws/acme.yaml:4: discovery[0].regions[1]: 'mars-1' is not an AWS region (e.g. us-east-1)",
                "/ws/acme.yaml:4: discovery[0].regions[2]: '*' is not an AWS region (e.g. us-east-1); Ferry scans "
                        + "the regions you list",
                "/ws/acme.yaml:6: discovery[0].tags.env: expected a tag value or a list of values",
                "/ws/acme.yaml:7: discovery[0].tags.owner: '^(alice|bob$' is not a valid regular expression",
                "/ws/acme.yaml:8: discovery[0].tags.cost: lists no values; give a value, a list of values or '*'",
                "/ws/acme.yaml:9: discovery[0].external_id: is only used with assume_role_arn; add the role to "
                        + "assume or remove external_id",
                "/ws/acme.yaml:11: discovery[1].types: missing required field 'types' (one or more of rds, aurora, "
                        + "redshift, redshift-serverless)",
                "/ws/acme.yaml:12: discovery[2].types: expected a list, e.g. [rds, redshift]",
                "/ws/acme.yaml:12: discovery[2].regions: missing required field 'regions' (the workspace has no "
                        + "aws.region to use instead)",
                "/ws/acme.yaml:13: discovery[2].assume_role_arn: 'arn:aws:iam::12345:role/short' is not an IAM role "
                        + "ARN (expected arn:aws:iam::123456789012:role/NAME, or arn:aws-us-gov:… / arn:aws-cn:…)",
                "/ws/acme.yaml:14: discovery[2].role_name: give either assume_role_arn (one account) or role_name "
                        + "(every IAM Identity Center account), not both",
                "/ws/acme.yaml:15: discovery[3].regions: missing required field 'regions' (the workspace has no "
                        + "aws.region to use instead)",
                "/ws/acme.yaml:17: discovery[3].role_name: give either assume_role_arn (one account) or role_name "
                        + "(every IAM Identity Center account), not both",
                "/ws/acme.yaml:18: discovery[4].types: lists no types; use one or more of rds, aurora, redshift, "
                        + "redshift-serverless",
                "/ws/acme.yaml:18: discovery[4].regions: missing required field 'regions' (the workspace has no "
                        + "aws.region to use instead)",
                "/ws/acme.yaml:19: discovery[4].tags: expected a mapping of tag: value, e.g. {env: prod}",
                "/ws/acme.yaml:20: discovery[5]: expected a mapping of fields (assume_role_arn, external_id, "
                        + "regions, role_name, tags, types)",
                "/ws/acme.yaml:21: discovery[6]: empty entry");
        assertThatThrownBy(parsed::orThrow).isInstanceOf(WorkspaceException.class)
                .hasMessageStartingWith("Invalid workspace file (21 problems):");
    }

    @Test
    void aListIsExpectedAndYamlErrorsNameTheLine() {
        assertThat(DiscoveryMatchers.parseDocument(FILE, "name: a\ndiscovery: {types: [rds]}\n", "us-east-1").problems())
                .extracting(WorkspaceException.Problem::toString)
                .containsExactly("/ws/acme.yaml:2: discovery: expected a list of matchers, e.g. '- types: [rds]'");
        assertThat(DiscoveryMatchers.parseDocument(FILE, "name: a\ndiscovery:\n  - types: [rds\n  - x: y\n", "").problems())
                .hasSize(1).first().satisfies(p -> assertThat(p.line()).isGreaterThanOrEqualTo(3));
        assertThat(DiscoveryMatchers.parseDocument(FILE, "name: a\ndiscovery:\n  - types: [rds]\n    types: [aurora]\n",
                "us-east-1").problems()).extracting(WorkspaceException.Problem::toString)
                .singleElement().asString().startsWith("/ws/acme.yaml:4: duplicate key 'types'");
    }

    @Test
    void tagsMatchAsInTeleport() {
        Map<String, String> orders = Map.of("env", "prod", "team", "payments", "engine", "postgres");
        Map<String, String> scratch = Map.of("env", "dev", "engine", "mysql");
        assertThat(matcher(Map.of("env", List.of("prod"))).matches(orders)).isTrue();
        assertThat(matcher(Map.of("env", List.of("prod"))).matches(scratch)).isFalse();
        assertThat(matcher(Map.of("env", List.of("prod", "dev"))).matches(scratch)).as("a list: any of").isTrue();
        assertThat(matcher(Map.of("team", List.of("*"))).matches(orders)).as("'*': the tag is there").isTrue();
        assertThat(matcher(Map.of("team", List.of("*"))).matches(scratch)).isFalse();
        assertThat(matcher(Map.of("team", List.of("pay*"))).matches(orders)).as("glob").isTrue();
        assertThat(matcher(Map.of("team", List.of("^pay(ments|roll)$"))).matches(orders)).as("regex").isTrue();
        assertThat(matcher(Map.of("env", List.of("prod"), "team", List.of("ledger"))).matches(orders))
                .as("every key must match").isFalse();
        assertThat(matcher(Map.of()).matches(scratch)).as("no tags: everything").isTrue();
        assertThat(matcher(Map.of("engine", List.of("postgres"))).matches(orders))
                .as("discovery's own labels match too, as in Teleport").isTrue();
    }

    static DiscoveryMatcher matcher(Map<String, List<String>> tags) {
        return DiscoveryMatcher.of(EnumSet.of(DiscoveryType.RDS), List.of("us-east-1"), tags);
    }
}
