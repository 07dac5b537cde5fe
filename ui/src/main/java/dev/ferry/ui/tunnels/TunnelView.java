package dev.ferry.ui.tunnels;

import atlantafx.base.controls.Message;
import atlantafx.base.theme.Styles;
import dev.ferry.app.tunnels.TunnelFailure;
import dev.ferry.app.tunnels.Tunnel;
import dev.ferry.app.tunnels.TunnelStatus;
import dev.ferry.tunnel.TunnelStats;
import dev.ferry.ui.fx.Copy;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.application.Platform;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.util.Duration;

import java.util.function.Consumer;

/**
 * The document of one tunnel: title and status (with progress while starting), the local
 * address with an editable port, the last error, the kind's own section, live counters
 * (polled about once a second while the tab is shown) and Stop. Subclasses fill in the
 * database or AWS proxy parts. Follows the {@link Tunnel}'s changes on the FX thread.
 */
public abstract class TunnelView extends ScrollPane {
    public static final Duration POLL = Duration.seconds(1);

    protected final Tunnel tunnel;
    protected final TunnelViewModel vm;
    private final Label status = new Label();
    private final Label upstream = new Label();
    private final ProgressIndicator progress = new ProgressIndicator();
    private final Label address = new Label();
    private final TextField port = new TextField();
    private final Message error = new Message("The tunnel is not running", "");
    private final Message moveError = new Message("The tunnel stayed on its port", "");
    private final Button stop = new Button("Stop");
    private final Button signIn = new Button("Sign in…");
    private final Timeline poll;
    private final Consumer<Tunnel> listener;
    protected final VBox body = new VBox(18);
    private final GridPane counters = grid();

    protected TunnelView(TunnelViewModel vm, String kindTitle) {
        this.tunnel = vm.tunnel();
        this.vm = vm;
        getStyleClass().addAll("tunnel-view", "edge-to-edge");
        setFitToWidth(true);

        Label title = new Label(tunnel.spec().title());
        title.setId("tunnelTitle");
        title.getStyleClass().add(Styles.TITLE_3);
        Label kind = new Label(kindTitle);
        kind.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        status.setId("tunnelStatus");
        status.getStyleClass().add("tunnel-status");
        progress.setPrefSize(18, 18);
        progress.setMaxSize(18, 18);
        progress.setId("tunnelProgress");
        progress.managedProperty().bind(progress.visibleProperty());
        stop.setId("stopTunnel");
        stop.getStyleClass().addAll(Styles.DANGER, Styles.BUTTON_OUTLINED);
        stop.setOnAction(e -> vm.stop());
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        title.setTooltip(new javafx.scene.control.Tooltip());
        title.getTooltip().textProperty().bind(title.textProperty());
        dev.ferry.ui.fx.Forms.whole(status, stop);
        upstream.setId("tunnelUpstream");
        upstream.getStyleClass().add("tunnel-upstream");
        upstream.setWrapText(true);
        upstream.managedProperty().bind(upstream.visibleProperty());
        HBox head = new HBox(12, new VBox(2, title, kind), progress, status, grow, stop);
        head.setAlignment(Pos.CENTER_LEFT);

        address.setId("tunnelAddress");
        address.getStyleClass().add("tunnel-address");
        port.setId("tunnelPort");
        port.setPrefColumnCount(6);
        port.setPromptText("auto");
        port.setOnAction(e -> applyPort());
        Button apply = new Button("Apply");
        apply.setId("applyPort");
        apply.setOnAction(e -> applyPort());
        apply.disableProperty().bind(vm.movingProperty());
        port.disableProperty().bind(vm.movingProperty());
        Label portHelp = new Label("Change the port and press Enter: the listener moves there.");
        portHelp.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        Label addressName = new Label("Address");
        Label portName = new Label("Port");
        Button copyAddress = Copy.button("copyAddress", this::addressText);
        dev.ferry.ui.fx.Forms.whole(addressName, address, copyAddress, portName, port, apply);
        portHelp.setWrapText(true);
        HBox addressRow = new HBox(10, addressName, address, copyAddress, portName, port, apply);
        addressRow.setAlignment(Pos.CENTER_LEFT);

        error.setId("tunnelError");
        error.getStyleClass().add(Styles.DANGER);
        error.managedProperty().bind(error.visibleProperty());
        moveError.setId("tunnelMoveError");
        moveError.getStyleClass().add(Styles.WARNING);
        moveError.managedProperty().bind(moveError.visibleProperty());
        moveError.setVisible(false);

        signIn.setId("tunnelSignIn");
        signIn.getStyleClass().add(Styles.ACCENT);
        signIn.managedProperty().bind(signIn.visibleProperty());
        signIn.setVisible(false);
        signIn.setOnAction(e -> vm.signIn());

        counters.setId("tunnelCounters");
        body.setPadding(new Insets(18, 22, 22, 22));
        body.getChildren().addAll(head, upstream, new VBox(4, addressRow, portHelp), error, moveError, signIn);
        setContent(body);

        poll = new Timeline(new KeyFrame(POLL, e -> refreshCounters()));
        poll.setCycleCount(Timeline.INDEFINITE);
        listener = t -> Platform.runLater(this::refresh);
        tunnel.addListener(listener);
        vm.movingProperty().addListener((o, was, now) -> refresh()); // progress while the port moves
    }

