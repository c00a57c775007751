package dev.partyflare.emulator;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The public API stands on its own: it never mentions the HTTP server, the database or the JSON
 * library, and it does not reach into the emulator's internals; only the composition root and its
 * facades in {@code dev.partyflare.emulator} wire internals, and never show them in a signature.
 */
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

    @Test
    void publicTypesDoNotReachIntoInternals() {
        noClasses()
                .that()
                .resideInAnyPackage("dev.partyflare.durable..", "dev.partyflare.emulator.client..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.partyflare.emulator.internal..", "dev.partyflare.emulator")
                .because("user code compiles against dev.partyflare.durable; the runtime reaches it through"
                        + " the dev.partyflare.durable.spi.Platform service")
                .check(CLASSES);
    }

    @Test
    void theEmbeddingApiShowsNoInternalTypeInItsSignatures() {
        com.tngtech.archunit.lang.syntax.ArchRuleDefinition.members()
                .that()
                .areDeclaredInClassesThat()
                .resideInAPackage("dev.partyflare.emulator")
                .and()
                .arePublic()
                .should(
                        new com.tngtech.archunit.lang.ArchCondition<com.tngtech.archunit.core.domain.JavaMember>(
                                "mention no dev.partyflare.emulator.internal type") {
                            @Override
                            public void check(
                                    com.tngtech.archunit.core.domain.JavaMember m,
                                    com.tngtech.archunit.lang.ConditionEvents events) {
                                java.util.List<com.tngtech.archunit.core.domain.JavaClass> types =
                                        new java.util.ArrayList<>();
                                if (m instanceof com.tngtech.archunit.core.domain.JavaCodeUnit c) {
                                    types.add(c.getRawReturnType());
                                    types.addAll(c.getRawParameterTypes());
                                } else if (m instanceof com.tngtech.archunit.core.domain.JavaField f) {
                                    types.add(f.getRawType());
                                }
                                for (com.tngtech.archunit.core.domain.JavaClass t : types) {
                                    if (t.getPackageName().startsWith("dev.partyflare.emulator.internal")
                                            && m.getOwner()
                                                    .getModifiers()
                                                    .contains(com.tngtech.archunit.core.domain.JavaModifier.PUBLIC)) {
                                        events.add(com.tngtech.archunit.lang.SimpleConditionEvent.violated(
                                                m, m.getFullName() + " shows " + t.getName()));
                                    }
                                }
                            }
                        })
                .check(CLASSES);
    }
}
