package dev.ferry.ui.teleport;

import atlantafx.base.theme.Styles;
import dev.ferry.app.access.LoginPrompter;
import dev.ferry.ui.fx.Forms;
import javafx.application.Platform;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.stage.Window;

import java.net.URI;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Asks for what a sign-in needs with JavaFX dialogs (for {@code tsh login}): a password field for the
 * password, a text field for the one-time code. Enter submits, Escape cancels (which
 * cancels the sign-in). {@link #ask} is called from tsh's output reader and waits for the
 * person; {@link #cancel()} closes an open dialog and answers nothing from then on.
 * The SSO link, a device code to confirm (IAM Identity Center) and progress lines go to the given
 * callbacks, on the FX thread.
 */
public final class FxLoginPrompter implements LoginPrompter {
    private final Supplier<Window> owner;
    private final Consumer<String> progress;
    private final Consumer<URI> ssoLink;
    private final Consumer<UserCode> userCode;
    private Dialog<ButtonType> open;
    private CompletableFuture<Optional<char[]>> pending;
    private volatile boolean cancelled;
    private volatile boolean declined;

    public FxLoginPrompter(Supplier<Window> owner, Consumer<String> progress, Consumer<URI> ssoLink) {
        this(owner, progress, ssoLink, code -> progress.accept("Enter the code " + code.code() + " at " + code.page()));
    }

    /** @param userCode shows a code to confirm on a web page (IAM Identity Center's device-code sign-in) */
    public FxLoginPrompter(Supplier<Window> owner, Consumer<String> progress, Consumer<URI> ssoLink,
                           Consumer<UserCode> userCode) {
        this.owner = owner;
        this.progress = progress;
        this.ssoLink = ssoLink;
        this.userCode = userCode;
    }

    /** A code to confirm on a web page, and where. */
    public record UserCode(String code, URI page, URI pageWithCode, boolean browserOpened) {
    }

    @Override
    public Optional<char[]> ask(Kind kind, String prompt) {
        if (cancelled) {
            return Optional.empty();
        }
        CompletableFuture<Optional<char[]>> answer = new CompletableFuture<>();
        Platform.runLater(() -> show(kind, prompt, answer));
        try {
            return answer.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancel();
            return Optional.empty();
        } catch (ExecutionException e) {
            return Optional.empty();
        }
    }

    private void show(Kind kind, String prompt, CompletableFuture<Optional<char[]>> answer) {
        if (cancelled) {
            answer.complete(Optional.empty());
            return;
        }
        Dialog<ButtonType> d = new Dialog<>();
        dev.ferry.ui.fx.Dialogs.owned(d, owner.get());
        boolean password = kind == Kind.PASSWORD;
        d.setTitle("Teleport sign-in");
        d.setHeaderText(password ? "Password" : "One-time code");
        d.getDialogPane().setId(password ? "passwordDialog" : "otpDialog");
        TextField field = password ? new PasswordField() : new TextField();
        field.setId(password ? "signInPassword" : "signInOtp");
        field.setPromptText(password ? "Password" : "6-digit code from your authenticator");
        field.setPrefColumnCount(22);
        Label question = new Label(prompt);
        question.setWrapText(true);
        question.getStyleClass().add(Styles.TEXT_MUTED);
        GridPane grid = Forms.grid();
        grid.add(question, 0, 0);
        grid.add(field, 0, 1);
        d.getDialogPane().setContent(grid);
        ButtonType ok = new ButtonType("Continue", javafx.scene.control.ButtonBar.ButtonData.OK_DONE);
        d.getDialogPane().getButtonTypes().setAll(ok, ButtonType.CANCEL);
        d.getDialogPane().lookupButton(ok).disableProperty().bind(field.textProperty().isEmpty());
        d.setOnShown(e -> field.requestFocus());
        d.setOnHidden(e -> {
            open = null;
            pending = null;
            if (d.getResult() == ok && !cancelled) {
                answer.complete(Optional.of(field.getText().toCharArray()));
            } else {
                declined = true;
                answer.complete(Optional.empty());
            }
            field.clear();
        });
        open = d;
        pending = answer;
        d.show();
    }

    @Override
    public void ssoLink(URI url) {
        Platform.runLater(() -> ssoLink.accept(url));
    }

    @Override
    public void userCode(String code, URI verificationUri, URI verificationUriComplete, boolean browserOpened) {
        UserCode c = new UserCode(code, verificationUri, verificationUriComplete, browserOpened);
        Platform.runLater(() -> userCode.accept(c));
    }

    @Override
    public void progress(String line) {
        Platform.runLater(() -> progress.accept(line));
    }

    /** Whether the person closed a question without answering (which cancels the sign-in). */
    public boolean declined() {
        return declined;
    }

    /** Stops asking: closes the open dialog (answering nothing) and refuses later questions. */
    public void cancel() {
        cancelled = true;
        Platform.runLater(() -> {
            if (pending != null) {
                pending.complete(Optional.empty());
            }
            if (open != null) {
                open.close();
            }
        });
    }
}
