package dev.ferry.ui.launch;

import dev.ferry.app.access.AccessProvider;
import dev.ferry.app.integrations.BrowserLauncher;
import dev.ferry.app.model.AppResource;
import dev.ferry.app.model.AwsRole;
import dev.ferry.ui.fx.Problem;
import dev.ferry.ui.fx.UiTasks;
import dev.ferry.ui.notify.Notifications;
import javafx.beans.value.ObservableValue;
import javafx.collections.FXCollections;
import javafx.collections.ObservableSet;

import java.net.URI;
import java.util.List;
import java.util.function.Consumer;

/**
 * Opens AWS consoles (and plain web apps) in the browser. The roles are listed and the
 * sign-in URL is made in the background; the URL is handed straight to the browser and
 * never logged or shown. Which apps are busy is observable for progress on their rows.
 */
public final class ConsoleLauncher {
    private final UiTasks tasks;
    private final Notifications notes;
    private final BrowserLauncher browser;
    private final ObservableValue<AccessProvider> provider;
    private final ObservableSet<String> busy = FXCollections.observableSet();

    private final dev.ferry.app.settings.SavedDocument<dev.ferry.app.settings.AppState> state;

    private Consumer<Throwable> failureHook = e -> { };
    /** The launch that found the session ended, to run again once signed in (FX thread). */
    private Pending pending;
    private boolean resumeWhenOpen;

    private record Pending(String workspace, Runnable action) {
    }

    /** @param state where the role picked last per app is remembered */
    public ConsoleLauncher(UiTasks tasks, Notifications notes, BrowserLauncher browser,
                           ObservableValue<AccessProvider> provider,
                           dev.ferry.app.settings.SavedDocument<dev.ferry.app.settings.AppState> state) {
        this.tasks = tasks;
        this.notes = notes;
        this.browser = browser;
        this.provider = provider;
        this.state = state;
        provider.addListener((o, was, now) -> resumeIfOpen());
    }

    private static String roleKey(AccessProvider p, AppResource app) {
        return p.workspace().source() + "#" + app.name();
    }

    /** The ARN of the role picked last for the app (in this workspace), if any. */
    public java.util.Optional<String> lastRole(AppResource app) {
        AccessProvider p = provider.getValue();
        return p == null ? java.util.Optional.empty()
                : java.util.Optional.ofNullable(state.read(s -> s.lastRoles.get(roleKey(p, app))));
    }

    private void remember(AccessProvider p, AppResource app, AwsRole role) {
        state.update(s -> s.lastRoles.put(roleKey(p, app), role.arn()));
    }

    /** Remembers the role picked for the app in another role menu (AWS CLI/SDK access). */
    public void remember(AppResource app, AwsRole role) {
        AccessProvider p = provider.getValue();
        if (p != null) {
            remember(p, app, role);
        }
    }

    /**
     * "Copy sign-in URL": makes the console sign-in URL in the background and puts it on the
     * clipboard, only on this request (it is a secret: never logged or shown).
     */
    public void copySignInUrl(AppResource app, AwsRole role) {
        AccessProvider p = provider.getValue();
        if (p == null || !busy.add(app.name())) {
            return;
        }
        tasks.run(() -> p.consoleUrl(app, role), url -> {
            busy.remove(app.name());
            remember(p, app, role);
            javafx.scene.input.ClipboardContent c = new javafx.scene.input.ClipboardContent();
            c.putString(url.toString());
            javafx.scene.input.Clipboard.getSystemClipboard().setContent(c);
            notes.success("Sign-in URL copied", "Paste it into a browser soon (it is valid for 15 minutes) to open the AWS "
                    + "console of " + app.name() + " as " + role.name() + ". Treat it like a password.");
        }, e -> {
            busy.remove(app.name());
            failed("Could not make the sign-in URL for " + app.name(), e, p, () -> copySignInUrl(app, role));
        });
    }

    /**
     * "Copy sign-in URL" of an app's row menu: with one role it copies that role's URL at once
     * (the Launch button of such an app opens the console without a menu), with several it
     * calls {@code pickRole} with them (the role menu has "Copy sign-in URL" too).
     */
    public void requestCopySignInUrl(AppResource app, Consumer<List<AwsRole>> pickRole) {
        oneOrPick(app, "Could not make the sign-in URL for " + app.name(), role -> copySignInUrl(app, role), pickRole);
    }

    /** Lists the app's roles: one is handed to {@code one}, several to {@code pick} (on the FX thread). */
    private void oneOrPick(AppResource app, String failureTitle, Consumer<AwsRole> one, Consumer<List<AwsRole>> pick) {
        requestRoles(app, failureTitle, roles -> {
            if (roles.size() == 1) {
                one.accept(roles.get(0));
            } else {
                pick.accept(roles);
            }
        });
    }

    /** Also told of every failure (the desktop turns a lost Teleport session into the sign-in prompt). */
    public void onFailure(Consumer<Throwable> hook) {
        this.failureHook = hook;
    }

    private void failed(String title, Throwable e) {
        failureHook.accept(e);
        notes.error(title, e);
    }

    /** As above; when the session has ended, {@code retry} runs once the person has signed in. */
    private void failed(String title, Throwable e, AccessProvider p, Runnable retry) {
        if (dev.ferry.app.access.SignInRequiredException.in(e).isPresent()) {
            pending = new Pending(p.workspace().source().toString(), retry);
            resumeWhenOpen = false;
        }
        failed(title, e);
    }

