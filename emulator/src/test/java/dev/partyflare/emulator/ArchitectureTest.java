package dev.partyflare.emulator;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The public API never mentions the HTTP server, the database or the JSON library. */
class ArchitectureTest {
    static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.partyflare");

    @Test
    void publicApiImportsNoUndertowSqliteOrJackson() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "dev.partyflare.durable..", "dev.partyflare.emulator", "dev.partyflare.emulator.client")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.undertow..",
                        "org.xnio..",
                        "org.sqlite..",
                        "org.h2..",
                        "tools.jackson..",
                        "com.fasterxml.jackson..")
                .check(CLASSES);
    }

    @Test
    void internalsDoNotDependOnTheTestHarness() {
        noClasses()
                .that()
                .resideInAnyPackage("dev.partyflare.emulator.internal..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.junit..")
                .check(CLASSES);
    }
}
