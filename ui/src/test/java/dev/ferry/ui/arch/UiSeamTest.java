package dev.ferry.ui.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.ferry.app.arch.Seams;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The desktop never knows the workspace kinds: every view and view model asks the provider. */
class UiSeamTest {

    @Test
    void theDesktopAsksTheProviderAndNeverNamesAKind() {
        JavaClasses ui = Seams.mainClasses(dev.ferry.ui.FerryApp.class, "dev.ferry.ui");
        assertThat(ui).as("the desktop's classes were imported").hasSizeGreaterThan(30);
        Seams.kindsStayBehindTheProvider("dev.ferry.ui").check(ui);
    }
}
