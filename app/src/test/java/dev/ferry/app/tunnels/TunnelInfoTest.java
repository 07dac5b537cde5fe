package dev.ferry.app.tunnels;

import dev.ferry.app.aws.AwsSetup;
import dev.ferry.app.db.DatabaseAccess;
import dev.ferry.app.db.DbAuth;
import dev.ferry.app.integrations.ConnectionStrings;
import dev.ferry.app.model.DatabaseFlavour;
import dev.ferry.app.model.DatabaseResource;
import dev.ferry.app.workspace.StandaloneWorkspace;
import dev.ferry.tunnel.aws.ProxyMode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The typed facts a tunnel carries: the database's flavour whatever the authentication, rows that mask secrets. */
class TunnelInfoTest {

    static DatabaseResource db(String uri, DatabaseResource.Aws aws) {
        return new DatabaseResource("analytics", "", "postgres", uri, Map.of(), aws, null, List.of("*"), List.of("*"));
    }

    @Test
    void aRedshiftClusterReachedWithASecretIsStillRedshiftForClients() {
        DatabaseResource redshift = db("localhost:5439", new DatabaseResource.Aws("us-east-1", "", "", "", "analytics",
                "", "", "", "analytics-secret"));
        DbAuth auth = new DbAuth(new AwsSetup(new dev.ferry.app.FerryEnvironment(Map.of(), "Linux", "/tmp", "alice"),
                StandaloneWorkspace.AwsSettings.NONE), "alice", Clock.systemUTC());
        DatabaseTunnelInfo info = DatabaseAccess.info(redshift, "alice", "dev", auth.sourceFor(redshift));
        assertThat(info.authentication()).isEqualTo("Secrets Manager secret analytics-secret");
        assertThat(info.flavour()).isEqualTo(DatabaseFlavour.REDSHIFT);
        assertThat(new ConnectionStrings(info.endpoint(15439)).jdbcUrl()).startsWith("jdbc:redshift://127.0.0.1:15439/dev");
        assertThat(info.rows()).extracting(TunnelInfo.Row::label)
                .containsExactly("Database user", "Database name", "Upstream", "Authentication");
    }

    @Test
    void aProxysRowsMarkTheSecretAndItsTextNeverShowsIt() {
        AwsProxyInfo info = new AwsProxyInfo("arn:aws:iam::111111111111:role/ReadOnly", ProxyMode.ENDPOINT_URL, "AKIALOCAL",
                "local-secret-value", Path.of("/ca.pem"), "https://127.0.0.1:8443", "");
        assertThat(info.rows()).filteredOn(TunnelInfo.Row::secret).extracting(TunnelInfo.Row::value)
                .containsExactly("local-secret-value");
        assertThat(info.toString()).doesNotContain("local-secret-value");
        assertThat(info.rows().toString()).doesNotContain("local-secret-value");
        assertThat(info.environment()).containsEntry("AWS_ENDPOINT_URL", "https://127.0.0.1:8443")
                .containsEntry("AWS_DEFAULT_REGION", "us-east-1").doesNotContainKey("HTTPS_PROXY");
    }
}
