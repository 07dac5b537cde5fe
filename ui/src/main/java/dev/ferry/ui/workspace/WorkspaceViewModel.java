package dev.ferry.ui.workspace;

import dev.ferry.app.FerryCore;
import dev.ferry.app.access.AccessProvider;
import dev.ferry.app.access.Stars;
import dev.ferry.app.access.Capability;
import dev.ferry.app.access.Identity;
import dev.ferry.app.model.Resource;
import dev.ferry.app.access.SignInRequiredException;
import dev.ferry.app.workspace.Workspace;
import dev.ferry.ui.fx.Problem;
import dev.ferry.ui.fx.UiTasks;
import dev.ferry.ui.notify.Notifications;
import dev.ferry.ui.teleport.SignInNeeded;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The workspace in use: which files are known, which one is open, its resources, and who
 * the user is in it. Loading and the credential check run in the background; every property
 * changes on the FX thread only.
 */
public final class WorkspaceViewModel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkspaceViewModel.class);

    private final FerryCore core;
    private final UiTasks tasks;
    private final Notifications notes;

    private final ObservableList<Path> known = FXCollections.observableArrayList();
    private final ObjectProperty<Path> current = new SimpleObjectProperty<>();
    private final ObjectProperty<Workspace> workspace = new SimpleObjectProperty<>();
    private final ObjectProperty<AccessProvider> provider = new SimpleObjectProperty<>();
    private final ObservableList<Resource> resources = FXCollections.observableArrayList();
    private final BooleanProperty loading = new SimpleBooleanProperty();
    private final ObjectProperty<Problem> loadProblem = new SimpleObjectProperty<>();
    private final BooleanProperty identityLoading = new SimpleBooleanProperty();
    private final ObjectProperty<Identity> identity = new SimpleObjectProperty<>();
    private final ObjectProperty<Problem> identityProblem = new SimpleObjectProperty<>();
    private final ObjectProperty<SignInNeeded> signInNeeded = new SimpleObjectProperty<>();
    /** The open provider's app stars (FX thread), read with its resources. */
    private Stars stars = Stars.NONE;
    /** Held while a star is saved: one save at a time. */
    private final Object starSaves = new Object();
    private final BooleanProperty refreshing = new SimpleBooleanProperty();
    private final javafx.beans.property.StringProperty refreshProgress = new javafx.beans.property.SimpleStringProperty("");
    /** The open file changed on disk but the new version cannot be used: the last good one stays. */
    private final ObjectProperty<Problem> staleProblem = new SimpleObjectProperty<>();
    /** Known workspace files that cannot be used, with why (the picker marks them). */
    private final javafx.collections.ObservableMap<Path, Problem> broken = FXCollections.observableHashMap();
    private dev.ferry.app.workspace.WorkspaceFileWatcher watcher;
    /** Providers whose background listings this view model follows (FX thread; weak: closed ones go). */
    private final java.util.Set<AccessProvider> listening =
            java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>());
    private long generation;
    /** The file whose provider {@link #provider} holds (the sessions own it). */
    private Path openFile;

    public WorkspaceViewModel(FerryCore core, UiTasks tasks, Notifications notes) {
        this.core = core;
        this.tasks = tasks;
        this.notes = notes;
    }

    /** Start-up: finds the known workspaces and opens the one in use (all in the background). */
    public void start() {
        loading.set(true);
        tasks.run(() -> {
            List<Path> all = core.workspaces().known();
            Optional<Path> chosen;
            try {
                chosen = Optional.of(core.workspaces().choose(Optional.empty()).toAbsolutePath().normalize());
            } catch (RuntimeException none) {
                chosen = Optional.empty();
            }
            return new Start(all, chosen);
        }, start -> {
            known.setAll(start.known());
            checkKnown(start.known());
            if (start.chosen().isPresent()) {
                open(start.chosen().get());
            } else {
                loading.set(false);
            }
        }, e -> {
            loading.set(false);
            notes.error("Could not list workspaces", e);
        });
    }

    private record Start(List<Path> known, Optional<Path> chosen) {
    }

    /** Reads every known workspace file in the background and marks the broken ones. */
    private void checkKnown(List<Path> files) {
        tasks.run(() -> {
            java.util.Map<Path, Problem> found = new java.util.HashMap<>();
            for (Path f : files) {
                try {
                    core.workspaces().load(f);
                } catch (RuntimeException e) {
                    found.put(f.toAbsolutePath().normalize(), Problem.of(e));
                }
            }
            return found;
        }, found -> found.forEach((f, p) -> {
            if (!f.equals(openFile)) { // the open one is judged by its own load
                broken.put(f, p);
            }
        }), e -> LOG.info("Could not check the workspace files", e));
    }

    /** Opens a workspace file: validates it, lists its resources, then checks the credentials. */
    public void open(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        if (!known.contains(abs)) {
            known.add(abs);
        }
        long gen = ++generation;
        current.set(abs);
        loading.set(true);
        loadProblem.set(null);
        staleProblem.set(null);
        stopWatching();
        identity.set(null);
        identityProblem.set(null);
        signInNeeded.set(null);
        Path previous = openFile;
        openFile = null;
        provider.set(null);
        if (previous != null && !previous.equals(abs)) {
            tasks.run(() -> {
                core.sessions().close(previous);
                return null;
            }, x -> { }, e -> LOG.warn("Closing workspace {} failed", previous, e));
        }
        workspace.set(null);
        resources.clear();
        tasks.run(() -> {
            Opened opened = load(abs);
            core.workspaces().remember(abs);
            return opened;
        }, opened -> {
            if (gen != generation) {
                return; // a later open replaced it; the sessions keep (or closed) its provider
            }
            openFile = abs;
            loading.set(false);
            broken.remove(abs);
            show(opened);
            watch(abs, gen);
        }, e -> {
            if (gen != generation) {
                return;
            }
            loading.set(false);
            Problem p = Problem.of(e);
            LOG.info("Workspace {} could not be opened: {}", abs, p.message());
            loadProblem.set(p);
            broken.put(abs, p);
            notes.errorShownInPlace("Workspace not loaded", p); // the list's banner says it
            watch(abs, gen); // fixed in an editor: it loads by itself
        });
    }

    private record Opened(Workspace workspace, AccessProvider provider, Listing listing, SignInNeeded signIn) {
    }

    /** The provider's resources and the stars of its apps, read together in the background. */
    private record Listing(List<Resource> resources, Stars stars) {
    }

    private static Listing listing(AccessProvider p) {
        List<Resource> list = p.resources();
        Stars stars = Stars.NONE;
        if (p.can(Capability.FAVOURITES)) {
            try {
                stars = p.appStars();
            } catch (RuntimeException e) {
                LOG.warn("The starred apps of {} could not be read", p.workspace().name(), e);
            }
        }
        return new Listing(list, stars);
    }

    private void show(Listing l) {
        stars = l.stars();
        resources.setAll(l.resources());
    }

    /**
     * Writes a new workspace file in the background ({@code write} returns it), says so, and opens it.
     *
     * @param what e.g. "AWS workspace", for "AWS workspace added" / "AWS workspace not added"
     */
    public void addAndOpen(String what, java.util.concurrent.Callable<Path> write) {
        tasks.run(write, file -> {
            notes.success(what + " added", "Workspace file " + file);
            open(file);
        }, err -> notes.error(what + " not added", err));
    }

    private Opened load(Path abs) {
        AccessProvider p = core.sessions().reopen(abs);
        Listing list = new Listing(List.of(), Stars.NONE);
        SignInNeeded needed = null;
        try {
            list = listing(p);
        } catch (SignInRequiredException e) {
            needed = SignInNeeded.of(e);
        }
        return new Opened(p.workspace(), p, list, needed);
    }

    private void show(Opened opened) {
        workspace.set(opened.workspace());
        provider.set(opened.provider());
        AccessProvider p = opened.provider();
        if (listening.add(p)) { // once per provider: a reload of the file may hand back the same one
            p.onResourcesChanged(() -> javafx.application.Platform.runLater(() -> relist(p)));
        }
        show(opened.listing());
        if (opened.signIn() != null) {
            signInNeeded.set(opened.signIn());
        } else {
            signInNeeded.set(null);
            refreshIdentity();
        }
    }

    /** Watches the open file: a change reloads it (keeping what was shown when the new version is broken). */
    private void watch(Path abs, long gen) {
        stopWatching();
        try {
            watcher = dev.ferry.app.workspace.WorkspaceFileWatcher.watch(abs, () -> tasks.onFx(() -> {
                if (gen == generation) {
                    changedOnDisk(abs, gen);
                }
            }));
        } catch (java.io.IOException | RuntimeException e) {
            LOG.info("Not watching {} for changes: {}", abs, e.getMessage());
        }
    }

    private void stopWatching() {
        if (watcher != null) {
            watcher.close();
            watcher = null;
        }
    }

    /** The open file changed on disk (FX thread). */
    private void changedOnDisk(Path abs, long gen) {
        if (workspace.get() == null) { // it did not load before: open it as new
            open(abs);
            return;
        }
        tasks.run(() -> load(abs), opened -> {
            if (gen != generation) {
                return;
            }
            staleProblem.set(null);
            broken.remove(abs);
            show(opened);
            notes.info("Workspace reloaded", abs.getFileName() + " changed: " + opened.listing().resources().size()
                    + " apps and databases now.");
        }, e -> {
            if (gen != generation) {
                return;
            }
            Problem p = Problem.of(e);
            Problem stale = new Problem(abs.getFileName() + " changed, but the new version cannot be used, so Ferry "
                    + "keeps showing the version that loaded before.", p.text());
            staleProblem.set(stale);
            broken.put(abs, p);
            notes.errorShownInPlace("Workspace not reloaded", stale); // the list's banner says it
        });
    }

    /** Why the open file's new version was not loaded (the last good one is shown), or null. */
    public ReadOnlyObjectProperty<Problem> staleProblemProperty() {
        return staleProblem;
    }

    /** Known workspace files that cannot be used, with why. */
    public javafx.collections.ObservableMap<Path, Problem> broken() {
        return broken;
    }

    /** Opens the current workspace again (e.g. after signing in or out). */
    public void reload() {
        if (current.get() != null) {
            open(current.get());
        }
    }

    /** Checks who the user is (e.g. STS GetCallerIdentity) in the background. */
    public void refreshIdentity() {
        AccessProvider p = provider.get();
        if (p == null) {
            return;
        }
        long gen = generation;
        identityLoading.set(true);
        identityProblem.set(null);
        tasks.run(p::identity, id -> {
            if (gen != generation) {
                return;
            }
            identityLoading.set(false);
            identity.set(id);
        }, e -> {
            if (gen != generation) {
                return;
            }
            identityLoading.set(false);
            if (failed(e)) {
                return;
            }
            Problem problem = Problem.of(e);
            identityProblem.set(problem);
            notes.errorShownInPlace("No usable credentials", problem); // the sidebar's identity line says it
        });
    }

    public ObservableList<Path> known() {
        return known;
    }

    public ReadOnlyObjectProperty<Path> currentProperty() {
        return current;
    }

    public ReadOnlyObjectProperty<Workspace> workspaceProperty() {
        return workspace;
    }

    public ReadOnlyObjectProperty<AccessProvider> providerProperty() {
        return provider;
    }

    public ObservableList<Resource> resources() {
        return resources;
    }

    /**
     * Lists new resources of the open provider (e.g. after a database discovery scan); ignored
     * when another workspace is open by now or a sign-in is needed.
     */
    public void showResources(AccessProvider p, List<Resource> list) {
        if (provider.get() == p && signInNeeded.get() == null) {
            resources.setAll(list);
        }
    }

    public ReadOnlyBooleanProperty loadingProperty() {
        return loading;
    }

    public ReadOnlyObjectProperty<Problem> loadProblemProperty() {
        return loadProblem;
    }

    public ReadOnlyBooleanProperty identityLoadingProperty() {
        return identityLoading;
    }

    public ReadOnlyObjectProperty<Identity> identityProperty() {
        return identity;
    }

    public ReadOnlyObjectProperty<Problem> identityProblemProperty() {
        return identityProblem;
    }

    /**
     * A failure somewhere else (a console launch, a role list) that says the Teleport session
     * is gone: the resource list gives way to the sign-in prompt, as when the workspace opened.
     *
     * @return whether it was such a failure
     */
    public boolean failed(Throwable e) {
        var needed = SignInRequiredException.in(e);
        if (needed.isPresent() && workspace.get() != null) {
            resources.clear();
            signInNeeded.set(SignInNeeded.of(needed.get()));
            return true;
        }
        return false;
    }

    /** Shows the provider's resources again (it listed them anew in the background). */
    /** {@code p} listed its resources again in the background: show them if it is still the open one. */
    private void relist(AccessProvider p) {
        if (provider.get() != p || signInNeeded.get() != null) {
            return;
        }
        long gen = generation;
        tasks.run(() -> listing(p), list -> {
            if (gen == generation) {
                show(list);
            }
        }, e -> {
            if (!failed(e)) {
                LOG.warn("Listing the resources of {} again failed", p.workspace().name(), e);
            }
        });
    }

    /**
     * Lists the resources again from their source ({@code Capability.REFRESH}, e.g. the Identity
     * Center accounts) in the background, with its progress in {@link #refreshProgressProperty()}.
     */
    public void refreshResources() {
        AccessProvider p = provider.get();
        if (p == null || refreshing.get()) {
            return;
        }
        refreshing.set(true);
        refreshProgress.set("Listing…");
        long gen = generation;
        tasks.run(() -> {
            p.refreshResources(line -> javafx.application.Platform.runLater(() -> {
                if (refreshing.get()) {
                    refreshProgress.set(line);
                }
            }));
            return listing(p);
        }, list -> {
            refreshing.set(false);
            refreshProgress.set("");
            if (gen == generation) {
                show(list);
            }
        }, e -> {
            refreshing.set(false);
            refreshProgress.set("");
            if (!failed(e)) {
                notes.error("Could not list the resources again", e);
            }
        });
    }

    /** Which apps can be starred and which are (FX thread): a field read, cheap for every row. */
    public Stars appStars() {
        return stars;
    }

    /**
     * Stars the app (or takes the star away; {@code Capability.FAVOURITES}): shown at once, saved by
     * the provider in the background, one save at a time, then listed again (starred apps first).
     */
    public void starApp(dev.ferry.app.model.AppResource app, boolean on) {
        AccessProvider p = provider.get();
        if (p == null || !stars.canStar(app.name())) {
            return;
        }
        stars = stars.with(app.name(), on);
        long gen = generation;
        tasks.run(() -> {
            synchronized (starSaves) {
                p.starApp(app, on);
            }
            return listing(p);
        }, list -> {
            if (gen == generation && provider.get() == p) {
                show(list);
            }
        }, e -> {
            if (!failed(e)) {
                notes.error("Could not " + (on ? "star " : "unstar ") + app.name(), e);
            }
        });
    }

    public ReadOnlyBooleanProperty refreshingProperty() {
        return refreshing;
    }

    /** How far a {@link #refreshResources()} is, e.g. "142 of 500 accounts". */
    public javafx.beans.property.ReadOnlyStringProperty refreshProgressProperty() {
        return refreshProgress;
    }

    public ReadOnlyObjectProperty<SignInNeeded> signInNeededProperty() {
        return signInNeeded;
    }

    @Override
    public void close() {
        generation++;
        stopWatching();
        provider.set(null);
        if (openFile != null) {
            core.sessions().close(openFile);
            openFile = null;
        }
    }
}