    /**
     * After a sign-in: the launch that asked for it goes on, once the workspace is open again
     * (it reloads after a sign-in). FX thread.
     */
    public void resumeAfterSignIn() {
        resumeWhenOpen = pending != null;
        resumeIfOpen();
    }

    private void resumeIfOpen() {
        AccessProvider p = provider.getValue();
        if (!resumeWhenOpen || p == null) {
            return;
        }
        Pending go = pending;
        pending = null;
        resumeWhenOpen = false;
        if (go != null && go.workspace().equals(p.workspace().source().toString())) {
            go.action().run();
        }
    }

    /** Names of the apps being launched right now. */
    public ObservableSet<String> busy() {
        return busy;
    }

    /**
     * The Launch button: with one role it launches at once, with none it says why, with
     * several it calls {@code pickRole} with them (on the FX thread).
     */
    public void requestLaunch(AppResource app, Consumer<List<AwsRole>> pickRole) {
        oneOrPick(app, "Cannot open " + app.name(), role -> launch(app, role), pickRole);
    }

    /**
     * Lists the app's roles in the background and hands them (at least one) to {@code withRoles}
     * on the FX thread; with none, or on failure, a notification titled {@code failureTitle} says why.
     */
    public void requestRoles(AppResource app, String failureTitle, Consumer<List<AwsRole>> withRoles) {
        AccessProvider p = provider.getValue();
        if (p == null || busy.contains(app.name())) {
            return;
        }
        tasks.run(() -> new Listed(p.awsRoles(app), p.can(dev.ferry.app.access.Capability.FAVOURITES)
                ? p.roleStars(app) : dev.ferry.app.access.Stars.NONE), listed -> {
            List<AwsRole> roles = listed.roles();
            stars.put(app.name(), new StarState(p, app, listed.stars()));
            if (roles.isEmpty()) {
                notes.error(failureTitle, new Problem(
                        "No IAM roles are available for '" + app.name() + "'"
                                + app.awsAccountId().map(a -> " in account " + a).orElse("") + ".",
                        "Add the role ARNs to a role's allow.aws_role_arns whose app_labels match this app."));
            } else {
                withRoles.accept(roles);
            }
        }, e -> failed(failureTitle, e));
    }

    private record Listed(List<AwsRole> roles, dev.ferry.app.access.Stars stars) {
    }

    /** The stars of the app's roles as {@link #requestRoles} read them last (FX thread). */
    private final java.util.Map<String, StarState> stars = new java.util.HashMap<>();
    /** Held while a star is saved: one save at a time. */
    private final Object starSaves = new Object();

    /**
     * The stars of the app's roles for its role selector, as read with them by {@link #requestRoles};
     * null where none of its roles can be starred. A toggle is saved by the provider in the background.
     */
    public RolePicker.Stars stars(AppResource app) {
        StarState s = stars.get(app.name());
        return s == null || s.starrable.isEmpty() || s.provider != provider.getValue() ? null : s;
    }

    /** One app's stars: shown at once (FX thread), saved in the background. */
    private final class StarState implements RolePicker.Stars {
        final AccessProvider provider;
        final AppResource app;
        final java.util.Set<String> starrable;
        final java.util.Set<String> starred;

        StarState(AccessProvider provider, AppResource app, dev.ferry.app.access.Stars s) {
            this.provider = provider;
            this.app = app;
            this.starrable = s.starrable();
            this.starred = java.util.concurrent.ConcurrentHashMap.newKeySet();
            this.starred.addAll(s.starred());
        }

        @Override
        public boolean canStar(AwsRole role) {
            return starrable.contains(role.arn());
        }

        @Override
        public boolean isStarred(AwsRole role) {
            return starred.contains(role.arn());
        }

        @Override
        public void setStarred(AwsRole role, boolean on) {
            if (on) {
                starred.add(role.arn());
            } else {
                starred.remove(role.arn());
            }
            // Each save writes the state wanted when it runs, one at a time: quick toggles end as the last one.
            tasks.run(() -> {
                synchronized (starSaves) {
                    provider.starRole(app, role, starred.contains(role.arn()));
                }
                return null;
            }, x -> { }, e -> notes.error("Could not " + (on ? "star " : "unstar ") + role.name(), e));
        }
    }

    /** Signs in to the console as the role and opens it in the browser. */
    public void launch(AppResource app, AwsRole role) {
        AccessProvider p = provider.getValue();
        if (p == null || !busy.add(app.name())) {
            return;
        }
        tasks.run(() -> {
            URI url = p.consoleUrl(app, role);
            browser.open(url);
            return role;
        }, r -> {
            busy.remove(app.name());
            remember(p, app, role);
            notes.success("Opened " + app.name(), "The AWS console opened in your browser as " + role.name() + ".");
        }, e -> {
            busy.remove(app.name());
            failed("Could not open the AWS console for " + app.name(), e, p, () -> launch(app, role));
        });
    }

    /** Opens a plain web app's address in the browser. */
    public void openWebApp(AppResource app) {
        String address = app.uri();
        tasks.run(() -> {
            browser.open(URI.create(address));
            return address;
        }, a -> notes.info("Opened " + app.name(), a), e -> notes.error("Could not open " + app.name(), e));
    }
}
