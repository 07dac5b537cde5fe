package dev.ferry.ui.teleport;

import atlantafx.base.theme.Styles;
import dev.ferry.app.FerryCore;
import dev.ferry.app.access.AccessProvider;
import dev.ferry.app.access.Capability;
import dev.ferry.ui.fx.UiTasks;
import dev.ferry.ui.notify.Notifications;
import dev.ferry.ui.workspace.WorkspaceViewModel;
import javafx.beans.binding.Bindings;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.layout.StackPane;
import javafx.stage.Window;

import java.util.function.Supplier;

/**
 * Teleport pieces of the window, built once by the composition root: the sign-in prompt
 * laid over the resource list, the "Sign out" and "Add Teleport cluster…" buttons for the
 * sidebar.
 */
public final class TeleportControls {
    private final FerryCore core;
    private final UiTasks tasks;
    private final Notifications notes;
    private final WorkspaceViewModel workspace;
    private final Supplier<Window> owner;
    private final SignInViewModel signIn;

    public TeleportControls(FerryCore core, UiTasks tasks, Notifications notes, WorkspaceViewModel workspace,
                            Supplier<Window> owner) {
        this.core = core;
        this.tasks = tasks;
        this.notes = notes;
        this.workspace = workspace;
        this.owner = owner;
        this.signIn = new SignInViewModel(workspace, tasks, notes, owner);
    }

    public SignInViewModel signIn() {
        return signIn;
    }

    /** The resource view with the sign-in prompt over it (shown while a sign-in is needed). */
    public Node withSignIn(Node resources) {
        SignInView prompt = new SignInView(workspace, signIn, url -> tasks.run(() -> {
            core.browser().open(url);
            return null;
        }, x -> { }, e -> notes.error("Could not open the browser", e)));
        resources.visibleProperty().bind(prompt.visibleProperty().not());
        return new StackPane(resources, prompt);
    }

    /** "Sign out": shown while signed in to a workspace whose provider holds a session it can end. */
    public Button signOutButton() {
        Button b = new Button("Sign out");
        b.setId("signOutButton");
        b.getStyleClass().addAll(Styles.SMALL, Styles.BUTTON_OUTLINED);
        b.visibleProperty().bind(Bindings.createBooleanBinding(() -> {
            AccessProvider p = workspace.providerProperty().get();
            return p != null && p.can(Capability.SIGN_OUT) && workspace.identityProperty().get() != null;
        }, workspace.providerProperty(), workspace.identityProperty()));
        b.managedProperty().bind(b.visibleProperty());
        b.disableProperty().bind(signIn.runningProperty());
        b.setOnAction(e -> signIn.signOut());
        return b;
    }

    /** "Add Teleport cluster…": asks, checks tsh, writes the workspace file, opens it. */
    public Button addClusterButton() {
        return dev.ferry.ui.workspace.WorkspaceSidebar.workspaceButton("addTeleportCluster", "Add Teleport cluster…",
                this::addCluster);
    }

    /** Checks that tsh is there (and new enough) first: without it the cluster could not be used, so nothing is written. */
    public void addCluster() {
        new AddClusterDialog(owner.get()).showAndWait().ifPresent(c -> workspace.addAndOpen("Teleport cluster",
                () -> core.addTeleportCluster(c.proxy(), c.user(), c.auth())));
    }
}
