package dev.ferry.app.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI never knows the workspace kinds; the rule itself catches a planted violation. */
class SeamTest {

    @Test
    void theCliAsksTheProviderAndNeverNamesAKind() {
        JavaClasses cli = Seams.mainClasses(dev.ferry.app.cli.FerryCli.class, "dev.ferry.app.cli");
        assertThat(cli).as("the CLI's classes were imported").hasSizeGreaterThan(10);
        Seams.kindsStayBehindTheProvider("dev.ferry.app.cli").check(cli);
    }

    @Test
    void theRuleCatchesAPlantedViolation() {
        JavaClasses planted = new ClassFileImporter().importClasses(dev.ferry.app.arch.planted.PlantedViolation.class);
        EvaluationResult r = Seams.kindsStayBehindTheProvider("dev.ferry.app.arch.planted").evaluate(planted);
        assertThat(r.hasViolation()).isTrue();
        assertThat(r.getFailureReport().toString()).contains("PlantedViolation").contains("TeleportProvider");
    }
}
