package dev.ferry.ui.tunnels;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.app.FerryCore;
import dev.ferry.app.integrations.DBeaverSetup;
import dev.ferry.app.testsupport.TestWorkspaces;
import dev.ferry.app.tunnels.Tunnel;
import dev.ferry.app.tunnels.TunnelStatus;
import dev.ferry.tunnel.testsupport.FreePorts;
import dev.ferry.tunnel.testsupport.MariaDbServer;
import dev.ferry.tunnel.testsupport.MotoServer;
import dev.ferry.tunnel.testsupport.Processes;
import dev.ferry.tunnel.testsupport.Wait;
import dev.ferry.ui.FerryDesktop;
import dev.ferry.ui.testing.DesktopFixture;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ComboBox;
import javafx.scene.control.DialogPane;
import javafx.scene.control.TextField;
import org.junit.jupiter.api.BeforeEach;
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
import java.util.List;

import static dev.ferry.ui.resources.ResourceListView.RowPart.CONNECT;
import static dev.ferry.ui.testing.DesktopFixture.fx;
import static dev.ferry.ui.testing.DesktopFixture.runFx;
import static dev.ferry.ui.testing.DesktopFixture.until;
import static dev.ferry.ui.testing.DesktopFixture.waitForStatus;
import static dev.ferry.ui.tunnels.TunnelFixtures.onlyTunnel;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connect on a {@code protocol: mysql} database through the window, against the real MariaDB (TLS
 * upstream, the password from a Secrets Manager secret in moto): the tab is Ready and shows the
 * mysql and mariadb commands, the Connector/J and MariaDB Connector/J URLs and MYSQL_* variables,
 * and the mysql command it shows gets through; "Open in DBeaver" writes DBeaver's MySQL data source
 * whose Connector/J URL works.
 */
class MySqlTunnelTabTest {
    @RegisterExtension
    static MotoServer moto = new MotoServer();
    @RegisterExtension
    final DesktopFixture ui = new DesktopFixture();

    final MariaDbServer maria = MariaDbServer.shared();

    @TempDir
    Path dir;
    FerryCore core;
    FerryDesktop desktop;

    @BeforeEach
    void start() throws Exception {
        var keys = StaticCredentialsProvider.create(AwsBasicCredentials.create(TestWorkspaces.ACCESS_KEY, TestWorkspaces.SECRET_KEY));
        try (SecretsManagerClient sm = SecretsManagerClient.builder().region(Region.US_EAST_1)
                .endpointOverride(URI.create(moto.endpoint())).credentialsProvider(keys).build()) {
            String name = "shop-app-" + dir.getFileName();
            sm.createSecret(b -> b.name(name).secretString("{\"username\":\"" + MariaDbServer.NATIVE_USER
                    + "\",\"password\":\"" + MariaDbServer.PASSWORD + "\"}"));
            Path ws = dir.resolve("shop.yaml");
            Files.writeString(ws, """
                    name: shop
                    user: alice
                    aws:
                      region: us-east-1
                    databases:
                      - name: shop
                        description: Shop (Aurora MySQL)
                        protocol: mysql
                        uri: 127.0.0.1:%1$d
                        labels: {env: dev}
                        aws:
                          secret_store: {secret_id: %2$s}
                        tls: {mode: verify-full, ca_cert_file: %3$s}
                    roles:
                      - name: devs
                        allow:
                          db_labels: {'*': '*'}
                          db_users: [%4$s]
                          db_names: ['*']
                    """.formatted(maria.port(), name, maria.caPem(), MariaDbServer.NATIVE_USER));
            desktop = ui.launch(TestWorkspaces.motoEnv(dir, moto.endpoint()).with("FERRY_WORKSPACE_FILE", ws.toString()));
        }
        core = ui.core();
    }

