package dev.ferry.app.db;

import dev.ferry.app.FerryCore;
import dev.ferry.app.testsupport.TestWorkspaces;
import dev.ferry.app.tunnels.Tunnel;
import dev.ferry.app.tunnels.TunnelSpec;
import dev.ferry.app.tunnels.TunnelStatus;
import dev.ferry.tunnel.db.TunnelFailure;
import dev.ferry.tunnel.testsupport.MariaDbServer;
import dev.ferry.tunnel.testsupport.MotoServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A MySQL tunnel whose real MariaDB goes down and comes back (its own server, stopped and started
 * again on the same port): the tunnel keeps listening and says "upstream unreachable since ...:
 * connection refused" while it is down, "upstream OK" once a JDBC client gets through again.
 */
class MySqlUpstreamStatusTest {
    @RegisterExtension
    static MotoServer moto = new MotoServer();

    @TempDir
    Path dir;

    @Test
    void aStoppedMariaDbIsUnreachableAndOkAgainOnceStarted() throws Exception {
        try (MariaDbServer maria = MariaDbServer.start()) {
            moto.reset();
            try (SecretsManagerClient sm = SecretsManagerClient.builder().region(Region.US_EAST_1)
                    .endpointOverride(URI.create(moto.endpoint())).credentialsProvider(StaticCredentialsProvider.create(
                            AwsBasicCredentials.create(TestWorkspaces.ACCESS_KEY, TestWorkspaces.SECRET_KEY))).build()) {
                sm.createSecret(b -> b.name("down-app").secretString("{\"username\":\"" + MariaDbServer.NATIVE_USER
                        + "\",\"password\":\"" + MariaDbServer.PASSWORD + "\"}"));
            }
            Path ws = dir.resolve("down.yaml");
            Files.writeString(ws, """
                    name: down
                    aws: {region: us-east-1}
                    databases:
                      - name: shop
                        protocol: mysql
                        uri: 127.0.0.1:%d
                        aws: {region: us-east-1, secret_store: {secret_id: down-app}}
                        tls: {ca_cert_file: %s}
                    roles:
                      - name: devs
                        allow: {db_labels: {'*': '*'}, db_users: ['*'], db_names: ['*']}
                    """.formatted(maria.port(), maria.caPem()));
            try (FerryCore core = new FerryCore(TestWorkspaces.motoEnv(dir, moto.endpoint()))) {
                Tunnel t = core.tunnels().openNow(TunnelSpec.database(ws.toString(), "shop", MariaDbServer.NATIVE_USER,
                        MariaDbServer.DATABASE, 0));
                String url = "jdbc:mariadb://127.0.0.1:" + t.localAddress().getPort() + "/" + MariaDbServer.DATABASE
                        + "?user=" + MariaDbServer.NATIVE_USER;
                assertThat(MySqlDatabaseTunnelTest.query(url, "select 1")).isEqualTo("1");
                assertThat(t.upstreamText(ZoneId.systemDefault())).isEqualTo("upstream OK");

                maria.pause();
                assertThatThrownBy(() -> MySqlDatabaseTunnelTest.query(url, "select 1")).isInstanceOf(SQLException.class)
                        .hasMessageContaining("upstream unreachable");
                assertThat(t.status()).isEqualTo(TunnelStatus.READY);
                assertThat(t.upstreamFailing()).isTrue();
                assertThat(t.upstream()).get().extracting(r -> r.reason()).isEqualTo(TunnelFailure.Reason.UNREACHABLE);
                assertThat(t.upstreamText(ZoneId.systemDefault()))
                        .matches("upstream unreachable since \\d\\d:\\d\\d:\\d\\d: connection refused");

                maria.resume();
                assertThat(MySqlDatabaseTunnelTest.query(url, "select 41 + 1")).isEqualTo("42");
                assertThat(t.upstreamText(ZoneId.systemDefault())).isEqualTo("upstream OK");
                assertThat(t.upstreamFailing()).isFalse();
                assertThat(t.stats().snapshot().lastError()).as("the failure's last error went").isNull();
            }
        }
    }
}
