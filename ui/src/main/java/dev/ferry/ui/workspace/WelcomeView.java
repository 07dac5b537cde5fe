package dev.ferry.ui.workspace;

import atlantafx.base.theme.Styles;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;

/**
 * What the window shows on the first start, while Ferry knows no workspace: "Add AWS workspace"
 * and "Add Teleport cluster" (and a word on opening a file), instead of an empty list.
 */
public final class WelcomeView extends VBox {

    public WelcomeView(WorkspaceViewModel workspace, Runnable addAws, Runnable addTeleport) {
        setId("welcomePane");
        setAlignment(Pos.CENTER);
        setSpacing(14);
        setPadding(new Insets(24));
        getStyleClass().add(Styles.BG_DEFAULT);
        visibleProperty().bind(workspace.currentProperty().isNull().and(Bindings.isEmpty(workspace.known()))
                .and(workspace.loadingProperty().not()));
        managedProperty().bind(visibleProperty());

        Label title = new Label("Welcome to Ferry");
        title.getStyleClass().add(Styles.TITLE_2);
        Label what = new Label("Add a workspace to see its AWS consoles, AWS APIs and databases.");
        what.setWrapText(true);
        what.getStyleClass().add(Styles.TEXT_MUTED);

        Button aws = new Button("Add AWS workspace");
        aws.setId("welcomeAddAws");
        aws.getStyleClass().addAll(Styles.ACCENT, Styles.LARGE);
        aws.setDefaultButton(true);
        aws.setOnAction(e -> addAws.run());
        Label awsHelp = small("IAM Identity Center, an AWS profile, or your default credentials");
        VBox awsBox = new VBox(6, aws, awsHelp);
        awsBox.setAlignment(Pos.CENTER);

        Button teleport = new Button("Add Teleport cluster");
        teleport.setId("welcomeAddTeleport");
        teleport.getStyleClass().add(Styles.LARGE);
        teleport.setOnAction(e -> addTeleport.run());
        Label teleportHelp = small("Sign in to a cluster with your tsh");
        VBox teleportBox = new VBox(6, teleport, teleportHelp);
        teleportBox.setAlignment(Pos.CENTER);

        HBox choices = new HBox(28, awsBox, teleportBox);
        choices.setAlignment(Pos.CENTER);
        Label file = small("Have a workspace file? Use “Open workspace file…” on the left.");
        getChildren().addAll(title, what, choices, file);
    }

    private static Label small(String text) {
        Label l = new Label(text);
        l.setWrapText(true);
        l.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        return l;
    }
}