    @Test
    void theTabIsReadyAndShowsTheMysqlFormsThatWork() throws Exception {
        ui.click(CONNECT, "shop");
        DialogPane pane = ui.node("#connectDialog", DialogPane.class);
        @SuppressWarnings("unchecked")
        ComboBox<String> user = ui.node("#dbUserChoice", ComboBox.class);
        assertThat(fx(user::getValue)).isEqualTo(MariaDbServer.NATIVE_USER);
        @SuppressWarnings("unchecked")
        ComboBox<String> name = ui.node("#dbNameChoice", ComboBox.class);
        ui.focus(fx(name::getEditor));
        ui.write(MariaDbServer.DATABASE);
        int port = FreePorts.find();
        TextField portField = ui.node("#portChoice", TextField.class);
        runFx(() -> portField.setText(String.valueOf(port)));
        ui.click(fx(() -> pane.lookupButton(ButtonType.OK)));
        until("the Connect dialog closed", () -> !ui.showing("#connectDialog"));

        Tunnel t = onlyTunnel(core);
        until("the tunnel's tab is open", () -> desktop.tunnelDocuments().view(t.id()).isPresent());
        TunnelView view = fx(() -> desktop.tunnelDocuments().view(t.id()).orElseThrow());
        waitForStatus(t, TunnelStatus.READY);
        until("the tab says Ready", () -> "Ready".equals(ui.textIn(view, "#tunnelStatus")));
        until("the tab shows the mysql command", () -> !ui.textIn(view, "#mysqlCommand").isEmpty());

        assertThat(ui.textIn(view, "#dbAuth")).isEqualTo("Secrets Manager secret shop-app-" + dir.getFileName());
        assertThat(ui.textIn(view, "#dbUpstream")).isEqualTo("127.0.0.1:" + maria.port() + " (TLS verify-full)");
        assertThat(ui.textIn(view, "#mysqlCommand")).isEqualTo("mysql -h 127.0.0.1 -P " + port + " -u "
                + MariaDbServer.NATIVE_USER + " " + MariaDbServer.DATABASE);
        assertThat(ui.textIn(view, "#mariadbCommand")).isEqualTo("mariadb -h 127.0.0.1 -P " + port + " -u "
                + MariaDbServer.NATIVE_USER + " " + MariaDbServer.DATABASE);
        assertThat(ui.textIn(view, "#mysqlJdbcUrl")).isEqualTo("jdbc:mysql://127.0.0.1:" + port + "/"
                + MariaDbServer.DATABASE + "?user=" + MariaDbServer.NATIVE_USER + "&sslMode=DISABLED");
        assertThat(ui.textIn(view, "#mariadbJdbcUrl")).isEqualTo("jdbc:mariadb://127.0.0.1:" + port + "/"
                + MariaDbServer.DATABASE + "?user=" + MariaDbServer.NATIVE_USER);
        assertThat(ui.textIn(view, "#pgEnv")).isEqualTo("export MYSQL_HOST=\"127.0.0.1\"\nexport MYSQL_TCP_PORT=\""
                + port + "\"\n");
        assertThat(ui.showing("#psqlCommand")).as("no PostgreSQL forms on a MySQL tab").isFalse();

        // The mysql command as the tab shows it (Debian's mysql is MariaDB's client), through the tunnel.
        var client = Processes.run(List.of("sh", "-c", ui.textIn(view, "#mysqlCommand")
                + " -N -B -e 'select concat(current_user(), \" \", database())'"), null, 60);
        assertThat(client.exit()).as(client.err()).isZero();
        assertThat(client.out().trim()).isEqualTo(MariaDbServer.NATIVE_USER + "@% " + MariaDbServer.DATABASE);

        // Open in DBeaver: DBeaver's MySQL provider and its "MySQL" (mysql8) driver, with a URL that works.
        Path dbeaverWs = dir.resolve("dbeaver-workspace");
        core.settings().update(s -> s.dbeaverWorkspace = dbeaverWs.toString());
        javafx.scene.Node openInDbeaver = ui.nodeIn(view, "#openInDbeaver", javafx.scene.Node.class);
        ui.scrollIntoView(openInDbeaver); // below the connection forms: a MySQL tab has more of them
        ui.click(openInDbeaver);
        Path file = DBeaverSetup.dataSourcesFile(dbeaverWs);
        Wait.until("DBeaver's data-sources.json is written", () -> Files.exists(file));
        JsonNode conn = new ObjectMapper().readTree(file.toFile()).get("connections").elements().next();
        assertThat(conn.get("provider").asText()).isEqualTo("mysql");
        assertThat(conn.get("driver").asText()).isEqualTo("mysql8");
        assertThat(conn.get("configuration").get("port").asText()).isEqualTo(String.valueOf(port));
        String url = conn.get("configuration").get("url").asText();
        assertThat(url).isEqualTo(ui.textIn(view, "#mysqlJdbcUrl"));
        assertThat(TunnelFixtures.query(url, "select database()")).isEqualTo(MariaDbServer.DATABASE);
    }
}
