package dev.ferry.app.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The seam between workspace kinds, as ArchUnit rules the app and ui modules both check: the
 * desktop and the CLI ask the {@link dev.ferry.app.access.AccessProvider} for everything, so no
 * class of theirs outside the composition roots knows the providers of the kinds
 * ({@code app.teleport}, {@code app.standalone}) or the records of the kinds of workspace.
 */
public final class Seams {
    /** Where the object graph is built; they may name the kinds. */
    public static final String[] COMPOSITION_ROOTS = {"dev.ferry.app.FerryCore", "dev.ferry.app.access.AccessProviders",
            "dev.ferry.ui.FerryApp", "dev.ferry.ui.FerryDesktop"};

    private Seams() {
    }

    /** Classes in {@code packages} (and their sub-packages) that do not know the workspace kinds. */
    public static ArchRule kindsStayBehindTheProvider(String... packages) {
        String[] patterns = new String[packages.length];
        for (int i = 0; i < packages.length; i++) {
            patterns[i] = packages[i] + "..";
        }
        return noClasses().that().resideInAnyPackage(patterns)
                .and().doNotHaveFullyQualifiedName(COMPOSITION_ROOTS[0])
                .and().doNotHaveFullyQualifiedName(COMPOSITION_ROOTS[1])
                .and().doNotHaveFullyQualifiedName(COMPOSITION_ROOTS[2])
                .and().doNotHaveFullyQualifiedName(COMPOSITION_ROOTS[3])
                .should().dependOnClassesThat().resideInAnyPackage("dev.ferry.app.teleport..", "dev.ferry.app.standalone..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.ferry.app.workspace.StandaloneWorkspace")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.ferry.app.workspace.TeleportWorkspace")
                .because("the UI and the CLI ask the workspace's AccessProvider, whatever its kind");
    }

    /** The production classes of a module (the folder or jar {@code anchor} was loaded from) in {@code pkg}. */
    public static JavaClasses mainClasses(Class<?> anchor, String pkg) {
        try {
            java.nio.file.Path where = java.nio.file.Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
            return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                    .withImportOption(l -> l.contains("/" + pkg.replace('.', '/') + "/")).importPath(where);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
