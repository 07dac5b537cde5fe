package dev.ferry.ui.tunnels;

import atlantafx.base.theme.Styles;
import dev.ferry.app.integrations.KeystoreImporter;
import dev.ferry.app.integrations.KeystoreTargets;
import dev.ferry.ui.fx.Problem;
import dev.ferry.ui.fx.UiTasks;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.stage.FileChooser;
import javafx.stage.Window;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * "Import CA into keystore…": the Java keystores found (DBeaver's and JDKs' cacerts, Ferry's
 * own trust store) plus "Browse…" for any other, the store password (default
 * {@code changeit}), and the result in plain words. A wrong password or a damaged store is
 * reported and the file is left as it was.
 */
public final class KeystoreImportDialog extends Dialog<ButtonType> {
    static final KeystoreTargets.Target BROWSE = new KeystoreTargets.Target("Other keystore file…", null, null, false);

    private final ComboBox<KeystoreTargets.Target> target = new ComboBox<>();
    private final TextField path = new TextField();
    private final PasswordField password = new PasswordField();
    private final Label result = new Label();
    private final Button importButton = new Button("Import");

    public KeystoreImportDialog(Window owner, UiTasks tasks, KeystoreImporter importer, List<KeystoreTargets.Target> targets,
                                Path caPem, String workspaceName) {
        dev.ferry.ui.fx.Dialogs.owned(this, owner);
        setTitle("Import Ferry's CA into a Java keystore");
        setHeaderText("Import Ferry's local CA into a Java keystore");
        getDialogPane().setId("keystoreDialog");

        List<KeystoreTargets.Target> items = new ArrayList<>(targets);
        items.add(BROWSE);
        target.setId("keystoreTarget");
        target.getItems().setAll(items);
        target.setCellFactory(l -> new TargetCell());
        target.setButtonCell(new TargetCell());
        target.setMaxWidth(Double.MAX_VALUE);
        path.setId("keystorePath");
        path.setPrefColumnCount(36);
        Button browse = new Button("Browse…");
        browse.setId("keystoreBrowse");
        browse.setOnAction(e -> browse());
        target.valueProperty().addListener((o, a, t) -> {
            if (t == BROWSE) {
                browse();
            } else if (t != null) {
                path.setText(t.path().toString());
            }
        });
        if (!targets.isEmpty()) {
            target.setValue(targets.get(0));
        }
        password.setId("keystorePassword");
        password.setText(KeystoreImporter.DEFAULT_PASSWORD);
        result.setId("keystoreResult");
        result.setWrapText(true);
        result.setMaxWidth(520);
        importButton.setId("keystoreImport");
        importButton.getStyleClass().add(Styles.ACCENT);
        importButton.disableProperty().bind(path.textProperty().isEmpty());
        importButton.setOnAction(e -> {
            Path store = Path.of(path.getText().trim());
            char[] pw = password.getText().toCharArray();
            importButton.disableProperty().unbind();
            importButton.setDisable(true);
            result.getStyleClass().removeAll(Styles.SUCCESS, Styles.DANGER);
            result.setText("Importing…");
            tasks.run(() -> importer.importCa(store, pw, caPem, workspaceName), r -> {
                importButton.disableProperty().bind(path.textProperty().isEmpty());
                result.getStyleClass().add(Styles.SUCCESS);
                result.setText((r.created() ? "Created " : "Updated ") + r.keystore() + " (" + r.type() + "): "
                        + (r.replaced() ? "replaced" : "added") + " the certificate as '" + r.alias() + "'."
                        + (r.backup() != null ? "\nThe previous file is saved as " + r.backup() + "." : ""));
            }, err -> {
                importButton.disableProperty().bind(path.textProperty().isEmpty());
                result.getStyleClass().add(Styles.DANGER);
                result.setText(Problem.of(err).text());
            });
        });

        HBox pathRow = new HBox(8, path, browse);
        HBox.setHgrow(path, Priority.ALWAYS);
        Label help = new Label("Java programs (DBeaver, JDBC drivers) trust Ferry's proxy once its CA is in their keystore.");
        help.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        GridPane grid = dev.ferry.ui.fx.Forms.grid();
        grid.addRow(0, new Label("Keystore"), target);
        grid.addRow(1, new Label("File"), pathRow);
        grid.addRow(2, new Label("Password"), password);
        grid.add(new HBox(importButton), 1, 3);
        grid.add(result, 1, 4);
        grid.add(help, 1, 5);
        getDialogPane().setContent(grid);
        getDialogPane().getButtonTypes().setAll(ButtonType.CLOSE);
    }

    private void browse() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Choose a Java keystore (cacerts, .jks, .p12)");
        File f = chooser.showOpenDialog(getOwner());
        if (f != null) {
            path.setText(f.getAbsolutePath());
        }
    }

    private static final class TargetCell extends ListCell<KeystoreTargets.Target> {
        @Override
        protected void updateItem(KeystoreTargets.Target t, boolean empty) {
            super.updateItem(t, empty);
            setText(empty || t == null ? null : t.path() == null ? t.label()
                    : t.label() + (t.exists() ? "" : " (will be created)"));
        }
    }
}
