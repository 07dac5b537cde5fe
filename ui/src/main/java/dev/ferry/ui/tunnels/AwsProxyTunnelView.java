package dev.ferry.ui.tunnels;

import atlantafx.base.theme.Styles;
import dev.ferry.app.integrations.AwsApiAccess;
import dev.ferry.app.integrations.AwsOutputFormat;
import dev.ferry.app.tunnels.AwsProxyInfo;
import dev.ferry.app.tunnels.AwsProxyTunnelSpec;
import dev.ferry.tunnel.TunnelStats;
import dev.ferry.tunnel.aws.ProxyMode;
import dev.ferry.ui.fx.Copy;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;

import java.util.List;

/**
 * An AWS API proxy's document: role, mode (HTTPS_PROXY or endpoint URL; switching reopens the
 * proxy), the chosen format (shell variables, Athena JDBC/ODBC, JSON) ready to copy, the CA
 * bundle path, "Import CA into keystore…", "Write AWS profile…", and request counters.
 */
public final class AwsProxyTunnelView extends TunnelView {

    private final Label role;
    private final ToggleButton proxyMode = new ToggleButton("HTTPS_PROXY");
    private final ToggleButton endpointMode = new ToggleButton("Endpoint URL");
    private final ComboBox<AwsOutputFormat> format = new ComboBox<>();
    private final TextArea rendered = new TextArea();
    /** The chosen format in full, secret included: what Copy copies. The text area masks the secret. */
    private String fullText = "";
    private final javafx.scene.control.CheckBox showSecret = new javafx.scene.control.CheckBox("Show secret");
    private final TextField caBundle;
    private boolean updatingMode;

    private final Button dbeaverButton = new Button("Set up DBeaver");

    public AwsProxyTunnelView(TunnelViewModel vm, AwsOutputFormat initialFormat) {
        super(vm, "AWS API proxy");
        GridPane details = grid();
        role = addDetail(details, 0, "Role", spec().roleArn(), "proxyRole");

        ToggleGroup modes = new ToggleGroup();
        proxyMode.setId("modeHttpsProxy");
        proxyMode.setMnemonicParsing(false); // the underscore is part of the name
        endpointMode.setId("modeEndpointUrl");
        proxyMode.setToggleGroup(modes);
        endpointMode.setToggleGroup(modes);
        proxyMode.getStyleClass().add(Styles.LEFT_PILL);
        endpointMode.getStyleClass().add(Styles.RIGHT_PILL);
        (mode() == ProxyMode.HTTPS_PROXY ? proxyMode : endpointMode).setSelected(true);
        modes.selectedToggleProperty().addListener((o, was, now) -> {
            if (updatingMode) {
                return;
            }
            if (now == null) {
                was.setSelected(true);
                return;
            }
            ProxyMode chosen = now == proxyMode ? ProxyMode.HTTPS_PROXY : ProxyMode.ENDPOINT_URL;
            if (chosen != mode()) {
                vm.switchMode(chosen);
            }
        });
        Label modeHelp = new Label("Switching the mode restarts the proxy on the same port.");
        modeHelp.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        modeHelp.setWrapText(true);
        dev.ferry.ui.fx.Forms.whole(proxyMode, endpointMode);
        HBox modeRow = new HBox(0, proxyMode, endpointMode);
        modeRow.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        HBox modeLine = new HBox(12, modeRow, modeHelp);
        modeLine.setAlignment(Pos.CENTER_LEFT);
        Label modeName = new Label("Mode");
        modeName.getStyleClass().add(Styles.TEXT_MUTED);
        details.addRow(1, modeName, modeLine);

        caBundle = addCopyRow(details, 2, "CA bundle", "caBundle");
        Label caHelp = new Label("For AWS_CA_BUNDLE, NODE_EXTRA_CA_CERTS and the ODBC driver's TrustedCerts.");
        caHelp.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        caHelp.setWrapText(true);
        details.add(caHelp, 1, 3);

        format.setId("awsFormat");
        format.getItems().setAll(AwsOutputFormat.values());
        format.setValue(initialFormat);
        format.valueProperty().addListener((o, a, b) -> refreshDetails());
        rendered.setId("awsFormatText");
        rendered.setEditable(false);
        rendered.setPrefRowCount(8);
        rendered.setWrapText(true);
        rendered.getStyleClass().add("mono");
        showSecret.setId("showSecret");
        showSecret.selectedProperty().addListener((o, a, b) -> refreshDetails());
        Label formatName = new Label("Format");
        Button copyFormat = Copy.button("copyAwsFormat", () -> fullText);
        dev.ferry.ui.fx.Forms.whole(formatName, copyFormat, showSecret);
        format.setMinWidth(120);
        HBox formatHead = new HBox(10, formatName, format, copyFormat, showSecret);
        formatHead.setAlignment(Pos.CENTER_LEFT);

        Button importButton = new Button("Import CA into keystore…");
        importButton.setId("importCa");
        importButton.setOnAction(e -> vm.importCa());
        Button profileButton = new Button("Write AWS profile…");
        profileButton.setId("writeProfile");
        profileButton.setOnAction(e -> vm.writeProfile());
        // Only where the workspace can hand out credentials for a credential_process (not Teleport).
        profileButton.visibleProperty().bind(vm.canIssueCredentialsProperty());
        profileButton.managedProperty().bind(profileButton.visibleProperty());
        dbeaverButton.setId("setupDbeaver");
        dbeaverButton.setOnAction(e -> vm.addToDbeaver());
        dbeaverButton.managedProperty().bind(dbeaverButton.visibleProperty());
        dbeaverButton.setTooltip(new javafx.scene.control.Tooltip(
                "Imports Ferry's CA into DBeaver's Java and adds an Athena connection through this proxy (folder Ferry)."));
        Button newKeys = new Button("New keys");
        newKeys.setId("newKeys");
        newKeys.setOnAction(e -> vm.newKeys());
        newKeys.setTooltip(new javafx.scene.control.Tooltip("Restarts the proxy on its port with a new local access key "
                + "and secret; clients set up before must be given the new pair. The keys stay the same otherwise, "
                + "across restarts and mode switches."));
        dev.ferry.ui.fx.Forms.whole(importButton, profileButton, dbeaverButton, newKeys);
        javafx.scene.layout.FlowPane tools = new javafx.scene.layout.FlowPane(12, 8, importButton, profileButton, dbeaverButton, newKeys);

        finish(section("Proxy", details), section("Use it", new VBox(10, formatHead, rendered, tools)));
        vm.workspaceNameProperty().addListener((o, a, b) -> refreshDetails());
    }

