package dev.ferry.ui.resources;

import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.testsupport.FaultFront;
import dev.ferry.app.testsupport.TestWorkspaces;
import dev.ferry.tunnel.testsupport.MotoServer;
import dev.ferry.tunnel.testsupport.Wait;
import dev.ferry.ui.FerryDesktop;
import dev.ferry.ui.testing.DesktopFixture;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.Tag;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.ferry.ui.resources.ResourceListView.RowPart.CONNECT;
import static dev.ferry.ui.resources.ResourceListView.RowPart.MARK;
import static dev.ferry.ui.testing.DesktopFixture.fx;
import static dev.ferry.ui.testing.DesktopFixture.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The desktop on a workspace with only a region and a matcher, against moto's RDS (through a
 * front that can hold a call): the progress of the first scan, the discovered databases with
 * their marks, and Refresh finding a database created since.
 */
class DiscoveryDesktopTest {
    static final String ACCOUNT = "123456789012";

    @RegisterExtension
    static MotoServer moto = new MotoServer();
    @RegisterExtension
    final DesktopFixture ui = new DesktopFixture();

    @TempDir
    Path dir;

    FaultFront rds;
    FerryEnvironment env;

    static String name(String id, String region) {
        return id + "-rds-" + region + "-" + ACCOUNT;
    }

    RdsClient rds(String region) {
        return RdsClient.builder().region(Region.of(region)).endpointOverride(URI.create(moto.endpoint()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(TestWorkspaces.ACCESS_KEY, TestWorkspaces.SECRET_KEY))).build();
    }

    void instance(String region, String id, String engine, boolean iam) {
        try (RdsClient c = rds(region)) {
            c.createDBInstance(b -> b.dbInstanceIdentifier(id).engine(engine).dbInstanceClass("db.t3.micro")
                    .masterUsername("admin").masterUserPassword("Passw0rd1").allocatedStorage(20)
                    .enableIAMDatabaseAuthentication(iam).tags(Tag.builder().key("env").value("prod").build()));
        }
    }

    @BeforeEach
    void world() throws Exception {
        instance("us-east-1", "orders", "postgres", true);
        instance("us-east-1", "legacy", "mysql", true);
        instance("eu-west-1", "reports", "postgres", false);
        rds = new FaultFront(moto.endpoint());
        Path file = dir.resolve("found.yaml");
        Files.writeString(file, """
                name: found
                aws: {region: us-east-1}
                discovery:
                  - types: [rds]
                    regions: [us-east-1, eu-west-1]
                roles:
                  - name: all
                    allow: {db_labels: {'*': '*'}, db_users: [alice], db_names: ['*']}
                """);
        env = TestWorkspaces.motoEnv(dir, moto.endpoint()).with("FERRY_WORKSPACE_FILE", file.toString())
                .with("AWS_ENDPOINT_URL_RDS", rds.endpoint());
    }

    @AfterEach
    void stop() {
        rds.close();
        for (String[] db : new String[][]{{"us-east-1", "orders"}, {"us-east-1", "legacy"}, {"eu-west-1", "reports"},
                {"eu-west-1", "fresh"}}) {
            try (RdsClient c = rds(db[0])) {
                c.deleteDBInstance(b -> b.dbInstanceIdentifier(db[1]).skipFinalSnapshot(true));
            } catch (RuntimeException gone) {
                // "fresh" exists only after the refresh test
            }
        }
    }

    @Test
    void theFirstScanShowsItsProgressThenTheDatabasesWithTheirMarks() throws Exception {
        FaultFront.Hold held = rds.hold("DescribeDBClusters");
        FerryDesktop desktop = ui.launch(env);
        assertThat(held.awaitArrival(Wait.TIMEOUT)).isTrue();
        until("the scan's progress is shown", () -> ui.text("#discoveryStatus").contains("of 2 account/regions"));
        assertThat(ui.text("#discoveryStatus")).startsWith("Scanning ");
        assertThat(DesktopFixture.shown(ui.node("#discoveryProgress", ProgressBar.class))).isTrue();
        assertThat(fx(() -> ui.node("#discoveryRefresh", Button.class).isDisabled())).as("one scan at a time").isTrue();
        assertThat(fx(() -> ui.robot().lookup("#resourceList").lookup(".label").queryAllAs(Label.class).stream()
                .filter(DesktopFixture::shown).map(Label::getText).toList()))
                .contains("Scanning the workspace's accounts and regions for databases…");
        held.release();

        until("the scan finished", () -> ui.text("#discoveryStatus")
                .startsWith("Discovered 3 databases in 2 account/regions · scanned at "));
        until(() -> desktop.resources().shown().size() == 3);
        assertThat(ui.showing("#discoveryProgress")).as("no scan running").isFalse();

        until(() -> ui.showing(MARK, name("reports", "eu-west-1")));
        // A MySQL instance is served like a PostgreSQL one: no mark, Connect on.
        assertThat(ui.find(MARK, name("legacy", "us-east-1"))).isEmpty();
        assertThat(fx(() -> ui.node(CONNECT, name("legacy", "us-east-1"), Button.class).isDisabled())).isFalse();

        Label reports = ui.node(MARK, name("reports", "eu-west-1"), Label.class);
        assertThat(fx(reports::getText)).isEqualTo("Cannot connect: IAM authentication off");
        assertThat(fx(() -> reports.getTooltip().getText())).startsWith("IAM database authentication is off on this "
                + "instance. Turn it on (`aws rds modify-db-instance --db-instance-identifier reports");

        assertThat(ui.find(MARK, name("orders", "us-east-1"))).isEmpty();
        assertThat(fx(() -> ui.node(CONNECT, name("orders", "us-east-1"), Button.class).isDisabled())).isFalse();
    }

    @Test
    void refreshFindsADatabaseCreatedSince() throws Exception {
        FerryDesktop desktop = ui.launch(env);
        until("the first scan finished", () -> ui.text("#discoveryStatus").startsWith("Discovered 3 databases"));
        until(() -> desktop.resources().shown().size() == 3);
        instance("eu-west-1", "fresh", "postgres", true);
        int before = rds.calls("DescribeDBInstances");

        ui.click("#discoveryRefresh");
        until("the refresh finished", () -> ui.text("#discoveryStatus").startsWith("Discovered 4 databases"));
        until(() -> desktop.resources().shown().stream().anyMatch(r -> r.name().equals(name("fresh", "eu-west-1"))));
        assertThat(rds.calls("DescribeDBInstances")).as("one listing per region").isEqualTo(before + 2);
        until(() -> ui.showing(CONNECT, name("fresh", "eu-west-1")));
    }
}
