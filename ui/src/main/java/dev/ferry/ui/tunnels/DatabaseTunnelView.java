package dev.ferry.ui.tunnels;

import atlantafx.base.theme.Styles;
import dev.ferry.app.tunnels.DatabaseTunnelInfo;
import dev.ferry.app.tunnels.DatabaseTunnelSpec;
import dev.ferry.app.tunnels.TunnelInfo;
import dev.ferry.app.integrations.ConnectionStrings;
import dev.ferry.app.integrations.DatabaseEndpoint;
import dev.ferry.app.integrations.ShellKind;
import dev.ferry.tunnel.TunnelStats;
import dev.ferry.ui.fx.Copy;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A database tunnel's document: db user and name, upstream and how Ferry authenticates,
 * the ready-to-copy forms of the database's kind ({@link ConnectionStrings#forClients()}: psql
 * command, libpq URI, JDBC URLs for the PostgreSQL and Redshift drivers; or mysql and mariadb
 * commands and JDBC URLs for MySQL Connector/J and MariaDB Connector/J) and its environment
 * variables for a shell, "Open in DBeaver", and connection and byte counters.
 */
public final class DatabaseTunnelView extends TunnelView {
    private final Label dbUser;
    private final Label dbName;
    private final Label upstream;
    private final Label auth;
    /** The copy rows, by id; built from the tunnel's typed info once it is known. */
    private final GridPane strings = grid();
    private final Map<String, TextField> stringFields = new LinkedHashMap<>();
    private final Label envName = new Label("PG* variables for");
    private final ComboBox<ShellKind> shell = new ComboBox<>();
    private final TextArea env = new TextArea();
    private final Button dbeaver = new Button("Open in DBeaver");

    public DatabaseTunnelView(TunnelViewModel vm) {
        super(vm, "Database tunnel");
        DatabaseTunnelSpec spec = (DatabaseTunnelSpec) tunnel.spec();
        GridPane details = grid();
        dbUser = addDetail(details, 0, "Database user", spec.dbUser(), "dbUser");
        dbName = addDetail(details, 1, "Database name", spec.dbName(), "dbName");
        upstream = addDetail(details, 2, "Upstream", "", "dbUpstream");
        auth = addDetail(details, 3, "Authentication", "", "dbAuth");


        shell.setId("envShell");
        shell.getItems().setAll(ShellKind.UNIX, ShellKind.POWERSHELL, ShellKind.CMD);
        shell.setValue(ShellKind.UNIX);
        shell.valueProperty().addListener((o, a, b) -> refreshDetails());
        env.setId("pgEnv");
        env.setEditable(false);
        env.setPrefRowCount(4);
        env.getStyleClass().add("mono");
        javafx.scene.control.Button copyEnv = Copy.button("copyPgEnv", env::getText);
        dev.ferry.ui.fx.Forms.whole(envName, shell, copyEnv);
        HBox envHead = new HBox(10, envName, shell, copyEnv);
        envHead.setAlignment(Pos.CENTER_LEFT);

        dbeaver.setId("openInDbeaver");
        dbeaver.getStyleClass().add(Styles.ACCENT);
        dbeaver.setOnAction(e -> vm.addToDbeaver());
        Label dbeaverHelp = new Label("Adds this tunnel as a connection in DBeaver's \"Ferry\" folder (no password needed).");
        dbeaverHelp.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        dbeaverHelp.setWrapText(true);
        dev.ferry.ui.fx.Forms.whole(dbeaver);
        HBox tools = new HBox(12, dbeaver, dbeaverHelp);
        tools.setAlignment(Pos.CENTER_LEFT);

        finish(section("Connection", details),
                section("Connect with", new VBox(10, strings, envHead, env, tools)));
    }

    /** The connection strings for the current port. */
    public ConnectionStrings strings() {
        return new ConnectionStrings(endpoint());
    }

    /** Where clients reach the tunnel; the flavour is the resource's, carried by the tunnel's typed info. */
    public DatabaseEndpoint endpoint() {
        return info().map(i -> i.endpoint(Math.max(1, currentPort()))).orElseThrow();
    }

    private java.util.Optional<DatabaseTunnelInfo> info() {
        return tunnel.info().filter(DatabaseTunnelInfo.class::isInstance).map(DatabaseTunnelInfo.class::cast);
    }

    @Override
    protected void refreshDetails() {
        java.util.Optional<DatabaseTunnelInfo> info = info();
        for (TunnelInfo.Row row : info.map(DatabaseTunnelInfo::rows).orElse(List.of())) {
            switch (row.id()) {
                case "dbUser" -> dbUser.setText(row.value());
                case "dbName" -> dbName.setText(row.value());
                case "dbUpstream" -> upstream.setText(row.value());
                case "dbAuth" -> auth.setText(row.value());
                default -> { }
            }
        }
        showWhenSet(upstream);
        showWhenSet(auth);
        if (currentPort() <= 0 || info.isEmpty()) {
            stringFields.values().forEach(f -> f.setText(""));
            env.setText("");
            dbeaver.setDisable(true);
            return;
        }
        ConnectionStrings cs = strings();
        List<ConnectionStrings.ClientString> forms = cs.forClients();
        if (!List.copyOf(stringFields.keySet()).equals(forms.stream().map(ConnectionStrings.ClientString::id).toList())) {
            strings.getChildren().clear();
            stringFields.clear();
            for (int i = 0; i < forms.size(); i++) {
                stringFields.put(forms.get(i).id(), addCopyRow(strings, i, forms.get(i).label(), forms.get(i).id()));
            }
        }
        forms.forEach(f -> stringFields.get(f.id()).setText(f.value()));
        envName.setText(cs.environmentName() + " variables for");
        env.setText(cs.environment(shell.getValue()));
        dbeaver.setDisable(tunnel.localAddress() == null);
    }

    @Override
    protected List<String[]> counterRows(TunnelStats.Snapshot s) {
        return List.of(
                new String[]{"Open connections", String.valueOf(s.openConnections()), "openConnections"},
                new String[]{"Connections since start", String.valueOf(s.totalConnections()), "totalConnections"},
                new String[]{"Sent to the database", Bytes.human(s.bytesFromClient()), "bytesFromClient"},
                new String[]{"Received from the database", Bytes.human(s.bytesToClient()), "bytesToClient"});
    }
}