    /** Adds the kind's sections, then the counters; call at the end of the subclass constructor. */
    protected final void finish(Node... sections) {
        body.getChildren().addAll(sections);
        body.getChildren().add(section("Activity", counters));
        refresh();
    }

    public Tunnel tunnel() {
        return tunnel;
    }

    /** Polls the counters while shown (the tab is selected), not otherwise. */
    public void setShown(boolean shown) {
        if (shown) {
            refreshCounters();
            poll.play();
        } else {
            poll.stop();
        }
    }

    /** Stops polling and listening (the tab closed). */
    public void dispose() {
        poll.stop();
        tunnel.removeListener(listener);
    }

    /** Re-reads status, address, error and details from the tunnel. FX thread. */
    public final void refresh() {
        TunnelStatus s = tunnel.status();
        boolean failingUpstream = s == TunnelStatus.READY && tunnel.upstreamFailing();
        status.setText(s == TunnelStatus.READY ? (failingUpstream ? "Listening" : "Ready") : s.title());
        String up = s == TunnelStatus.READY ? tunnel.upstreamText(java.time.ZoneId.systemDefault()) : "";
        upstream.setText(up);
        upstream.setVisible(!up.isEmpty());
        upstream.getStyleClass().removeAll(Styles.SUCCESS, Styles.DANGER);
        upstream.getStyleClass().add(failingUpstream ? Styles.DANGER : Styles.SUCCESS);
        stop.setText(s == TunnelStatus.STARTING ? "Cancel" : "Stop");
        status.getStyleClass().removeAll(Styles.SUCCESS, Styles.DANGER, Styles.WARNING, Styles.ACCENT);
        status.getStyleClass().add(switch (s) {
            case STARTING -> Styles.ACCENT;
            case READY -> failingUpstream ? Styles.WARNING : Styles.SUCCESS;
            case FAILED -> Styles.DANGER;
            case STOPPED -> Styles.WARNING;
        });
        progress.setVisible(s == TunnelStatus.STARTING || vm.movingProperty().get());
        address.setText(addressText().isEmpty() ? "not listening" : addressText());
        if (!port.isFocused()) {
            int p = tunnel.spec().port();
            port.setText(p > 0 ? String.valueOf(p) : "");
        }
        String err = tunnel.failure().filter(f -> s == TunnelStatus.FAILED).map(TunnelFailure::text).orElse("");
        error.setDescription(err);
        error.setVisible(!err.isEmpty());
        String moved = tunnel.moveFailure().map(TunnelFailure::text).orElse("");
        moveError.setDescription(moved);
        moveError.setVisible(!moved.isEmpty() && s == TunnelStatus.READY);
        refreshDetails();
        refreshCounters();
    }

    /** {@code 127.0.0.1:PORT} while listening, else empty. */
    public String addressText() {
        return tunnel.addressText();
    }

