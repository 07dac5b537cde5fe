package dev.ferry.ui.resources;

import dev.ferry.app.access.AccessProvider;
import dev.ferry.app.access.Capability;
import dev.ferry.app.discovery.DiscoveryListener;
import dev.ferry.app.discovery.DiscoveryResult;
import dev.ferry.app.discovery.DiscoveryService;
import dev.ferry.app.discovery.ScanFailure;
import dev.ferry.app.discovery.ScanProgress;
import dev.ferry.app.discovery.ScanRun;
import dev.ferry.app.model.Resource;
import dev.ferry.app.settings.SavedDocument;
import dev.ferry.app.settings.Settings;
import dev.ferry.ui.fx.UiTasks;
import dev.ferry.ui.notify.Notifications;
import dev.ferry.ui.workspace.WorkspaceViewModel;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The open workspace's database discovery, for the resource list: whether it has any, the
 * progress of a scan ("Scanning 3 of 8 account/regions…"), what the last scan found and what it
 * could not list, and Refresh. Background refresh runs at the interval of the settings. After
 * every scan the workspace's resources are listed again. Properties change on the FX thread.
 */
public final class DiscoveryViewModel {
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm");

    private final WorkspaceViewModel workspace;
    private final UiTasks tasks;
    private final Notifications notes;
    private final SavedDocument<Settings> settings;
    private final ZoneId zone;

    private final BooleanProperty enabled = new SimpleBooleanProperty();
    private final BooleanProperty scanning = new SimpleBooleanProperty();
    private final DoubleProperty progress = new SimpleDoubleProperty();
    private final StringProperty status = new SimpleStringProperty("");
    private final StringProperty failures = new SimpleStringProperty("");

    private DiscoveryService service;
    private DiscoveryListener listener;

    public DiscoveryViewModel(WorkspaceViewModel workspace, UiTasks tasks, Notifications notes,
                              SavedDocument<Settings> settings, ZoneId zone) {
        this.workspace = workspace;
        this.tasks = tasks;
        this.notes = notes;
        this.settings = settings;
        this.zone = zone;
        workspace.providerProperty().addListener((o, was, now) -> attach(now));
        settings.addListener(s -> tasks.onFx(this::applyInterval));
        attach(workspace.providerProperty().get());
    }

    private void attach(AccessProvider p) {
        if (service != null) {
            service.removeListener(listener);
        }
        service = p != null && p.can(Capability.DISCOVERY) ? p.discovery().orElse(null) : null;
        enabled.set(service != null);
        scanning.set(false);
        failures.set("");
        if (service == null) {
            status.set("");
            return;
        }
        DiscoveryService mine = service;
        listener = new DiscoveryListener() {
            @Override
            public void started(ScanRun run) {
                tasks.onFx(() -> {
                    if (service == mine) {
                        show(run.progress());
                    }
                });
            }

            @Override
            public void progress(ScanProgress s) {
                tasks.onFx(() -> {
                    if (service == mine) {
                        show(s);
                    }
                });
            }

            @Override
            public void finished(DiscoveryResult r) {
                relist(p, mine);
            }

            @Override
            public void cancelled() {
                tasks.onFx(() -> {
                    if (service == mine) {
                        showLatest();
                    }
                });
            }

            @Override
            public void failed(Throwable error) {
                tasks.onFx(() -> {
                    if (service == mine) {
                        showLatest();
                        notes.error("Database discovery failed", error);
                    }
                });
            }
        };
        mine.addListener(listener);
        mine.running().ifPresentOrElse(run -> show(run.progress()), this::showLatest);
        applyInterval();
        if (mine.latest().isEmpty() && mine.running().isEmpty() && mine.nextRefresh().isEmpty()) {
            refresh(); // no cache and no background refresh: scan once now
        }
    }

    /** Lists the provider's resources again (merged with the new result), then shows the result. */
    private void relist(AccessProvider p, DiscoveryService mine) {
        tasks.run(p::resources, (List<Resource> list) -> {
            if (service == mine) {
                workspace.showResources(p, list);
                showLatest();
            }
        }, e -> notes.error("Could not list the discovered databases", e));
    }

    private void applyInterval() {
        if (service == null) {
            return;
        }
        int minutes = settings.read(s -> s.discoveryRefreshMinutes);
        service.refreshEvery(minutes <= 0 ? null : Duration.ofMinutes(minutes));
    }

    /** Scans again now (joins a scan already running). */
    public void refresh() {
        DiscoveryService d = service;
        if (d == null) {
            return;
        }
        scanning.set(true);
        progress.set(-1);
        status.set("Scanning for databases…");
        tasks.run(d::refresh, run -> { }, e -> {
            scanning.set(false);
            notes.error("Database discovery could not start", e);
        });
    }

    private void show(ScanProgress s) {
        scanning.set(true);
        if (s.total() == 0) {
            progress.set(-1);
            status.set("Scanning for databases: finding the accounts…");
            return;
        }
        progress.set((double) s.finished() / s.total());
        status.set("Scanning " + s.finished() + " of " + s.total() + " account/regions… " + s.databasesFound()
                + (s.databasesFound() == 1 ? " database" : " databases") + " found");
    }

    private void showLatest() {
        scanning.set(false);
        DiscoveryResult r = service == null ? null : service.latest().orElse(null);
        if (r == null) {
            status.set("Databases not scanned yet");
            failures.set("");
            return;
        }
        int n = r.databases().size();
        status.set("Discovered " + n + (n == 1 ? " database" : " databases") + " in " + r.regions().size()
                + " account/regions · scanned at " + TIME.format(r.scannedAt().atZone(zone)));
        failures.set(r.failures().stream().map(DiscoveryViewModel::describe).collect(Collectors.joining("\n")));
    }

    static String describe(ScanFailure f) {
        String where = (f.accountId().isEmpty() ? "" : "Account " + f.accountId())
                + (f.region().isEmpty() ? "" : " " + f.region()) + (f.what().isEmpty() ? "" : " (" + f.what() + ")");
        return (where.isBlank() ? "" : where.trim() + ": ") + f.describe().replace('\n', ' ');
    }

    public ReadOnlyBooleanProperty enabledProperty() {
        return enabled;
    }

    public ReadOnlyBooleanProperty scanningProperty() {
        return scanning;
    }

    /** Finished share of the account/regions of the running scan, or -1 while unknown. */
    public ReadOnlyDoubleProperty progressProperty() {
        return progress;
    }

    public ReadOnlyStringProperty statusProperty() {
        return status;
    }

    /** One line per account/region that could not be listed; empty when all were. */
    public ReadOnlyStringProperty failuresProperty() {
        return failures;
    }

    /** When the result shown was scanned, if any. */
    public java.util.Optional<Instant> scannedAt() {
        return service == null ? java.util.Optional.empty() : service.latest().map(DiscoveryResult::scannedAt);
    }
}
