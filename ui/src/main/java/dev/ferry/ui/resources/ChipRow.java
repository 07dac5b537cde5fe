package dev.ferry.ui.resources;

import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.Region;
import javafx.scene.text.Text;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A resource's label chips on one line: as many as fit, then a "+N" chip whose tooltip names
 * the others; a first chip wider than the row elides (its tooltip names it). One line keeps
 * every row of the list the same height, so the list can use a fixed cell size and does not
 * measure rows after every keystroke. The chips are pooled: a row only fills them in.
 */
final class ChipRow extends Region {
    static final String CHIP_CLASS = "chip";
    static final String MORE_CLASS = "chip-more";
    private static final double GAP = 6;

    private final Consumer<String> onChip;
    private final List<Label> pool = new ArrayList<>();
    private final Label more = new Label();
    private final Tooltip moreTip = new Tooltip();
    private final Text measure = new Text();
    private int used;

    ChipRow(Consumer<String> onChip) {
        this.onChip = onChip;
        more.getStyleClass().addAll(CHIP_CLASS, MORE_CLASS);
        more.setTooltip(moreTip);
        more.setMinWidth(USE_PREF_SIZE);
        more.setVisible(false);
        getChildren().add(more);
        setMinWidth(0);
    }

    /** Shows these key=value texts (the first {@code n} of {@code texts}). */
    void set(List<String> texts) {
        int n = texts.size();
        while (pool.size() < n) {
            Label chip = new Label();
            chip.getStyleClass().add(CHIP_CLASS);
            chip.setMinWidth(0);
            chip.setTooltip(new Tooltip());
            chip.setOnMouseClicked(e -> onChip.accept(chip.getText()));
            pool.add(chip);
            getChildren().add(getChildren().size() - 1, chip);
        }
        for (int i = 0; i < pool.size(); i++) {
            Label chip = pool.get(i);
            if (i < n) {
                String text = texts.get(i);
                if (!text.equals(chip.getText())) {
                    chip.setText(text);
                    chip.getTooltip().setText("Filter by " + text);
                }
            }
        }
        if (n != used) {
            used = n;
            requestLayout();
        }
    }

    @Override
    protected double computePrefWidth(double height) {
        double w = 0;
        for (int i = 0; i < used; i++) {
            w += (i == 0 ? 0 : GAP) + pool.get(i).prefWidth(-1);
        }
        return snappedLeftInset() + w + snappedRightInset();
    }

    @Override
    protected double computePrefHeight(double width) {
        // one line, as high as a chip (also when there is none: every row keeps the same height)
        return snappedTopInset() + more.prefHeight(-1) + snappedBottomInset();
    }

    @Override
    protected double computeMinHeight(double width) {
        return computePrefHeight(width);
    }

    @Override
    protected void layoutChildren() {
        double left = snappedLeftInset();
        double width = getWidth() - left - snappedRightInset();
        double h = getHeight() - snappedTopInset() - snappedBottomInset();
        double x = 0;
        int shown = 0;
        for (; shown < used; shown++) {
            Label chip = pool.get(shown);
            double w = chip.prefWidth(-1);
            int rest = used - shown - 1;
            double room = width - x - (rest > 0 ? GAP + moreWidth(rest) : 0);
            if (w > room) {
                if (shown == 0) { // the first chip elides rather than hide behind "+N"
                    chip.resizeRelocate(left, snappedTopInset(), Math.max(0, room), h);
                    visible(chip, true);
                    x = Math.max(0, room) + GAP;
                    shown++;
                }
                break;
            }
            chip.resizeRelocate(left + x, snappedTopInset(), w, h);
            visible(chip, true);
            x += w + GAP;
        }
        for (int i = shown; i < pool.size(); i++) {
            visible(pool.get(i), false);
        }
        int hidden = used - shown;
        if (hidden > 0) {
            more.setText("+" + hidden);
            StringBuilder tip = new StringBuilder();
            for (int i = shown; i < used; i++) {
                tip.append(i == shown ? "" : "\n").append(pool.get(i).getText());
            }
            moreTip.setText(tip.toString());
            more.resizeRelocate(left + x, snappedTopInset(), more.prefWidth(-1), h);
        }
        visible(more, hidden > 0);
    }

    /** How wide "+N" would be, measured off the scene (changing the label's text here would lay it out again). */
    private double moreWidth(int hidden) {
        measure.setFont(more.getFont());
        measure.setText("+" + hidden);
        return Math.ceil(measure.getLayoutBounds().getWidth()) + more.getInsets().getLeft() + more.getInsets().getRight();
    }

    private static void visible(Node n, boolean v) {
        if (n.isVisible() != v) {
            n.setVisible(v);
        }
    }

    /** The chips shown (for tests). */
    List<Label> chips() {
        return pool.subList(0, used);
    }
}
