package dev.ferry.app.workspace;

import dev.ferry.app.model.AppResource;
import dev.ferry.app.model.AwsPartition;
import dev.ferry.app.model.AwsRole;
import dev.ferry.app.model.DatabaseResource;
import dev.ferry.app.testsupport.TestWorkspaces;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkspaceLoaderTest {
    private final WorkspaceLoader loader = new WorkspaceLoader("os-user");
    private final Path file = Path.of("/ws/team.yaml");

    private WorkspaceException.Problem onlyProblem(String yaml) {
        try {
            loader.parse(file, yaml);
        } catch (WorkspaceException e) {
            assertThat(e.problems()).hasSize(1);
            assertThat(e.getMessage()).contains("/ws/team.yaml:");
            return e.problems().get(0);
        }
        throw new AssertionError("expected the workspace to be rejected");
    }

    @Test
    void exampleWorkspaceLoadsWithEverythingTheIssueAsksFor() {
        StandaloneWorkspace ws = (StandaloneWorkspace) loader.load(TestWorkspaces.example());
        assertThat(ws.name()).isEqualTo("acme");
        assertThat(ws.user()).isEqualTo("alice@acme.example");
        assertThat(ws.aws().profile()).isEqualTo("acme");
        assertThat(ws.apps()).extracting(AppResource::name).containsExactly("aws-prod", "aws-staging", "aws-govcloud");
        AppResource gov = ws.app("aws-govcloud").orElseThrow();
        assertThat(gov.partition()).isEqualTo(AwsPartition.AWS_US_GOV);
        assertThat(ws.awsRolesFor(gov)).extracting(AwsRole::partition).containsExactly("aws-us-gov");
        assertThat(ws.app("aws-staging").orElseThrow().awsExternalId()).isEqualTo("acme-staging-7f3c");
        assertThat(ws.awsRolesFor(ws.app("aws-prod").orElseThrow())).extracting(AwsRole::arn).containsExactly(
                "arn:aws:iam::111111111111:role/ReadOnly", "arn:aws:iam::111111111111:role/engineering/Developer");
        assertThat(ws.awsRolesFor(ws.app("aws-staging").orElseThrow())).extracting(AwsRole::accountId)
                .containsOnly("222222222222").hasSize(2);
        DatabaseResource redshift = ws.database("analytics").orElseThrow();
        assertThat(redshift.typeName()).isEqualTo("Redshift");
        assertThat(redshift.port()).isEqualTo(5439);
        assertThat(redshift.allowedUsers()).containsExactly("alice", "reporting");
        DatabaseResource aurora = ws.database("orders").orElseThrow();
        assertThat(aurora.typeName()).isEqualTo("Aurora PostgreSQL");
        assertThat(aurora.anyNameAllowed()).isTrue();
    }

    @Test
    void userDefaultsToTheOsUser() {
        StandaloneWorkspace ws = (StandaloneWorkspace) loader.parse(file, "name: x\n");
        assertThat(ws.user()).isEqualTo("os-user");
        assertThat(ws.resources()).isEmpty();
    }

    private java.util.List<WorkspaceException.Problem> problems(String yaml) {
        try {
            loader.parse(file, yaml);
        } catch (WorkspaceException e) {
            return e.problems();
        }
        throw new AssertionError("expected the workspace to be rejected");
    }

    @Test
    void unknownFieldNamesFileLineAndField() {
        var p = onlyProblem("""
                name: x
                apps:
                  - name: a
                    uri: https://console.aws.amazon.com/
                    urii: https://console.aws.amazon.com/
                """);
        assertThat(p.line()).isEqualTo(5);
        assertThat(p.field()).isEqualTo("apps[0].urii");
        assertThat(p.message()).contains("unknown field 'urii'").contains("uri");
    }

    @Test
    void everyUnknownFieldAndEveryOtherProblemComeAtOnce() {
        var all = problems("""
                name: x
                colour: blue
                apps:
                  - name: a
                    urii: https://console.aws.amazon.com/
                databases:
                  - name: orders
                    protocol: postgres
                    uri: localhost:5432
                    tls: {mode: verify-full, ca: x}
                """);
        // (the known-field lists grow with the format: only their start is checked here)
        assertThat(all).extracting(p -> p.toString().replaceFirst(" \\(known fields here: .*\\)$", " (known…)"))
                .containsExactlyInAnyOrder(
                        "/ws/team.yaml:2: colour: unknown field 'colour' (known…)",
                        "/ws/team.yaml:5: apps[0].urii: unknown field 'urii' (known…)",
                        "/ws/team.yaml:10: databases[0].tls.ca: unknown field 'ca' (known…)",
                        "/ws/team.yaml:4: apps[0].uri: missing required field 'uri'");
        assertThat(all.get(2).message()).contains("ca_cert_file, mode");
    }

    @Test
    void yamlSyntaxErrorsComeInPlainWordsWithLineAndColumn() {
        var tab = onlyProblem("name: x\napps:\n\t- name: a\n");
        assertThat(tab.toString()).isEqualTo("/ws/team.yaml:3: at column 1: a tab character; YAML indents with spaces only");
        var indent = onlyProblem("""
                name: x
                apps:
                  - name: a
                     uri: https://console.aws.amazon.com/
                """);
        assertThat(indent.line()).isEqualTo(4);
        assertThat(indent.message()).startsWith("at column ").doesNotContain("mapping values")
                .contains("; put the value in quotes if it contains ': ', or check the indentation");
        var quote = onlyProblem("name: \"x\napps: []\n");
        assertThat(quote.message()).endsWith("a quoted value is not closed (a missing \" or ')");
    }

    @Test
    void malformedRoleArn() {
        var p = onlyProblem("""
                name: x
                roles:
                  - name: r
                    allow:
                      aws_role_arns:
                        - arn:aws:iam::111111111111:role/Good
                        - arn:aws:iam::1111:role/Bad
                """);
        assertThat(p.line()).isEqualTo(7);
        assertThat(p.field()).isEqualTo("roles[0].allow.aws_role_arns[1]");
        assertThat(p.message()).contains("is not an IAM role ARN");
    }

    @Test
    void malformedAssumeRoleArnOnDatabase() {
        var p = onlyProblem("""
                name: x
                databases:
                  - name: d
                    protocol: postgres
                    uri: db.example.com:5432
                    aws:
                      assume_role_arn: arn:aws:iam::111111111111:user/bob
                """);
        assertThat(p.line()).isEqualTo(7);
        assertThat(p.field()).isEqualTo("databases[0].aws.assume_role_arn");
    }

    @Test
    void consoleUriThatIsNotAnAwsConsole() {
        var p = onlyProblem("""
                name: x
                apps:
                  - name: a
                    uri: https://console.example.com/
                    labels:
                      aws_account_id: "111111111111"
                """);
        assertThat(p.line()).isEqualTo(4);
        assertThat(p.field()).isEqualTo("apps[0].uri");
        assertThat(p.message()).contains("is not an AWS console URL");
    }

    @Test
    void duplicateNames() {
        var p = onlyProblem("""
                name: x
                apps:
                  - name: a
                    uri: https://console.aws.amazon.com/
                  - name: a
                    uri: https://console.aws.amazon.com/
                """);
        assertThat(p.line()).isEqualTo(5);
        assertThat(p.field()).isEqualTo("apps[1].name");
        assertThat(p.message()).contains("duplicate app name 'a'");
    }

    @Test
    void missingRequiredField() {
        var p = onlyProblem("""
                name: x
                databases:
                  - name: d
                    uri: db.example.com:5432
                """);
        assertThat(p.field()).isEqualTo("databases[0].protocol");
        assertThat(p.line()).isEqualTo(3);
        assertThat(p.message()).isEqualTo("missing required field 'protocol'");
    }

    @Test
    void missingWorkspaceName() {
        var p = onlyProblem("user: bob\n");
        assertThat(p.field()).isEqualTo("name");
        assertThat(p.message()).contains("missing required field 'name'");
    }

    @Test
    void duplicateYamlKey() {
        var p = onlyProblem("""
                name: x
                name: y
                """);
        assertThat(p.line()).isEqualTo(2);
        assertThat(p.message()).contains("duplicate key");
    }

    @Test
    void accountIdThatLostItsLeadingZero() {
        var p = onlyProblem("""
                name: x
                apps:
                  - name: a
                    uri: https://console.aws.amazon.com/
                    labels:
                      aws_account_id: 12345678901
                """);
        assertThat(p.field()).isEqualTo("apps[0].labels.aws_account_id");
        assertThat(p.line()).isEqualTo(6);
        assertThat(p.message()).contains("12-digit").contains("quote");
    }

    @Test
    void unsupportedProtocolTlsModeAndRegion() {
        var e = (WorkspaceException) org.assertj.core.api.Assertions.catchThrowable(() -> loader.parse(file, """
                name: x
                aws:
                  region: moon-base
                databases:
                  - name: d
                    protocol: mongodb
                    uri: db.example.com:27017
                    tls:
                      mode: verify-sometimes
                """));
        assertThat(e.problems()).extracting(WorkspaceException.Problem::field)
                .containsExactlyInAnyOrder("aws.region", "databases[0].protocol", "databases[0].tls.mode");
        assertThat(e.problems()).extracting(WorkspaceException.Problem::line).containsExactlyInAnyOrder(3, 6, 9);
        assertThat(e.getMessage()).contains("/ws/team.yaml:6").contains("'mongodb' is not supported; supported: mysql, postgres");
    }

    @Test
    void mysqlProtocolDatabasesLoadAsTheMysqlFlavour() {
        StandaloneWorkspace ws = (StandaloneWorkspace) loader.parse(file, """
                name: x
                databases:
                  - name: shop
                    protocol: mysql
                    uri: shop.cluster-c9abcdefghij.eu-west-1.rds.amazonaws.com
                    aws:
                      region: eu-west-1
                  - name: legacy
                    protocol: mysql
                    uri: maria.internal:3307
                    aws:
                      secret_store:
                        secret_id: legacy-db
                """);
        DatabaseResource shop = ws.database("shop").orElseThrow();
        assertThat(shop.flavour()).isEqualTo(dev.ferry.app.model.DatabaseFlavour.MYSQL);
        assertThat(shop.typeName()).isEqualTo("Aurora MySQL");
        assertThat(shop.port()).isEqualTo(3306);
        DatabaseResource legacy = ws.database("legacy").orElseThrow();
        assertThat(legacy.typeName()).isEqualTo("MySQL");
        assertThat(legacy.port()).isEqualTo(3307);
        assertThat(legacy.aws().secretId()).isEqualTo("legacy-db");
    }

    @Test
    void wrongShapeNamesTheField() {
        var p = onlyProblem("""
                name: x
                apps:
                  name: a
                """);
        assertThat(p.field()).isEqualTo("apps");
        assertThat(p.line()).isEqualTo(3);
        assertThat(p.message()).contains("expected a list");
    }

    @Test
    void yamlSyntaxErrorHasALine() {
        var p = onlyProblem("name: x\napps:\n  - name: [unclosed\n");
        assertThat(p.line()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void everyProblemIsReportedAndNothingIsLoaded() {
        assertThatThrownBy(() -> loader.parse(file, """
                name: x
                apps:
                  - name: a
                  - uri: https://console.aws.amazon.com/
                """)).isInstanceOf(WorkspaceException.class)
                .satisfies(t -> assertThat(((WorkspaceException) t).problems()).extracting(WorkspaceException.Problem::field)
                        .containsExactly("apps[0].uri", "apps[1].name"));
    }

    @Test
    void rolesOfferedFollowLabelsAndAccount() {
        StandaloneWorkspace ws = (StandaloneWorkspace) loader.parse(file, """
                name: x
                apps:
                  - name: prod
                    uri: https://console.aws.amazon.com/
                    labels: {aws_account_id: "111111111111", env: prod}
                  - name: any
                    uri: https://console.aws.amazon.com/
                    labels: {team: data}
                roles:
                  - name: r1
                    allow:
                      app_labels: {env: "pr*"}
                      aws_role_arns: [arn:aws:iam::111111111111:role/A, arn:aws:iam::999999999999:role/B]
                  - name: r2
                    allow:
                      app_labels: {'*': '*'}
                      aws_role_arns: [arn:aws:iam::111111111111:role/C]
                  - name: r3
                    allow:
                      app_labels: {team: '^(data|ml)$'}
                      aws_role_arns: [arn:aws:iam::555555555555:role/D]
                """);
        assertThat(ws.awsRolesFor(ws.app("prod").orElseThrow())).extracting(AwsRole::name).containsExactly("A", "C");
        assertThat(ws.awsRolesFor(ws.app("any").orElseThrow())).extracting(AwsRole::name).containsExactly("C", "D");
        assertThat(ws.awsRolesAnyAccount(ws.app("prod").orElseThrow())).extracting(AwsRole::name)
                .containsExactlyElementsOf(List.of("A", "B", "C"));
    }

    @Test
    void teleportExampleLoads() {
        Path example = TestWorkspaces.example().resolveSibling("teleport.yaml");
        TeleportWorkspace ws = (TeleportWorkspace) loader.load(example);
        assertThat(ws.name()).isEqualTo("acme-teleport");
        assertThat(ws.teleport().proxy()).isEqualTo("teleport.acme.example:443");
        assertThat(ws.teleport().user()).isEqualTo("alice");
        assertThat(ws.teleport().auth()).isEqualTo("github");
        assertThat(ws.teleport().tsh()).isEmpty();
    }

    @Test
    void teleportWorkspaceCannotAlsoBeStandalone() {
        var p = onlyProblem("""
                name: x
                aws:
                  profile: acme
                teleport:
                  proxy: teleport.example.com:443
                """);
        assertThat(p.line()).isEqualTo(2);
        assertThat(p.field()).isEqualTo("aws");
        assertThat(p.message()).contains("either 'aws:'").contains("'teleport:'");
    }

    @Test
    void teleportWorkspaceTakesResourcesFromTheCluster() {
        var e = (WorkspaceException) org.assertj.core.api.Assertions.catchThrowable(() -> loader.parse(file, """
                name: x
                teleport:
                  proxy: teleport.example.com:443
                apps:
                  - name: a
                    uri: https://console.aws.amazon.com/
                databases: []
                roles:
                  - name: r
                """));
        assertThat(e.problems()).extracting(WorkspaceException.Problem::field)
                .containsExactly("apps", "databases", "roles");
        assertThat(e.problems()).extracting(WorkspaceException.Problem::line).containsExactly(4, 7, 8);
        assertThat(e.problems().get(0).message()).contains("from the cluster");
    }

    @Test
    void teleportProxyIsRequiredAndMustBeHostPort() {
        var missing = onlyProblem("""
                name: x
                teleport:
                  user: alice
                """);
        assertThat(missing.field()).isEqualTo("teleport.proxy");
        assertThat(missing.line()).isEqualTo(2);
        assertThat(missing.message()).isEqualTo("missing required field 'proxy'");
        var url = onlyProblem("""
                name: x
                teleport:
                  proxy: https://teleport.example.com
                """);
        assertThat(url.field()).isEqualTo("teleport.proxy");
        assertThat(url.line()).isEqualTo(3);
        assertThat(url.message()).contains("is not host:port");
        var empty = onlyProblem("name: x\nteleport:\n");
        assertThat(empty.field()).isEqualTo("teleport");
    }

    @Test
    void unknownTeleportFieldNamesTheKnownOnes() {
        var p = onlyProblem("""
                name: x
                teleport:
                  proxy: teleport.example.com:443
                  connector: github
                """);
        assertThat(p.line()).isEqualTo(4);
        assertThat(p.field()).isEqualTo("teleport.connector");
        assertThat(p.message()).contains("unknown field 'connector'").contains("auth").contains("teleport_home");
    }

    @Test
    void teleportPathsResolveAgainstTheWorkspaceFile() {
        TeleportWorkspace ws = (TeleportWorkspace) loader.parse(file, """
                name: x
                teleport:
                  proxy: teleport.example.com
                  tsh: bin/tsh
                  teleport_home: shared
                """);
        assertThat(ws.teleport().tsh()).isEqualTo(Path.of("/ws/bin/tsh").toString());
        assertThat(ws.teleport().teleportHome()).isEqualTo("shared");
        assertThat(ws.user()).isEqualTo("os-user");
    }
}
