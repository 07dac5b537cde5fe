package dev.ferry.ui;

import javafx.application.Application;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.slf4j.LoggerFactory;

/** Placeholder desktop window until the real Ferry UI lands; the UI engineer replaces it. */
public class FerryDesktopStub extends Application {

    @Override
    public void start(Stage stage) {
        stage.setTitle("Ferry");
        stage.setScene(new Scene(new StackPane(new Label("Ferry")), 960, 640));
        stage.setOnShown(e -> LoggerFactory.getLogger("dev.ferry.ui").info("Ferry window shown"));
        stage.show();
    }
}
