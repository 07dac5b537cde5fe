package dev.ferry.ui.tunnels;

import atlantafx.base.theme.Styles;
import dev.ferry.app.tunnels.Tunnel;
import dev.ferry.app.tunnels.TunnelManager;
import dev.ferry.app.tunnels.TunnelSpec;
import dev.ferry.ui.fx.UiTasks;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.VBox;

import java.util.List;
import java.util.function.Consumer;

/**
 * "Recent connections" (like Teleport Connect's connections list): the tunnels the user stopped,
 * most recent first; a click reopens one with the same settings and port in its tab. Follows
 * the {@link TunnelManager} (read in the background, shown on the FX thread); hidden when empty.
 */
public final class RecentConnections extends VBox {
    private final TunnelManager manager;
    private final UiTasks tasks;
    private final TunnelDocuments documents;
    private final VBox items = new VBox(2);
    private final Consumer<List<Tunnel>> onChange = l -> refresh();

    public RecentConnections(TunnelManager manager, UiTasks tasks, TunnelDocuments documents) {
        super(4);
        this.manager = manager;
        this.tasks = tasks;
        this.documents = documents;
        setId("recentConnections");
        Label caption = new Label("RECENT CONNECTIONS");
        caption.getStyleClass().addAll(Styles.TEXT_CAPTION, Styles.TEXT_MUTED);
        getChildren().addAll(caption, items);
        managedProperty().bind(visibleProperty());
        setVisible(false);
        manager.addListener(onChange);
        refresh();
    }

    /** Reads the list again (any thread). */
    public void refresh() {
        tasks.run(manager::recent, this::show, e -> { });
    }

    private void show(List<TunnelSpec> recent) {
        items.getChildren().setAll(recent.stream().map(this::item).toList());
        setVisible(!recent.isEmpty());
    }

    private Button item(TunnelSpec spec) {
        String where = spec.port() > 0 ? " · port " + spec.port() : "";
        Button b = new Button(spec.title() + where);
        b.setId("recent-" + spec.id());
        b.getStyleClass().addAll(Styles.FLAT, Styles.SMALL);
        b.setMaxWidth(Double.MAX_VALUE);
        b.setMnemonicParsing(false);
        b.setTooltip(new Tooltip("Reopen " + spec.title() + where + " (" + spec.workspaceFile() + ")"));
        b.setOnAction(e -> documents.open(spec));
        return b;
    }

    public void dispose() {
        manager.removeListener(onChange);
    }
}
