package dev.partyflare.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The CLI is a user of the emulator's public embedding API, as any tool would be. */
class ArchitectureTest {
    static final JavaClasses CLI = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.partyflare.cli");

    @Test
    void theCliUsesNoEmulatorInternals() {
        noClasses()
                .that()
                .resideInAnyPackage("dev.partyflare.cli..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.partyflare.emulator.internal..")
                .because("the dev server, its dashboard and its admin API use the public embedding API only")
                .check(CLI);
    }

    @Test
    void theCliUsesNoClusterInternals() {
        noClasses()
                .that()
                .resideInAnyPackage("dev.partyflare.cli..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.partyflare.cluster.internal..", "org.apache.pekko..")
                .because("partyflare dev --cluster-node starts a ClusterNode through the cluster's public API")
                .check(CLI);
    }

    @Test
    void theSdksUseNoEmulatorInternals() {
        JavaClasses sdk = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.partyflare.server", "dev.partyflare.pubsub", "dev.partyflare.client");
        noClasses()
                .that()
                .resideInAnyPackage("dev.partyflare.server..", "dev.partyflare.pubsub..", "dev.partyflare.client..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.partyflare.emulator.internal..")
                .because("partyflare and partysub stand on the public Durable Object and embedding APIs, as a user's"
                        + " code does")
                .check(sdk);
    }
}
