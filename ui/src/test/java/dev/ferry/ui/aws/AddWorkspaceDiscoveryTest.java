package dev.ferry.ui.aws;

import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.model.Resource;
import dev.ferry.app.testsupport.TestWorkspaces;
import dev.ferry.tunnel.testsupport.MotoServer;
import dev.ferry.ui.FerryDesktop;
import dev.ferry.ui.testing.DesktopFixture;
import javafx.scene.Node;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ListCell;
import javafx.scene.input.KeyCode;
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
import java.util.List;
import java.util.stream.Stream;

import static dev.ferry.ui.resources.ResourceListView.RowPart.CONNECT;
import static dev.ferry.ui.testing.DesktopFixture.fx;
import static dev.ferry.ui.testing.DesktopFixture.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Add AWS workspace dialog's "Find databases": the region of the chosen profile is checked
 * for the scan, the person adds another, the dialog writes the {@code discovery:} block, and the
 * list then shows what moto's RDS holds in those two regions (and not in a third).
 */
class AddWorkspaceDiscoveryTest {
    static final String ACCOUNT = "123456789012";

    @RegisterExtension
    static MotoServer moto = new MotoServer();
    @RegisterExtension
    final DesktopFixture ui = new DesktopFixture();

    @TempDir
    Path dir;
    FerryEnvironment env;

    void instance(String region, String id) {
        try (RdsClient c = RdsClient.builder().region(Region.of(region)).endpointOverride(URI.create(moto.endpoint()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(TestWorkspaces.ACCESS_KEY, TestWorkspaces.SECRET_KEY))).build()) {
            c.createDBInstance(b -> b.dbInstanceIdentifier(id).engine("postgres").dbInstanceClass("db.t3.micro")
                    .masterUsername("admin").masterUserPassword("Passw0rd1").allocatedStorage(20)
                    .enableIAMDatabaseAuthentication(true).tags(Tag.builder().key("env").value("prod").build()));
        }
    }

    @BeforeEach
    void world() throws Exception {
        instance("eu-west-1", "reports");
        instance("us-east-1", "orders");
        instance("ap-southeast-2", "elsewhere");
        Files.writeString(dir.resolve("aws-config"), "[profile moto]\nregion = eu-west-1\n");
        Files.writeString(dir.resolve("aws-credentials"), "[moto]\naws_access_key_id = " + TestWorkspaces.ACCESS_KEY
                + "\naws_secret_access_key = " + TestWorkspaces.SECRET_KEY + "\n");
        env = TestWorkspaces.motoEnv(dir, moto.endpoint());
    }

    boolean checked(String id) throws Exception {
        CheckBox c = ui.node(id, CheckBox.class);
        return fx(c::isSelected);
    }

    @Test
    void theDialogOffersTheRegionsWritesTheDiscoveryBlockAndTheListShowsWhatWasFound() throws Exception {
        FerryDesktop desktop = ui.launch(env);
        until("the welcome pane", () -> ui.showing("#welcomeAddAws"));
        ui.click("#welcomeAddAws");
        until("the Add AWS workspace dialog", () -> ui.showing("#addAwsWorkspaceDialog"));
        assertThat(ui.showing("#discoverRegions")).as("the regions show once Find databases is checked").isFalse();

        ui.click("#sourceProfile");
        ui.click("#awsProfilePicker");
        ui.click(() -> ui.robot().lookup(".list-cell").queryAllAs(ListCell.class).stream()
                .filter(c -> DesktopFixture.shown(c) && c.getText() != null && c.getText().startsWith("moto "))
                .map(Node.class::cast).findFirst().orElse(null), "the profile moto in the list");
        ui.click("#discoverDatabases");
        until("the regions", () -> ui.showing("#discoverRegions"));
        assertThat(checked("#discoverRegion-eu-west-1")).as("the profile's region is preselected").isTrue();
        assertThat(checked("#discoverRegion-us-east-1")).isFalse();
        assertThat(checked("#discoverType-rds")).isTrue();
        ui.scrollIntoView(ui.node("#discoverRegion-us-east-1"));
        ui.click("#discoverRegion-us-east-1");
        until("us-east-1 checked", () -> checked("#discoverRegion-us-east-1"));
        // (the kinds by keyboard: Space toggles the focused check box)
        ui.focus("#discoverType-redshift");
        ui.type(KeyCode.SPACE);
        ui.focus("#discoverType-redshift-serverless");
        ui.type(KeyCode.SPACE);
        until(() -> !checked("#discoverType-redshift") && !checked("#discoverType-redshift-serverless"));
        javafx.scene.control.Button add = fx(() -> (javafx.scene.control.Button) ui.node("#addAwsWorkspaceDialog",
                javafx.scene.control.DialogPane.class).lookupButton(ui.node("#addAwsWorkspaceDialog",
                javafx.scene.control.DialogPane.class).getButtonTypes().get(0)));
        assertThat(fx(add::isDisabled)).as("Add is on").isFalse();
        ui.focus(add);
        ui.type(KeyCode.SPACE);
        until("the dialog closed", () -> !ui.showing("#addAwsWorkspaceDialog"));

        Path file = dir.resolve("ferry-home/workspaces/moto.yaml");
        until("the workspace file is written", () -> Files.isRegularFile(file) && Files.size(file) > 0);
        String yaml = Files.readString(file);
        assertThat(yaml).contains("profile: moto").contains("discovery:\n- types:\n  - rds\n  regions:\n  - eu-west-1\n  - us-east-1\n");

        String orders = "orders-rds-us-east-1-" + ACCOUNT;
        String reports = "reports-rds-eu-west-1-" + ACCOUNT;
        until("the discovered databases are listed", () -> fx(() -> desktop.resources().all().stream()
                .map(Resource::name).toList()).containsAll(List.of(orders, reports)));
        until(() -> ui.showing(CONNECT, orders));
        assertThat(fx(() -> desktop.resources().all().stream().map(Resource::name).toList()))
                .noneMatch(n -> n.startsWith("elsewhere"));
    }
}
