package dev.ferry.ui.teleport;

import atlantafx.base.theme.Styles;
import dev.ferry.app.workspace.WorkspaceLoader;
import dev.ferry.ui.fx.Forms;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.stage.Window;

/**
 * "Add Teleport cluster…": asks for the proxy address (host:port, checked as it is typed),
 * an optional user and auth connector. Enter adds, Escape cancels.
 */
public final class AddClusterDialog extends Dialog<AddClusterDialog.Cluster> {

    /** What the person entered; user and auth may be empty. */
    public record Cluster(String proxy, String user, String auth) {
    }

    public AddClusterDialog(Window owner) {
        dev.ferry.ui.fx.Dialogs.owned(this, owner);
        setTitle("Add Teleport cluster");
        setHeaderText("Add a Teleport cluster");
        getDialogPane().setId("addClusterDialog");
        TextField proxy = new TextField();
        proxy.setId("clusterProxy");
        proxy.setPromptText("teleport.example.com:443");
        proxy.setPrefColumnCount(26);
        TextField user = new TextField();
        user.setId("clusterUser");
        user.setPromptText("optional, e.g. alice");
        TextField auth = new TextField();
        auth.setId("clusterAuth");
        auth.setPromptText("optional: local, passwordless or a connector name");
        Label proxyError = new Label();
        proxyError.setId("clusterProxyError");
        proxyError.getStyleClass().addAll(Styles.DANGER, Styles.TEXT_SMALL);
        BooleanBinding valid = Bindings.createBooleanBinding(() -> WorkspaceLoader.isProxyAddress(proxy.getText()),
                proxy.textProperty());
        proxyError.textProperty().bind(Bindings.when(valid.or(proxy.textProperty().isEmpty())).then("")
                .otherwise("Enter the proxy as host:port, e.g. teleport.example.com:443"));
        Label hint = new Label("Ferry writes a workspace file for this cluster and signs in with your tsh.");
        hint.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);

        GridPane grid = Forms.grid();
        grid.addRow(0, new Label("Proxy address"), proxy);
        grid.add(proxyError, 1, 1);
        grid.addRow(2, new Label("User"), user);
        grid.addRow(3, new Label("Auth connector"), auth);
        grid.add(hint, 0, 4, 2, 1);
        getDialogPane().setContent(grid);
        ButtonType add = new ButtonType("Add", ButtonBar.ButtonData.OK_DONE);
        getDialogPane().getButtonTypes().setAll(add, ButtonType.CANCEL);
        getDialogPane().lookupButton(add).disableProperty().bind(valid.not());
        setOnShown(e -> proxy.requestFocus());
        setResultConverter(b -> b == add ? new Cluster(proxy.getText().trim(), user.getText().trim(),
                auth.getText().trim()) : null);
    }
}
