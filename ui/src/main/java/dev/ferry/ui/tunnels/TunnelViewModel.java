package dev.ferry.ui.tunnels;

import dev.ferry.app.FerryCore;
import dev.ferry.app.access.Capability;
import dev.ferry.app.integrations.AwsApiAccess;
import dev.ferry.app.integrations.KeystoreImporter;
import dev.ferry.app.integrations.KeystoreTargets;
import dev.ferry.app.setup.ClientSetup;
import dev.ferry.app.tunnels.AwsProxyInfo;
import dev.ferry.app.tunnels.AwsProxyTunnelSpec;
import dev.ferry.app.tunnels.Tunnel;
import dev.ferry.app.tunnels.TunnelSpec;
import dev.ferry.tunnel.aws.ProxyMode;
import dev.ferry.ui.fx.UiTasks;
import dev.ferry.ui.notify.Notifications;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.stage.Window;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The state and actions of one tunnel tab: what its workspace is called and can do, and every
 * action of the tab (move the port, stop, switch the proxy mode, DBeaver, keystore, AWS profile,
 * sign in). Every action runs in the background (the port move binds the new port before closing
 * the old one), and answers on the FX thread with a notification and the tab's own state.
 * Properties change on the FX thread only.
 */
public final class TunnelViewModel {

    /** What a tab asks of the tab set: close itself, open another tunnel, sign in. */
    interface Host {
        void closeTab(String tunnelId);

        void open(TunnelSpec spec);

        void signIn();
    }

    private final Tunnel tunnel;
    private final FerryCore core;
    private final UiTasks tasks;
    private final Notifications notes;
    private final Supplier<Window> owner;
    private final Host host;
    private final StringProperty workspaceName = new SimpleStringProperty("");
    private final BooleanProperty canIssueCredentials = new SimpleBooleanProperty();
    private final BooleanProperty moving = new SimpleBooleanProperty();

    TunnelViewModel(Tunnel tunnel, FerryCore core, UiTasks tasks, Notifications notes, Supplier<Window> owner, Host host) {
        this.tunnel = tunnel;
        this.core = core;
        this.tasks = tasks;
        this.notes = notes;
        this.owner = owner;
        this.host = host;
        String fallback = Path.of(tunnel.spec().workspaceFile()).getFileName().toString().replaceFirst("\\.ya?ml$", "");
        workspaceName.set(fallback);
        tasks.run(() -> core.sessions().provider(Path.of(tunnel.spec().workspaceFile())), p -> {
            workspaceName.set(p.workspace().name());
            canIssueCredentials.set(p.can(Capability.ISSUE_CREDENTIALS));
        }, e -> { }); // the workspace file is gone: the tunnel reports that itself
    }

    public Tunnel tunnel() {
        return tunnel;
    }

    /** The workspace's name (its file's name until the workspace is loaded). */
    public ReadOnlyStringProperty workspaceNameProperty() {
        return workspaceName;
    }

    /** Whether the workspace's provider can hand out credentials ("Write AWS profile…"). */
    public ReadOnlyBooleanProperty canIssueCredentialsProperty() {
        return canIssueCredentials;
    }

    /** True while the tunnel moves to another port. */
    public ReadOnlyBooleanProperty movingProperty() {
        return moving;
    }

    /** What clients need, while an AWS API proxy runs. */
    public Optional<AwsApiAccess> access() {
        if (tunnel.localAddress() == null || !(tunnel.info().orElse(null) instanceof AwsProxyInfo)) {
            return Optional.empty();
        }
        return Optional.of(core.clientSetup().access(tunnel, workspaceName.get()));
    }

    /** Moves the tunnel to {@code port} (0: a free one); it keeps its port if the new one fails. */
    public void changePort(int port) {
        moving.set(true);
        core.tunnels().changePort(tunnel.id(), port).whenCompleteAsync((x, e) -> {
            moving.set(false);
            if (e != null) {
                notes.errorShownInPlace("Could not move " + tunnel.spec().title() + " to port " + port, e); // the tab's banner says it
            }
        }, tasks::onFx);
    }

    /** Stops the tunnel (it will not be restored) and closes its tab. */
    public void stop() {
        host.closeTab(tunnel.id());
        tasks.run(() -> {
            core.tunnels().stop(tunnel.id());
            return tunnel;
        }, x -> { }, e -> notes.error("Could not stop " + tunnel.spec().title(), e));
    }

    /** Restarts an AWS API proxy in the other mode on the same port, in a tab of its own. */
    public void switchMode(ProxyMode mode) {
        AwsProxyTunnelSpec old = (AwsProxyTunnelSpec) tunnel.spec();
        AwsProxyTunnelSpec next = old.withMode(mode).withPort(tunnel.port());
        host.closeTab(tunnel.id());
        tasks.run(() -> {
            core.tunnels().stop(tunnel.id());
            return next;
        }, host::open, e -> notes.error("Could not switch " + old.title() + " to " + mode, e));
    }

    /** "New keys": a new local access key pair for the proxy, which restarts on its port with it. */
    public void newKeys() {
        AwsProxyTunnelSpec s = (AwsProxyTunnelSpec) tunnel.spec();
        tasks.run(() -> {
            core.proxyKeys().renew(s);
            return core.tunnels().restart(tunnel.id()).join();
        }, t -> notes.success("New keys for " + s.title(), "The proxy listens on " + t.addressText()
                + " with a new local access key; give clients the new pair from this tab."),
                e -> notes.error("Could not give " + s.title() + " new keys", e));
    }

    /** Signs in again (the session expired); failed tunnels restart afterwards. */
    public void signIn() {
        host.signIn();
    }

    /** Adds the tunnel to DBeaver: a database connection, or Athena through the proxy. */
    public void addToDbeaver() {
        if (tunnel.localAddress() == null) {
            return;
        }
        String ws = workspaceName.get();
        tasks.run(() -> core.clientSetup().addToDbeaver(tunnel, ws), r -> {
                    if (r.dbeaverFound()) {
                        notes.success(r.title(), r.message());
                    } else {
                        notes.info(r.title(), r.message()); // written, but nothing to start: say where
                    }
                },
                e -> notes.error("Could not set up DBeaver for " + tunnel.spec().title(), e));
    }

    /** "Import CA into keystore…": the keystores found, then the dialog. */
    public void importCa() {
        if (!(tunnel.info().orElse(null) instanceof AwsProxyInfo info)) {
            return;
        }
        String ws = workspaceName.get();
        tasks.run(() -> KeystoreTargets.find(core.env(), core.paths(), System.getProperty("java.home")),
                targets -> new KeystoreImportDialog(owner.get(), tasks, new KeystoreImporter(core.paths()), targets,
                        info.caBundle(), ws).show(),
                e -> notes.error("Could not look for keystores", e));
    }

    /** "Write AWS profile…": the dialog with the profile the one naming rule gives. */
    public void writeProfile() {
        AwsProxyTunnelSpec s = (AwsProxyTunnelSpec) tunnel.spec();
        String region = tunnel.info().filter(AwsProxyInfo.class::isInstance).map(i -> ((AwsProxyInfo) i).region()).orElse("");
        ClientSetup.AwsProfile profile = core.clientSetup().awsProfile(workspaceName.get(), s, region);
        new AwsProfileDialog(owner.get(), tasks, core.clientSetup(), s, profile).show();
    }
}
