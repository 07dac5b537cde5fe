package dev.ferry.ui.aws;

import dev.ferry.app.FerryCore;
import dev.ferry.ui.fx.UiTasks;
import dev.ferry.ui.notify.Notifications;
import dev.ferry.ui.workspace.WorkspaceSidebar;
import dev.ferry.ui.workspace.WorkspaceViewModel;
import javafx.scene.control.Button;
import javafx.stage.Window;

import java.util.function.Supplier;

/**
 * "Add AWS workspace…": reads ~/.aws/config and ~/.aws/credentials in the background, asks with
 * {@link AddAwsWorkspaceDialog}, writes the workspace file and opens it (an Identity Center
 * workspace then shows its sign-in prompt).
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
