package dev.ferry.ui.teleport;

import atlantafx.base.controls.Message;
import atlantafx.base.theme.Styles;
import dev.ferry.ui.fx.Copy;
import dev.ferry.ui.fx.Problem;
import dev.ferry.ui.workspace.WorkspaceViewModel;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;

import java.net.URI;
import java.util.function.Consumer;

/**
 * The "Sign in to …" prompt a workspace (Teleport, IAM Identity Center) shows instead of its
 * resources while it has no session: the Sign in button (Enter), then progress with Cancel
 * (Escape) and, for single sign-on, the link to open with a Copy button, or the code to confirm
 * and its page, each with a Copy button; and why the last attempt failed.
 */
public final class SignInView extends VBox {

    /** @param openLink opens a URL in the browser (off the FX thread) */
    public SignInView(WorkspaceViewModel workspace, SignInViewModel vm, Consumer<URI> openLink) {
        setId("signInPane");
        setAlignment(Pos.CENTER);
        setSpacing(14);
        setPadding(new Insets(24));
        getStyleClass().add(Styles.BG_DEFAULT);
        visibleProperty().bind(workspace.signInNeededProperty().isNotNull());
        managedProperty().bind(visibleProperty());

        Label title = new Label();
        title.setId("signInTitle");
        title.getStyleClass().add(Styles.TITLE_3);
        title.textProperty().bind(Bindings.createStringBinding(() -> {
            SignInNeeded n = workspace.signInNeededProperty().get();
            return n == null ? "" : "Sign in to " + n.where();
        }, workspace.signInNeededProperty()));
        Label why = new Label();
        why.setId("signInReason");
        why.setWrapText(true);
        why.getStyleClass().add(Styles.TEXT_MUTED);
        why.textProperty().bind(Bindings.createStringBinding(() -> {
            SignInNeeded n = workspace.signInNeededProperty().get();
            return n == null ? "" : n.message();
        }, workspace.signInNeededProperty()));

        Button signIn = new Button("Sign in");
        signIn.setId("signInButton");
        signIn.getStyleClass().addAll(Styles.ACCENT, Styles.LARGE);
        signIn.setOnAction(e -> vm.signIn());
        signIn.visibleProperty().bind(vm.runningProperty().not());
        signIn.managedProperty().bind(signIn.visibleProperty());
        signIn.defaultButtonProperty().bind(visibleProperty().and(vm.runningProperty().not()));

        Hyperlink withCode = new Hyperlink("Sign in with a code instead (e.g. on another device)");
        withCode.setId("signInWithCode");
        withCode.getStyleClass().add(Styles.TEXT_SMALL);
        withCode.setOnAction(e -> vm.signIn(new dev.ferry.app.access.SignInOptions(true, true)));
        withCode.visibleProperty().bind(Bindings.createBooleanBinding(() -> {
            var p = workspace.providerProperty().get();
            return p != null && p.can(dev.ferry.app.access.Capability.SIGN_IN_WITH_CODE) && !vm.runningProperty().get();
        }, workspace.providerProperty(), vm.runningProperty()));
        withCode.managedProperty().bind(withCode.visibleProperty());

        ProgressIndicator spinner = new ProgressIndicator();
        spinner.setPrefSize(22, 22);
        Label progress = new Label();
        progress.setId("signInProgress");
        progress.textProperty().bind(vm.progressProperty());
        Button cancel = new Button("Cancel");
        cancel.setId("cancelSignIn");
        cancel.getStyleClass().add(Styles.BUTTON_OUTLINED);
        cancel.setCancelButton(true);
        cancel.setOnAction(e -> vm.cancel());
        HBox running = new HBox(10, spinner, progress, cancel);
        running.setAlignment(Pos.CENTER);
        running.visibleProperty().bind(vm.runningProperty());
        running.managedProperty().bind(running.visibleProperty());
        cancel.cancelButtonProperty().bind(running.visibleProperty().and(visibleProperty()));

        Label ssoHelp = new Label("Finish signing in in your browser. If it did not open, use this link:");
        ssoHelp.setWrapText(true);
        ssoHelp.getStyleClass().add(Styles.TEXT_SMALL);
        Hyperlink link = new Hyperlink();
        link.setId("ssoLink");
        link.textProperty().bind(Bindings.createStringBinding(() -> {
            URI u = vm.ssoLinkProperty().get();
            return u == null ? "" : u.toString();
        }, vm.ssoLinkProperty()));
        link.setOnAction(e -> {
            URI u = vm.ssoLinkProperty().get();
            if (u != null) {
                openLink.accept(u);
            }
        });
        Button copy = Copy.button("copySsoLink", () -> link.getText());
        HBox linkRow = new HBox(8, link, copy);
        linkRow.setAlignment(Pos.CENTER);
        VBox sso = new VBox(4, ssoHelp, linkRow);
        sso.setAlignment(Pos.CENTER);
        sso.setMaxWidth(560);
        sso.visibleProperty().bind(vm.ssoLinkProperty().isNotNull());
        sso.managedProperty().bind(sso.visibleProperty());

        // A code to confirm on a web page (IAM Identity Center's device-code sign-in)
        Label codeHelp = new Label("Open this page and confirm that it shows the code below:");
        codeHelp.setWrapText(true);
        codeHelp.getStyleClass().add(Styles.TEXT_SMALL);
        Hyperlink page = new Hyperlink();
        page.setId("userCodeLink");
        page.textProperty().bind(Bindings.createStringBinding(() -> {
            FxLoginPrompter.UserCode c = vm.userCodeProperty().get();
            return c == null ? "" : c.pageWithCode().toString();
        }, vm.userCodeProperty()));
        page.setOnAction(e -> {
            FxLoginPrompter.UserCode c = vm.userCodeProperty().get();
            if (c != null) {
                openLink.accept(c.pageWithCode());
            }
        });
        Button copyPage = Copy.button("copyUserCodeLink", page::getText);
        HBox pageRow = new HBox(8, page, copyPage);
        pageRow.setAlignment(Pos.CENTER);
        Label code = new Label();
        code.setId("userCode");
        code.getStyleClass().addAll(Styles.TITLE_2, "user-code");
        code.setStyle("-fx-font-family: monospace;");
        code.textProperty().bind(Bindings.createStringBinding(() -> {
            FxLoginPrompter.UserCode c = vm.userCodeProperty().get();
            return c == null ? "" : c.code();
        }, vm.userCodeProperty()));
        Button copyCode = Copy.button("copyUserCode", code::getText);
        HBox codeRow = new HBox(8, code, copyCode);
        codeRow.setAlignment(Pos.CENTER);
        VBox device = new VBox(6, codeHelp, pageRow, codeRow);
        device.setId("userCodeBox");
        device.setAlignment(Pos.CENTER);
        device.setMaxWidth(560);
        device.visibleProperty().bind(vm.userCodeProperty().isNotNull());
        device.managedProperty().bind(device.visibleProperty());

        Message error = new Message("Sign-in failed", "");
        error.setId("signInError");
        error.getStyleClass().add(Styles.DANGER);
        error.setMaxWidth(560);
        error.descriptionProperty().bind(Bindings.createStringBinding(() -> {
            Problem p = vm.problemProperty().get();
            return p == null ? "" : p.text();
        }, vm.problemProperty()));
        error.visibleProperty().bind(vm.problemProperty().isNotNull());
        error.managedProperty().bind(error.visibleProperty());

        getChildren().addAll(title, why, signIn, withCode, running, sso, device, error);
    }
}