    private AwsProxyTunnelSpec spec() {
        return (AwsProxyTunnelSpec) tunnel.spec();
    }

    public ProxyMode mode() {
        return spec().mode();
    }

    public void selectFormat(AwsOutputFormat f) {
        format.setValue(f);
    }

    public String renderedText() {
        return fullText;
    }

    /** What clients need, while the proxy runs. */
    public java.util.Optional<AwsApiAccess> access() {
        return vm.access();
    }

    /** The text as shown: the local secret key replaced by dots unless "Show secret" is ticked. */
    public String shownText() {
        return rendered.getText();
    }

    private String masked(String text) {
        String secret = info().map(AwsProxyInfo::secretAccessKey).orElse(null);
        return secret == null || secret.isEmpty() ? text : text.replace(secret, "••••••••••••••••");
    }

    @Override
    protected void refreshDetails() {
        role.setText(spec().roleArn());
        updatingMode = true;
        (mode() == ProxyMode.HTTPS_PROXY ? proxyMode : endpointMode).setSelected(true);
        updatingMode = false;
        caBundle.setText(info().map(i -> i.caBundle().toString()).orElse(""));
        fullText = access().map(a -> format.getValue().render(a)).orElse("");
        rendered.setText(showSecret.isSelected() ? fullText : masked(fullText));
        dbeaverButton.setVisible(format.getValue() == AwsOutputFormat.ATHENA_JDBC && mode() == ProxyMode.HTTPS_PROXY);
    }

    private java.util.Optional<AwsProxyInfo> info() {
        return tunnel.info().filter(AwsProxyInfo.class::isInstance).map(AwsProxyInfo.class::cast);
    }

    @Override
    protected List<String[]> counterRows(TunnelStats.Snapshot s) {
        return List.of(
                new String[]{"Requests served", String.valueOf(s.requests()), "requestsServed"},
                new String[]{"Requests rejected", String.valueOf(s.rejectedRequests()), "requestsRejected"},
                new String[]{"Open connections", String.valueOf(s.openConnections()), "openConnections"});
    }
}
