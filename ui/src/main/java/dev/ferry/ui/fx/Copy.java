package dev.ferry.ui.fx;

import atlantafx.base.theme.Styles;
import javafx.animation.PauseTransition;
import javafx.scene.control.Button;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.util.Duration;

import java.util.function.Supplier;

/** Copying text to the clipboard, and the small "Copy" buttons that do it. FX thread only. */
public final class Copy {
    private Copy() {
    }

    public static void toClipboard(String text) {
        ClipboardContent content = new ClipboardContent();
        content.putString(text);
        Clipboard.getSystemClipboard().setContent(content);
    }

    /** A "Copy" button that copies what {@code text} gives at click time and says "Copied" for a moment. */
    public static Button button(String id, Supplier<String> text) {
        Button b = new Button("Copy");
        b.setId(id);
        b.getStyleClass().add(Styles.SMALL);
        b.setMinWidth(64);
        b.setOnAction(e -> {
            String t = text.get();
            if (t == null || t.isEmpty()) {
                return;
            }
            toClipboard(t);
            b.setText("Copied");
            PauseTransition back = new PauseTransition(Duration.seconds(1.5));
            back.setOnFinished(x -> b.setText("Copy"));
            back.play();
        });
        return b;
    }
}
