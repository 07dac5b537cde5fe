import javafx.application.Application;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/**
 * The floor for bench/startup.sh: the smallest JavaFX app that shows a window (one label),
 * run on the packaged runtime. It prints the same "window shown" line (local time first) as
 * Ferry, so both are timed the same way.
 */
public final class HelloWindow extends Application {
    @Override
    public void start(Stage stage) {
        stage.setScene(new Scene(new StackPane(new Label("Hello")), 1100, 720));
        stage.setOnShown(e -> System.out.println(
                LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss.SSS")) + " INFO  hello - Ferry window shown"));
        stage.show();
    }

    public static void main(String[] args) {
        launch(HelloWindow.class, args);
    }
}
