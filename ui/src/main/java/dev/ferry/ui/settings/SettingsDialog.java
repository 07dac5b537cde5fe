package dev.ferry.ui.settings;

import atlantafx.base.theme.Styles;
import dev.ferry.app.settings.Settings;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.Spinner;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.stage.Window;

/**
 * Settings: theme (follow the system, light, dark) and the browser command. Returns the
 * edited copy; the caller saves it.
 */
public final class SettingsDialog extends Dialog<Settings> {

    public SettingsDialog(Window owner, Settings current) {
        dev.ferry.ui.fx.Dialogs.owned(this, owner);
        setTitle("Ferry settings");
        setHeaderText(null);
        getDialogPane().setId("settingsDialog");

        ComboBox<Settings.Theme> theme = new ComboBox<>();
        theme.setId("themeChoice");
        theme.getItems().setAll(Settings.Theme.values());
        theme.setValue(current.theme == null ? Settings.Theme.SYSTEM : current.theme);
        theme.setButtonCell(new ThemeCell());
        theme.setCellFactory(l -> new ThemeCell());
        theme.setMaxWidth(Double.MAX_VALUE);

        TextField browser = new TextField(current.browserCommand == null ? "" : current.browserCommand);
        browser.setId("browserCommand");
        browser.setPromptText("System default browser");
        browser.setPrefColumnCount(28);
        Label help = new Label("A command that opens a URL, e.g. firefox -P work {url}.\n"
                + "{url} is replaced by the address (added at the end when missing).");
        help.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);

        ComboBox<Settings.RestoreTunnels> restore = new ComboBox<>();
        restore.setId("restoreChoice");
        restore.getItems().setAll(Settings.RestoreTunnels.values());
        restore.setValue(current.restoreTunnels == null ? Settings.RestoreTunnels.ALWAYS : current.restoreTunnels);
        restore.setMaxWidth(Double.MAX_VALUE);
        restore.setConverter(new javafx.util.StringConverter<>() {
            @Override
            public String toString(Settings.RestoreTunnels r) {
                return r == null ? "" : switch (r) {
                    case ALWAYS -> "Always reopen them";
                    case ASK -> "Ask at start";
                    case NEVER -> "Never";
                };
            }

            @Override
            public Settings.RestoreTunnels fromString(String text) {
                return null;
            }
        });
        javafx.scene.control.CheckBox tray = new javafx.scene.control.CheckBox("Keep tunnels running in the tray when the window closes");
        tray.setId("closeToTray");
        tray.setSelected(current.closeToTray);

        TextField workgroup = new TextField(current.athenaWorkgroup == null ? "" : current.athenaWorkgroup);
        workgroup.setId("athenaWorkgroup");
        workgroup.setPromptText("primary");
        TextField output = new TextField(current.athenaOutputLocation == null ? "" : current.athenaOutputLocation);
        output.setId("athenaOutputLocation");
        output.setPromptText("s3://bucket/prefix/ (optional)");
        TextField dbeaver = new TextField(current.dbeaverWorkspace == null ? "" : current.dbeaverWorkspace);
        dbeaver.setId("dbeaverWorkspace");
        dbeaver.setPromptText("Found automatically (…/DBeaverData/workspace6)");

        Spinner<Integer> discovery = new Spinner<>(0, 24 * 60, Math.max(0, current.discoveryRefreshMinutes), 5);
        discovery.setId("discoveryRefreshMinutes");
        discovery.setEditable(true);
        Label discoveryHelp = new Label("Minutes between background scans for databases (0: only on Refresh)");
        discoveryHelp.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        GridPane grid = dev.ferry.ui.fx.Forms.grid();
        grid.addRow(0, new Label("Theme"), theme);
        grid.addRow(1, new Label("Browser command"), browser);
        grid.add(help, 1, 2);
        grid.addRow(3, new Label("Tunnels at start"), restore);
        grid.add(tray, 1, 4);
        grid.addRow(5, new Label("Athena workgroup"), workgroup);
        grid.addRow(6, new Label("Athena results"), output);
        grid.addRow(7, new Label("DBeaver workspace"), dbeaver);
        grid.addRow(8, new Label("Database discovery"), discovery);
        grid.add(discoveryHelp, 1, 9);
        getDialogPane().setContent(grid);
        getDialogPane().getButtonTypes().setAll(ButtonType.OK, ButtonType.CANCEL);

        setResultConverter(button -> {
            if (button != ButtonType.OK) {
                return null;
            }
            Settings s = current.copy();
            s.theme = theme.getValue();
            s.browserCommand = browser.getText() == null ? "" : browser.getText().trim();
            s.restoreTunnels = restore.getValue();
            s.closeToTray = tray.isSelected();
            s.athenaWorkgroup = workgroup.getText() == null || workgroup.getText().isBlank() ? "primary" : workgroup.getText().trim();
            s.athenaOutputLocation = output.getText() == null ? "" : output.getText().trim();
            s.dbeaverWorkspace = dbeaver.getText() == null ? "" : dbeaver.getText().trim();
            s.discoveryRefreshMinutes = discovery.getValue() == null ? 0 : discovery.getValue();
            return s;
        });
    }

    static String title(Settings.Theme t) {
        return switch (t) {
            case SYSTEM -> "Follow the system";
            case LIGHT -> "Light";
            case DARK -> "Dark";
        };
    }

    private static final class ThemeCell extends ListCell<Settings.Theme> {
        @Override
        protected void updateItem(Settings.Theme t, boolean empty) {
            super.updateItem(t, empty);
            setText(empty || t == null ? null : title(t));
        }
    }
}
