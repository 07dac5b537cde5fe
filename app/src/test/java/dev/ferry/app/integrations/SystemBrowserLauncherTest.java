package dev.ferry.app.integrations;

import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.FerryException;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The launcher's exit status decides: 0 opened, anything else an error in plain words (real programs). */
class SystemBrowserLauncherTest {
    static final URI PAGE = URI.create("https://signin.aws.amazon.com/federation?Action=login");

    static SystemBrowserLauncher launcher(String template) {
        FerryEnvironment env = new FerryEnvironment(Map.of(), "Linux", "/nonexistent", "alice");
        return new SystemBrowserLauncher(env, () -> template);
    }

    @Test
    void exitStatusZeroIsOpened() {
        assertThatCode(() -> launcher("true {url}").open(PAGE)).doesNotThrowAnyException();
    }

    @Test
    void anotherStatusIsAnErrorThatSaysWhatToDo() {
        assertThatThrownBy(() -> launcher("false {url}").open(PAGE)).isInstanceOf(FerryException.class)
                .hasMessage("The browser command false did not open the page (exit status 1).")
                .satisfies(e -> assertThat(((FerryException) e).hint()).contains("Set a browser command in Settings"));
    }

    @Test
    void xdgOpenWithoutABrowserSaysNoBrowserWasFound() {
        // This machine's real xdg-open (xdg-utils) has no browser to hand the page to: exit status 3.
        assertThatThrownBy(() -> launcher(null).open(PAGE)).isInstanceOf(FerryException.class)
                .hasMessage("No web browser was found to open the page (xdg-open found no program for web links, exit status 3).")
                .hasMessageNotContaining("Action=login");
    }

    @Test
    void aProgramThatIsNotThereCannotStart() {
        assertThatThrownBy(() -> launcher("/nonexistent/browser {url}").open(PAGE)).isInstanceOf(FerryException.class)
                .hasMessageStartingWith("Could not start the browser (/nonexistent/browser)");
    }
}
