package dev.ferry.ui.aws;

import dev.ferry.app.model.AwsRole;
import dev.ferry.app.settings.FerryPaths;
import dev.ferry.app.sso.SsoFavourites;
import dev.ferry.app.testsupport.IdentityCenterRig;
import dev.ferry.app.testsupport.IdentityCenterStandIn;
import dev.ferry.ui.FerryDesktop;
import dev.ferry.ui.launch.RolePicker;
import dev.ferry.ui.testing.DesktopFixture;
import javafx.scene.Node;
import javafx.scene.control.ListView;
import javafx.scene.control.TextInputControl;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.ferry.ui.resources.ResourceListView.RowPart.LAUNCH;
import static dev.ferry.ui.testing.DesktopFixture.fx;
import static dev.ferry.ui.testing.DesktopFixture.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An Identity Center workspace (the stand-in, signed in, a temporary home) in the window: "Write
 * AWS profiles…" shows the dry run first, then writes the profiles into Ferry's block of
 * ~/.aws/config, leaving the person's own lines as they were; a star in the role selector puts the
 * role first, also after a restart.
 */
class IdentityCenterProfilesDesktopTest {
    /** The person's own config, which must stay as it is outside Ferry's block. */
    static final String OWN = """
            # my own settings
            [default]
            region = eu-central-1

            [profile work]
            role_arn = arn:aws:iam::999999999999:role/Mine
            source_profile = default
            """;

    @RegisterExtension
    final DesktopFixture ui = new DesktopFixture();

    @TempDir
    Path dir;
    IdentityCenterRig rig;
    FerryDesktop desktop;
    Path workspaceFile;

    @BeforeEach
    void setUp() throws Exception {
        rig = new IdentityCenterRig(dir, null, IdentityCenterRig.smallOrg());
        try (dev.ferry.app.FerryCore c = new dev.ferry.app.FerryCore(rig.env, u -> { })) {
            workspaceFile = c.workspaces().addAwsWorkspace("acme", new dev.ferry.app.workspace.AwsWorkspaceSource.IdentityCenter(
                    IdentityCenterStandIn.START_URL, IdentityCenterStandIn.REGION, ""), "");
        }
        rig.signedIn();
    }

    @AfterEach
    void tearDown() {
        rig.close();
    }

    void launch() throws Exception {
        desktop = ui.launch(rig.env.with("FERRY_WORKSPACE_FILE", workspaceFile.toString()));
        until("the accounts", () -> desktop.workspace().resources().size() == 3
                && desktop.workspace().identityProperty().get() != null);
    }

    List<String> changes() throws Exception {
        return fx(() -> ui.robot().lookup("#awsProfilesChanges").queryAs(ListView.class).getItems().stream()
                .map(String::valueOf).toList());
    }

    @Test
    void writeAwsProfilesShowsTheDryRunThenWritesInsideFerrysBlock() throws Exception {
        Path config = dir.resolve(".aws/config");
        Files.createDirectories(config.getParent());
        Files.writeString(config, OWN);
        launch();

        ui.click("#writeAwsProfiles");
        until("the dry run", () -> ui.showing("#awsProfilesDialog") && changes().size() == 5);
        assertThat(changes()).contains("+ [profile prod/Admin]", "+ [profile prod/ReadOnly]", "+ [profile staging/Developer]",
                "+ [profile audit/SecurityAudit]", "+ [profile audit/ReadOnly]");
        assertThat(ui.text("#awsProfilesSummary")).startsWith("Would write: 5 added");
        assertThat(Files.readString(config)).as("a preview writes nothing").isEqualTo(OWN);

        TextInputControl prefix = ui.node("#awsProfilesPrefix", TextInputControl.class);
        ui.focus(prefix);
        ui.write("acme-");
        until("the dry run with the prefix", () -> changes().contains("+ [profile acme-prod/Admin]")
                && !fx(() -> ui.node("#awsProfilesWrite", Node.class).isDisabled()));
        ui.click("#awsProfilesWrite");
        until("written", () -> ui.text("#awsProfilesResult").startsWith("Written: 5 added"));

        String text = Files.readString(config);
        assertThat(text).startsWith(OWN).contains("# >>> ferry profiles: " + workspaceFile.toAbsolutePath().normalize());
        for (String p : List.of("acme-prod/Admin", "acme-prod/ReadOnly", "acme-staging/Developer", "acme-audit/SecurityAudit",
                "acme-audit/ReadOnly")) {
            assertThat(text).contains("[profile " + p + "]");
        }
        assertThat(text).contains("credential_process = ").contains(" credentials --workspace-file ")
                .contains("--aws-role arn:aws:iam::111111111111:role/Admin");
        assertThat(ui.text("#awsProfilesResult")).contains("The previous file is saved as");
        List<String> backups = new java.util.ArrayList<>();
        try (var files = Files.list(config.getParent())) {
            for (Path f : files.filter(f -> Files.isRegularFile(f) && !f.equals(config)
                    && f.getFileName().toString().startsWith("config")).toList()) {
                backups.add(Files.readString(f));
            }
        }
        assertThat(backups).as("the backup holds the file as it was").containsExactly(OWN);
    }

    List<String> shownRoles() throws Exception {
        return fx(() -> desktop.resourceView().rolePicker().orElseThrow().shownRoles().stream().map(AwsRole::name).toList());
    }

    void openRoleMenu(String app) throws Exception {
        ui.click(LAUNCH, app);
        until("the role selector", () -> desktop.resourceView().rolePicker().map(RolePicker::isShowing).orElse(false)
                && ui.showing("." + RolePicker.STAR_CLASS));
    }

    Node star(String roleName) throws Exception {
        String arn = "arn:aws:iam::111111111111:role/" + roleName;
        return ui.find("." + RolePicker.STAR_CLASS, n -> arn.equals(n.getUserData())).orElse(null);
    }

    @Test
    void aStarredRoleComesFirstInTheRoleSelectorAlsoAfterARestart() throws Exception {
        launch();
        openRoleMenu("prod");
        assertThat(shownRoles()).containsExactly("Admin", "ReadOnly");
        assertThat(DesktopFixture.textOf(star("ReadOnly"))).isEqualTo("\u2606");

        ui.click(() -> star("ReadOnly"), "the star of ReadOnly");
        until("ReadOnly first", () -> shownRoles().equals(List.of("ReadOnly", "Admin")));
        assertThat(desktop.resourceView().rolePicker().orElseThrow().isShowing()).as("a star does not pick").isTrue();
        SsoFavourites saved = new SsoFavourites(SsoFavourites.defaultFile(FerryPaths.of(rig.env)));
        until("the star is saved", () -> saved.isFavouriteRole(IdentityCenterRig.SESSION, "111111111111", "ReadOnly"));
        ui.type(KeyCode.ESCAPE);

        ui.closeDesktop();
        launch();
        openRoleMenu("prod");
        assertThat(shownRoles()).containsExactly("ReadOnly", "Admin");
        assertThat(DesktopFixture.textOf(star("ReadOnly"))).isEqualTo("\u2605");
        assertThat(DesktopFixture.textOf(star("Admin"))).isEqualTo("\u2606");
    }
}
