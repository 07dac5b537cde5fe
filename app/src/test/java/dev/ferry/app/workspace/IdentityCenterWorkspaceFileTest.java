package dev.ferry.app.workspace;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code identity_center:} source of a standalone workspace: what loads, and every mistake named by line and field. */
class IdentityCenterWorkspaceFileTest {
    private final WorkspaceLoader loader = new WorkspaceLoader("os-user");
    private final Path file = Path.of("/ws/acme.yaml");

    private List<WorkspaceException.Problem> problems(String yaml) {
        try {
            loader.parse(file, yaml);
        } catch (WorkspaceException e) {
            assertThat(e.getMessage()).contains("/ws/acme.yaml:");
            return e.problems();
        }
        throw new AssertionError("expected the workspace to be rejected");
    }

    @Test
    void aStartUrlAndRegionOrAnSsoSessionNameLoad() {
        StandaloneWorkspace ws = (StandaloneWorkspace) loader.parse(file, """
                name: acme
                identity_center:
                  start_url: https://acme.awsapps.com/start
                  region: eu-west-1
                """);
        assertThat(ws.identityCenter()).contains(new StandaloneWorkspace.IdentityCenter(
                "https://acme.awsapps.com/start", "eu-west-1", ""));
        assertThat(ws.apps()).isEmpty();

        StandaloneWorkspace named = (StandaloneWorkspace) loader.parse(file, """
                name: acme
                identity_center: {sso_session: acme}
                aws: {region: us-east-2}
                """);
        assertThat(named.identityCenter()).contains(new StandaloneWorkspace.IdentityCenter("", "", "acme"));
        assertThat(named.aws().region()).isEqualTo("us-east-2");

        StandaloneWorkspace plain = (StandaloneWorkspace) loader.parse(file, "name: acme\naws: {profile: dev}\n");
        assertThat(plain.identityCenter()).isEmpty();
    }

    @Test
    void mistakesAreNamedByLineAndField() {
        assertThat(problems("""
                name: acme
                identity_center:
                  start_url: http://acme.awsapps.com/start
                  region: Ireland
                """)).extracting(WorkspaceException.Problem::toString).containsExactly(
                "/ws/acme.yaml:3: identity_center.start_url: 'http://acme.awsapps.com/start' is not an IAM Identity Center "
                        + "start URL (an https URL such as https://acme.awsapps.com/start)",
                "/ws/acme.yaml:4: identity_center.region: 'Ireland' is not an AWS region (e.g. eu-west-1)");

        assertThat(problems("""
                name: acme
                identity_center:
                  start_url: https://acme.awsapps.com/start
                """)).extracting(WorkspaceException.Problem::toString).containsExactly(
                "/ws/acme.yaml:2: identity_center.region: missing required field 'region'");

        assertThat(problems("""
                name: acme
                identity_center:
                  start_url: https://acme.awsapps.com/start
                  region: eu-west-1
                  sso_sesion: acme
                """)).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(5);
            assertThat(p.message()).startsWith("unknown field 'sso_sesion'").contains("sso_session", "start_url");
        });

        assertThat(problems("""
                name: acme
                aws:
                  profile: dev
                identity_center: {sso_session: acme}
                """)).extracting(WorkspaceException.Problem::toString).containsExactly(
                "/ws/acme.yaml:3: aws.profile: the credentials come from 'identity_center:'; remove aws.profile "
                        + "(or the identity_center block)");

        assertThat(problems("name: acme\nidentity_center:\n")).extracting(WorkspaceException.Problem::toString)
                .containsExactly("/ws/acme.yaml:2: identity_center: is empty; expected a mapping of fields (or remove the line)");

        assertThat(problems("""
                name: acme
                teleport: {proxy: tp.example.com:443}
                identity_center: {sso_session: acme}
                """)).extracting(WorkspaceException.Problem::field).containsExactly("identity_center");
    }

    @Test
    void nothingElseIsRequiredOfAnIdentityCenterWorkspace() {
        assertThatThrownBy(() -> loader.parse(file, "identity_center: {sso_session: acme}\n"))
                .isInstanceOf(WorkspaceException.class).hasMessageContaining("name: missing required field 'name'");
    }
}
