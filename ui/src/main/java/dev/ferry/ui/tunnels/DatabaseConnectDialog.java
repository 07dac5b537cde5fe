package dev.ferry.ui.tunnels;

import atlantafx.base.theme.Styles;
import dev.ferry.app.model.DatabaseResource;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.stage.Window;

import java.util.List;

/**
 * Connect to a database: db user and db name from the workspace roles' choices (free text
 * where a role allows {@code '*'}) and the local port (prefilled with the last one; empty: a
 * free port). Returns the choice; the caller opens the tunnel.
 */
public final class DatabaseConnectDialog extends Dialog<DatabaseConnectDialog.Choice> {

    public record Choice(String dbUser, String dbName, int port) {
    }

    private final ComboBox<String> user;
    private final ComboBox<String> name;
    private final TextField port = new TextField();

    public DatabaseConnectDialog(Window owner, DatabaseResource db, int rememberedPort) {
        dev.ferry.ui.fx.Dialogs.owned(this, owner);
        setTitle("Connect to " + db.name());
        setHeaderText("Connect to " + db.name());
        getDialogPane().setId("connectDialog");

        user = choices("dbUserChoice", db.allowedUsers(), db.anyUserAllowed());
        name = choices("dbNameChoice", db.allowedNames(), db.anyNameAllowed());
        boolean nameOptional = dev.ferry.app.db.DatabaseAccess.nameOptional(db);
        if (nameOptional) {
            name.setPromptText("optional: the client's own");
        }
        port.setId("portChoice");
        port.setPromptText("auto");
        port.setPrefColumnCount(6);
        if (rememberedPort > 0) {
            port.setText(String.valueOf(rememberedPort));
        }
        Label help = new Label("Clients connect to 127.0.0.1 on this port with no password;\n"
                + "Ferry signs in to " + db.typeName() + " for them. Leave the port empty for a free one.");
        help.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);

        GridPane grid = dev.ferry.ui.fx.Forms.grid();
        grid.addRow(0, new Label("Database user"), user);
        grid.addRow(1, new Label("Database name"), name);
        grid.addRow(2, new Label("Local port"), port);
        grid.add(help, 1, 3);
        getDialogPane().setContent(grid);
        getDialogPane().getButtonTypes().setAll(ButtonType.OK, ButtonType.CANCEL);
        ((javafx.scene.control.Button) getDialogPane().lookupButton(ButtonType.OK)).setText("Connect");

        Node ok = getDialogPane().lookupButton(ButtonType.OK);
        ok.disableProperty().bind(javafx.beans.binding.Bindings.createBooleanBinding(
                () -> value(user).isEmpty() || value(name).isEmpty() && !nameOptional || parsePort(port.getText()) < 0,
                user.valueProperty(), user.getEditor().textProperty(), name.valueProperty(),
                name.getEditor().textProperty(), port.textProperty()));
        setResultConverter(b -> b == ButtonType.OK ? new Choice(value(user), value(name), parsePort(port.getText())) : null);
        Platform.runLater(user::requestFocus);
    }

    private static ComboBox<String> choices(String id, List<String> allowed, boolean freeText) {
        ComboBox<String> c = new ComboBox<>();
        c.setId(id);
        c.getItems().setAll(allowed.stream().filter(s -> !"*".equals(s)).toList());
        c.setEditable(freeText);
        c.setPrefWidth(240);
        if (!c.getItems().isEmpty()) {
            c.setValue(c.getItems().get(0));
        }
        c.setPromptText(freeText ? "Type or pick" : c.getItems().isEmpty() ? "None allowed" : "Pick");
        return c;
    }

    private static String value(ComboBox<String> c) {
        String v = c.isEditable() ? c.getEditor().getText() : c.getValue();
        return v == null ? "" : v.trim();
    }

    /** The port typed in, 0 for empty, -1 for anything that is not a port. */
    static int parsePort(String text) {
        String t = text == null ? "" : text.trim();
        if (t.isEmpty()) {
            return 0;
        }
        try {
            int p = Integer.parseInt(t);
            return p >= 1 && p <= 65535 ? p : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
