package dev.ferry.ui.fx;

import javafx.geometry.Rectangle2D;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Where the main window opens, for saved bounds and the monitors there are now. */
class WindowPlacementTest {
    static final Rectangle2D PRIMARY = new Rectangle2D(0, 0, 1920, 1050);       // a panel takes 30 px
    static final Rectangle2D RIGHT = new Rectangle2D(1920, 0, 1280, 1024);
    static final List<Rectangle2D> TWO = List.of(PRIMARY, RIGHT);

    static Rectangle2D place(Rectangle2D saved, List<Rectangle2D> screens) {
        return WindowPlacement.bounds(Optional.ofNullable(saved), 1100, 720, 760, 480, screens, PRIMARY);
    }

    @Test
    void nothingSavedIsTheDefaultSizeCentredOnThePrimaryScreen() {
        assertThat(place(null, TWO)).isEqualTo(new Rectangle2D(410, 165, 1100, 720));
        assertThat(place(new Rectangle2D(Double.NaN, Double.NaN, 1100, 720), TWO)).isEqualTo(new Rectangle2D(410, 165, 1100, 720));
    }

    @Test
    void savedBoundsOnAScreenThatIsThereAreKept() {
        assertThat(place(new Rectangle2D(100, 80, 1280, 800), TWO)).isEqualTo(new Rectangle2D(100, 80, 1280, 800));
        assertThat(place(new Rectangle2D(2000, 100, 1000, 700), TWO)).isEqualTo(new Rectangle2D(2000, 100, 1000, 700));
    }

    @Test
    void aWindowOnAMonitorThatIsGoneComesToThePrimaryScreenCentredAtItsSize() {
        assertThat(place(new Rectangle2D(2000, 100, 1000, 700), List.of(PRIMARY))).isEqualTo(new Rectangle2D(460, 175, 1000, 700));
    }

    @Test
    void aWindowPartlyOffItsScreenIsMovedOnItWhole() {
        assertThat(place(new Rectangle2D(1700, -40, 1000, 700), List.of(PRIMARY))).isEqualTo(new Rectangle2D(920, 0, 1000, 700));
        assertThat(place(new Rectangle2D(-300, 900, 1000, 700), List.of(PRIMARY))).isEqualTo(new Rectangle2D(0, 350, 1000, 700));
    }

    @Test
    void aWindowLargerThanItsScreenShrinksToIt() {
        Rectangle2D laptop = new Rectangle2D(0, 0, 1366, 740);
        assertThat(WindowPlacement.bounds(Optional.of(new Rectangle2D(0, 0, 1900, 1000)), 1100, 720, 760, 480, List.of(laptop), laptop))
                .isEqualTo(new Rectangle2D(0, 0, 1366, 740));
    }

    @Test
    void aSavedSizeBelowTheMinimumGrowsToIt() {
        assertThat(place(new Rectangle2D(10, 10, 300, 200), TWO)).isEqualTo(new Rectangle2D(10, 10, 760, 480));
    }
}
