package dev.ferry.ui.fx;

import javafx.geometry.Insets;
import javafx.scene.layout.GridPane;

/** The label/field grid every dialog form uses. */
public final class Forms {
    private Forms() {
    }

    public static GridPane grid() {
        GridPane grid = new GridPane();
        grid.setHgap(12);
        grid.setVgap(10);
        grid.setPadding(new Insets(16, 8, 8, 8));
        return grid;
    }
}
