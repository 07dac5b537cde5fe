package dev.ferry.ui.aws;

import dev.ferry.app.FerryCore;
import dev.ferry.app.access.AccessProvider;
import dev.ferry.app.access.Capability;
import dev.ferry.app.setup.AwsProfiles;
import dev.ferry.ui.fx.UiTasks;
import dev.ferry.ui.notify.Notifications;
import dev.ferry.ui.workspace.WorkspaceSidebar;
import dev.ferry.ui.workspace.WorkspaceViewModel;
import javafx.scene.control.Button;
import javafx.stage.Window;

import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * "Add AWS workspace…": reads ~/.aws/config and ~/.aws/credentials in the background, asks with
 * {@link AddAwsWorkspaceDialog}, writes the workspace file and opens it (an Identity Center
 * workspace then shows its sign-in prompt); "Write AWS profiles…" for a workspace whose provider
 * can hand out credentials to other programs ({@link AwsProfilesDialog}).
 */
public final class AwsWorkspaceControls {
    private final FerryCore core;
    private final UiTasks tasks;
    private final Notifications notes;
    private final WorkspaceViewModel workspace;
    private final Supplier<Window> owner;

    public AwsWorkspaceControls(FerryCore core, UiTasks tasks, Notifications notes, WorkspaceViewModel workspace,
                                Supplier<Window> owner) {
        this.core = core;
        this.tasks = tasks;
        this.notes = notes;
        this.workspace = workspace;
        this.owner = owner;
    }

    /** The sidebar's "Add AWS workspace…". */
    public Button addButton() {
        return WorkspaceSidebar.workspaceButton("addAwsWorkspace", "Add AWS workspace…", this::add);
    }

    /**
     * The sidebar's "Write AWS profiles…": shown while a workspace is open whose provider can hand
     * credentials to other programs ({@code Capability.ISSUE_CREDENTIALS}) and no sign-in is pending.
     */
    public Button writeProfilesButton() {
        Button b = new Button("Write AWS profiles…");
        b.setId("writeAwsProfiles");
        b.getStyleClass().addAll(atlantafx.base.theme.Styles.SMALL, atlantafx.base.theme.Styles.BUTTON_OUTLINED);
        b.visibleProperty().bind(javafx.beans.binding.Bindings.createBooleanBinding(() -> {
            AccessProvider p = workspace.providerProperty().get();
            return p != null && p.can(Capability.ISSUE_CREDENTIALS) && workspace.signInNeededProperty().get() == null;
        }, workspace.providerProperty(), workspace.signInNeededProperty()));
        b.managedProperty().bind(b.visibleProperty());
        b.setOnAction(e -> writeProfiles());
        return b;
    }

    /** Opens "Write AWS profiles" for the open workspace (its preview runs at once). */
    public void writeProfiles() {
        AccessProvider p = workspace.providerProperty().get();
        Path file = workspace.currentProperty().get();
        if (p == null || file == null) {
            return;
        }
        Path config = core.clientSetup().awsConfigFile();
        new AwsProfilesDialog(owner.get(), tasks, p.workspace().name(), config, new AwsProfilesDialog.Work() {
            @Override
            public AwsProfiles.Result preview(String prefix, boolean prune) {
                return AwsProfiles.write(config, file, profiles(prefix), prune, true);
            }

            @Override
            public AwsProfiles.Written write(String prefix, boolean prune) {
                return AwsProfiles.writeAndCheck(config, file, profiles(prefix), prune);
            }

            private java.util.List<AwsProfiles.Profile> profiles(String prefix) {
                return AwsProfiles.profilesOf(p, file, prefix, null, core.clientSetup().selfCommandLine());
            }
        }).show();
    }

    public void add() {
        tasks.run(() -> core.sso().awsConfig().read(), config -> {
            if (!config.problems().isEmpty()) {
                notes.info("Some AWS settings could not be read", String.join("\n", config.problems()));
            }
            new AddAwsWorkspaceDialog(owner.get(), config).showAndWait().ifPresent(choice -> workspace.addAndOpen(
                    "AWS workspace", () -> core.workspaces().addAwsWorkspace(choice.name(), choice.source(), "",
                    choice.discovery())));
        }, err -> notes.error("Could not read your AWS settings", err));
    }
}