    /** The port the tunnel listens on (or asked for), 0 when unknown. */
    protected int currentPort() {
        return tunnel.port();
    }

    private void applyPort() {
        String text = port.getText() == null ? "" : port.getText().trim();
        int p;
        try {
            p = text.isEmpty() ? 0 : Integer.parseInt(text);
        } catch (NumberFormatException e) {
            p = -1;
        }
        if (p < 0 || p > 65535) {
            error.setTitle("Not a port");
            error.setDescription("'" + text + "' is not a port: use a number from 1 to 65535, or leave it empty for a free one.");
            error.setVisible(true);
            return;
        }
        error.setTitle("The tunnel is not running");
        if (p != 0 && p == currentPort() && tunnel.status() == TunnelStatus.READY) {
            return;
        }
        getScene().getRoot().requestFocus();
        vm.changePort(p);
    }

    private void refreshCounters() {
        TunnelStats.Snapshot s = tunnel.stats().snapshot();
        counters.getChildren().clear();
        int row = 0;
        for (String[] c : counterRows(s)) {
            Label name = new Label(c[0]);
            name.getStyleClass().add(Styles.TEXT_MUTED);
            Label value = new Label(c[1]);
            value.setId(c[2]);
            counters.addRow(row++, name, value);
        }
        signIn.setVisible(tunnel.needsSignIn());
        if (s.lastError() != null && !s.lastError().isBlank()) {
            Label name = new Label("Last error");
            name.getStyleClass().add(Styles.TEXT_MUTED);
            Label value = new Label(s.lastError());
            value.setId("lastError");
            value.setWrapText(true);
            value.getStyleClass().add(Styles.DANGER);
            counters.addRow(row, name, value);
        }
    }

    /** The kind's counters: {label, value, node id}. */
    protected abstract java.util.List<String[]> counterRows(TunnelStats.Snapshot s);

    /** Updates the kind's section after a status/address change. */
    protected abstract void refreshDetails();

    // ---- layout helpers ------------------------------------------------------------------

    protected static GridPane grid() {
        GridPane g = new GridPane();
        g.setHgap(14);
        g.setVgap(8);
        return g;
    }

    protected static VBox section(String title, Node content) {
        Label t = new Label(title);
        t.getStyleClass().addAll(Styles.TITLE_4);
        VBox box = new VBox(8, t, content);
        box.getStyleClass().add("tunnel-section");
        return box;
    }

    /** Shows a details row only while its value has text (a tunnel that never started has no upstream to show). */
    protected static void showWhenSet(Label value) {
        boolean show = value.getText() != null && !value.getText().isEmpty();
        if (value.getParent() instanceof GridPane g) {
            Integer row = GridPane.getRowIndex(value);
            for (Node n : g.getChildren()) {
                if (java.util.Objects.equals(GridPane.getRowIndex(n), row)) {
                    n.setVisible(show);
                    n.setManaged(show);
                }
            }
        }
    }

    /** A label/value row of a details grid. */
    protected static Label addDetail(GridPane g, int row, String name, String value, String id) {
        Label n = new Label(name);
        n.getStyleClass().add(Styles.TEXT_MUTED);
        dev.ferry.ui.fx.Forms.whole(n);
        Label v = new Label(value);
        v.setId(id);
        v.setWrapText(true);
        g.addRow(row, n, v);
        return v;
    }

    /** A label / read-only field / Copy row; returns the field. */
    protected static TextField addCopyRow(GridPane g, int row, String name, String id) {
        Label n = new Label(name);
        n.getStyleClass().add(Styles.TEXT_MUTED);
        TextField f = new TextField();
        f.setId(id);
        f.setEditable(false);
        f.getStyleClass().add("mono");
        GridPane.setHgrow(f, Priority.ALWAYS);
        f.setMinWidth(80);
        Button copy = Copy.button("copy-" + id, f::getText);
        dev.ferry.ui.fx.Forms.whole(n, copy);
        g.addRow(row, n, f, copy);
        return f;
    }
}
