package dev.ferry.ui.fx;

import javafx.geometry.Insets;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Region;

/** The label/field grid every dialog form uses. */
public final class Forms {
    private Forms() {
    }

    /** Never narrower than their content: buttons, status words and field names keep their words when space runs out. */
    public static void whole(Region... nodes) {
        for (Region n : nodes) {
            n.setMinWidth(Region.USE_PREF_SIZE);
        }
    }

    public static GridPane grid() {
        GridPane grid = new GridPane();
        grid.setHgap(12);
        grid.setVgap(10);
        grid.setPadding(new Insets(16, 8, 8, 8));
        return grid;
    }
}
