package dev.ferry.ui.tunnels;

import atlantafx.base.theme.Styles;
import dev.ferry.app.integrations.AwsConfigWriter;
import dev.ferry.app.setup.ClientSetup;
import dev.ferry.app.tunnels.AwsProxyTunnelSpec;
import dev.ferry.ui.fx.Problem;
import dev.ferry.ui.fx.UiTasks;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.stage.Window;

/**
 * "Write AWS profile…": adds (or replaces) a profile in the AWS config file whose
 * {@code credential_process} runs {@code ferry credentials} for this app and role, so any
 * AWS tool gets the role's credentials without a running proxy. The profile, its name and the
 * writing come from {@link ClientSetup}; this only shows them.
 */
public final class AwsProfileDialog extends Dialog<ButtonType> {
    private final TextField profile = new TextField();
    /** One line (scrolls sideways): a long command, such as a java -cp class path, keeps the dialog's size. */
    private final TextField command = new TextField();
    private final Label result = new Label();

    public AwsProfileDialog(Window owner, UiTasks tasks, ClientSetup setup, AwsProxyTunnelSpec spec, ClientSetup.AwsProfile offered) {
        dev.ferry.ui.fx.Dialogs.owned(this, owner);
        setTitle("Write an AWS profile");
        setHeaderText("Write an AWS profile for " + spec.title());
        getDialogPane().setId("awsProfileDialog");
        profile.setId("profileName");
        profile.setText(offered.name());
        command.setId("profileCommand");
        command.setEditable(false);
        command.setPrefColumnCount(48);
        command.setTooltip(new javafx.scene.control.Tooltip("The command the AWS CLI runs for this profile"));
        command.setText(offered.command());
        command.getStyleClass().add("mono");
        result.setId("profileResult");
        result.setWrapText(true);
        result.setMaxWidth(520);
        Button write = new Button("Write");
        write.setId("profileWrite");
        write.getStyleClass().add(Styles.ACCENT);
        write.disableProperty().bind(profile.textProperty().isEmpty());
        write.setOnAction(e -> {
            String name = profile.getText().trim();
            result.getStyleClass().removeAll(Styles.SUCCESS, Styles.DANGER);
            result.setText("Checking the command (it runs once, as the AWS CLI will)…");
            tasks.run(() -> setup.writeAwsProfile(new ClientSetup.AwsProfile(name, offered.configFile(), offered.argv(),
                    offered.region())), backup -> {
                result.getStyleClass().add(Styles.SUCCESS);
                result.setText("The command works. Wrote [" + AwsConfigWriter.sectionName(name) + "] in " + offered.configFile() + "."
                        + (backup != null ? "\nThe previous file is saved as " + backup + "." : "")
                        + "\nUse it with: aws --profile " + name + " sts get-caller-identity");
            }, err -> {
                result.getStyleClass().add(Styles.DANGER);
                result.setText(Problem.of(err).text());
            });
        });
        GridPane grid = dev.ferry.ui.fx.Forms.grid();
        grid.addRow(0, new Label("Profile"), profile);
        grid.addRow(1, new Label("Config file"), new Label(offered.configFile().toString()));
        grid.addRow(2, new Label("credential_process"), command);
        grid.add(write, 1, 3);
        grid.add(result, 1, 4);
        getDialogPane().setContent(grid);
        getDialogPane().getButtonTypes().setAll(ButtonType.CLOSE);
    }
}
