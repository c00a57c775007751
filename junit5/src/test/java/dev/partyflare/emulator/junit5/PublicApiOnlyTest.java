package dev.partyflare.emulator.junit5;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The harness is a separate artifact written against the emulator's public API, as a user's own
 * test support would be: nothing in it may reach into the emulator's internals.
 */
class PublicApiOnlyTest {
    @Test
    void harnessUsesOnlyThePublicApi() {
        JavaClasses harness = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.partyflare.emulator.junit5");
        classes()
                .that()
                .resideInAPackage("dev.partyflare.emulator.junit5")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(
                        "dev.partyflare.emulator.junit5",
                        "dev.partyflare.emulator",
                        "dev.partyflare.emulator.client",
                        "dev.partyflare.durable..",
                        "org.junit..",
                        "org.assertj..",
                        "java..")
                .check(harness);
    }
}
