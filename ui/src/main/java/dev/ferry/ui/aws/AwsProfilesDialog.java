package dev.ferry.ui.aws;

import atlantafx.base.theme.Styles;
import dev.ferry.app.setup.AwsProfiles;
import dev.ferry.ui.fx.Problem;
import dev.ferry.ui.fx.UiTasks;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.stage.Window;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * "Write AWS profiles…": one AWS CLI profile per account and role of the workspace, in Ferry's
 * marked block of the AWS config file ({@link AwsProfiles}, as {@code ferry aws-profiles write}).
 * It shows what would change (a dry run) first and again whenever the prefix or "prune" changes;
 * Write writes, and says "Written" only once the file, read back, holds the profiles.
 */
public final class AwsProfilesDialog extends Dialog<ButtonType> {
    /** The app-layer work the dialog runs in the background. */
    public interface Work {
        /** What a write with these options would change (nothing is written). */
        AwsProfiles.Result preview(String prefix, boolean prune);

        /** Writes with these options and reads the file back. */
        AwsProfiles.Written write(String prefix, boolean prune);
    }

    private final UiTasks tasks;
    private final Work work;
    private final String workspaceName;
    private final TextField prefix = new TextField();
    private final CheckBox prune = new CheckBox("Remove Ferry's profiles of this workspace that it no longer has");
    private final ObservableList<String> changes = FXCollections.observableArrayList();
    private final Label summary = new Label("Reading the accounts and roles…");
    private final Label result = new Label();
    private final Button write = new Button("Write");
    private long generation;
    private boolean busy;

    public AwsProfilesDialog(Window owner, UiTasks tasks, String workspaceName, Path configFile, Work work) {
        this.tasks = tasks;
        this.work = work;
        this.workspaceName = workspaceName;
        dev.ferry.ui.fx.Dialogs.owned(this, owner);
        setTitle("Write AWS profiles");
        setHeaderText("AWS CLI profiles for every account and role of " + workspaceName);
        getDialogPane().setId("awsProfilesDialog");
        prefix.setId("awsProfilesPrefix");
        prefix.setPromptText("none");
        prefix.setPrefColumnCount(16);
        prune.setId("awsProfilesPrune");
        summary.setId("awsProfilesSummary");
        summary.setWrapText(true);
        summary.setMaxWidth(560);
        ListView<String> diff = new ListView<>(changes);
        diff.setId("awsProfilesChanges");
        diff.getStyleClass().addAll(Styles.DENSE, "mono");
        diff.setPrefHeight(200);
        diff.setPrefWidth(560);
        diff.setPlaceholder(new Label("No changes"));
        result.setId("awsProfilesResult");
        result.setWrapText(true);
        result.setMaxWidth(560);
        write.setId("awsProfilesWrite");
        write.getStyleClass().add(Styles.ACCENT);
        write.setDisable(true);
        write.setOnAction(e -> write());
        prefix.textProperty().addListener((o, was, now) -> preview());
        prune.selectedProperty().addListener((o, was, now) -> preview());

        Label explain = new Label("Each profile runs Ferry for its credentials (credential_process). Ferry writes only "
                + "inside its own marked block; the rest of the file stays as it is, and the previous file is kept as a backup.");
        explain.setWrapText(true);
        explain.setMaxWidth(560);
        explain.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        GridPane grid = dev.ferry.ui.fx.Forms.grid();
        grid.add(explain, 0, 0, 2, 1);
        grid.addRow(1, new Label("Config file"), new Label(configFile.toString()));
        grid.addRow(2, new Label("Name prefix"), prefix);
        grid.add(prune, 1, 3);
        grid.add(new Label("Changes"), 0, 4);
        grid.add(diff, 1, 4);
        grid.add(summary, 1, 5);
        grid.add(write, 1, 6);
        grid.add(result, 1, 7);
        getDialogPane().setContent(grid);
        getDialogPane().getButtonTypes().setAll(ButtonType.CLOSE);
        preview();
    }

    /** Works out what would change with the options as they are now (the latest request wins). */
    private void preview() {
        long gen = ++generation;
        write.setDisable(true);
        String p = prefix.getText().trim();
        boolean pr = prune.isSelected();
        tasks.run(() -> work.preview(p, pr), r -> {
            if (gen != generation) {
                return;
            }
            changes.setAll(lines(r));
            summary.getStyleClass().remove(Styles.DANGER);
            summary.setText("Would write: " + r.summary(workspaceName) + ".");
            write.setDisable(busy);
        }, err -> {
            if (gen != generation) {
                return;
            }
            changes.clear();
            summary.getStyleClass().add(Styles.DANGER);
            summary.setText(Problem.of(err).text());
        });
    }

    private static List<String> lines(AwsProfiles.Result r) {
        List<String> out = new ArrayList<>(r.diff());
        r.skipped().forEach(n -> out.add("! [profile " + n + "] is already in the file outside Ferry's block; left as it is"));
        return out;
    }

    private void write() {
        busy = true;
        write.setDisable(true);
        String p = prefix.getText().trim();
        boolean pr = prune.isSelected();
        result.getStyleClass().removeAll(Styles.SUCCESS, Styles.DANGER);
        result.setText("Writing…");
        tasks.run(() -> work.write(p, pr), w -> {
            busy = false;
            write.setDisable(false);
            AwsProfiles.Result r = w.result();
            changes.setAll(lines(r));
            if (w.verified()) {
                result.getStyleClass().add(Styles.SUCCESS);
                result.setText("Written: " + r.summary(workspaceName) + " in " + r.configFile()
                        + (r.backup() == null ? "." : ".\nThe previous file is saved as " + r.backup() + "."));
                summary.setText("");
            } else {
                result.getStyleClass().add(Styles.DANGER);
                result.setText("Ferry wrote " + r.configFile() + ", but reading it back it does not find "
                        + String.join(", ", w.missing()) + ". Another program may have changed the file at the same "
                        + "time: check it, then write again.");
            }
        }, err -> {
            busy = false;
            write.setDisable(false);
            result.getStyleClass().add(Styles.DANGER);
            result.setText(Problem.of(err).text());
        });
    }
}
