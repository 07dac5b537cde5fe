package dev.ferry.ui.teleport;

import dev.ferry.app.FerryException;
import dev.ferry.app.access.AccessProvider;
import dev.ferry.app.access.Identity;
import dev.ferry.app.access.SignInOptions;
import dev.ferry.app.workspace.Workspace;
import dev.ferry.ui.fx.Problem;
import dev.ferry.ui.fx.UiTasks;
import dev.ferry.ui.notify.Notifications;
import dev.ferry.ui.workspace.WorkspaceViewModel;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.stage.Window;

import java.net.URI;
import java.util.function.Supplier;

/**
 * Signing in to and out of a workspace from the window (Teleport, IAM Identity Center). Sign-in runs
 * the provider's sign-in ({@code tsh login}, the OIDC flow) in the background with an
 * {@link FxLoginPrompter}; {@link #cancel()} closes any open question and interrupts the waiting
 * sign-in, which kills tsh or ends the wait for the browser or the code. On success
 * the workspace reloads (resources and identity). Properties change on the FX thread only.
 */
public final class SignInViewModel {
    private final WorkspaceViewModel workspace;
    private final UiTasks tasks;
    private final Notifications notes;
    private final Supplier<Window> owner;

    private final BooleanProperty running = new SimpleBooleanProperty();
    private final StringProperty progress = new SimpleStringProperty("");
    private final ObjectProperty<URI> ssoLink = new SimpleObjectProperty<>();
    private final ObjectProperty<FxLoginPrompter.UserCode> userCode = new SimpleObjectProperty<>();
    private final ObjectProperty<Problem> problem = new SimpleObjectProperty<>();

    private final Object lock = new Object();
    private Thread worker;
    private boolean cancelRequested;
    private FxLoginPrompter prompter;
    private final java.util.List<Runnable> afterSignIn = new java.util.concurrent.CopyOnWriteArrayList<>();

    public SignInViewModel(WorkspaceViewModel workspace, UiTasks tasks, Notifications notes, Supplier<Window> owner) {
        this.workspace = workspace;
        this.tasks = tasks;
        this.notes = notes;
        this.owner = owner;
        workspace.currentProperty().addListener((o, was, now) -> {
            cancel();
            problem.set(null);
        });
    }

    /** Starts the open workspace's sign-in ({@code tsh login}, the browser) (FX thread). */
    public void signIn() {
        signIn(SignInOptions.defaults());
    }

    /** As {@link #signIn()}, the way the person chose (e.g. with a code instead of the browser). */
    public void signIn(SignInOptions options) {
        AccessProvider p = workspace.providerProperty().get();
        if (p == null || running.get()) {
            return;
        }
        running.set(true);
        problem.set(null);
        ssoLink.set(null);
        userCode.set(null);
        progress.set("Signing in…");
        FxLoginPrompter asker = new FxLoginPrompter(owner, line -> {
            if (running.get()) {
                progress.set(line);
            }
        }, url -> {
            if (running.get()) {
                ssoLink.set(url);
            }
        }, code -> {
            if (running.get()) {
                ssoLink.set(null);
                userCode.set(code);
            }
        });
        synchronized (lock) {
            cancelRequested = false;
            prompter = asker;
        }
        tasks.run(() -> {
            synchronized (lock) {
                if (cancelRequested) {
                    throw new FerryException("The sign-in was cancelled.");
                }
                worker = Thread.currentThread();
            }
            try {
                return p.signIn(asker, options);
            } finally {
                synchronized (lock) {
                    worker = null;
                }
                Thread.interrupted(); // a cancel that came too late must not hit the next task
            }
        }, this::signedIn, e -> {
            boolean cancelled;
            synchronized (lock) {
                cancelled = cancelRequested || asker.declined();
                prompter = null;
            }
            done();
            if (!cancelled) {
                Problem pr = Problem.of(e);
                problem.set(pr);
                notes.error("Sign-in failed", pr);
            }
        });
    }

    private void signedIn(Identity id) {
        synchronized (lock) {
            prompter = null;
        }
        done();
        Workspace ws = workspace.workspaceProperty().get();
        notes.success("Signed in", id.principal() + " on " + (ws == null ? id.account() : ws.name()));
        workspace.reload();
        afterSignIn.forEach(Runnable::run);
    }

    /** Runs after every successful sign-in (FX thread), e.g. to restart tunnels that needed it. */
    public void onSignedIn(Runnable r) {
        afterSignIn.add(r);
    }

    private void done() {
        running.set(false);
        progress.set("");
        ssoLink.set(null);
        userCode.set(null);
    }

    /** Stops a running sign-in: closes the question shown, kills tsh. */
    public void cancel() {
        synchronized (lock) {
            if (prompter == null) {
                return;
            }
            cancelRequested = true;
            prompter.cancel();
            if (worker != null) {
                worker.interrupt();
            }
        }
        progress.set("Cancelling…");
    }

    /** Runs {@code tsh logout} in the background, then shows the sign-in prompt again. */
    public void signOut() {
        AccessProvider p = workspace.providerProperty().get();
        if (p == null || running.get()) {
            return;
        }
        running.set(true);
        progress.set("Signing out…");
        tasks.run(() -> {
            p.signOut();
            return p.workspace().name();
        }, name -> {
            done();
            notes.info("Signed out", "Signed out of " + name + ".");
            workspace.reload();
        }, e -> {
            done();
            notes.error("Sign-out failed", e);
        });
    }

    public ReadOnlyBooleanProperty runningProperty() {
        return running;
    }

    public ReadOnlyStringProperty progressProperty() {
        return progress;
    }

    /** The identity provider's page while an SSO sign-in waits for the browser. */
    public ReadOnlyObjectProperty<URI> ssoLinkProperty() {
        return ssoLink;
    }

    /** The code to confirm on a web page while a device-code sign-in waits (IAM Identity Center). */
    public ReadOnlyObjectProperty<FxLoginPrompter.UserCode> userCodeProperty() {
        return userCode;
    }

    /** Why the last sign-in failed (cleared by the next attempt). */
    public ReadOnlyObjectProperty<Problem> problemProperty() {
        return problem;
    }
}
