package dev.partyflare.cluster;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.members;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The cluster's public API ({@code dev.partyflare.cluster}: ClusterNode, InProcessCluster) shows
 * neither its internals nor Pekko in a signature, so either can change without breaking a user; the
 * whole module stands on the emulator's public embedding API and SPI, never on its internals.
 */
class ArchitectureTest {
    static final com.tngtech.archunit.core.domain.JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.partyflare.cluster");

    @Test
    void theClusterUsesNoEmulatorInternals() {
        noClasses()
                .that()
                .resideInAnyPackage("dev.partyflare.cluster..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.partyflare.emulator.internal..")
                .because("a node reaches its emulator through the ObjectRouter SPI and the embedding API only")
                .check(CLASSES);
    }

    @Test
    void internalsDoNotReachBackIntoThePublicApi() {
        noClasses()
                .that()
                .resideInAnyPackage("dev.partyflare.cluster.internal..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.partyflare.cluster")
                .because("ClusterNode wires the internals, not the other way round")
                .check(CLASSES);
    }

    @Test
    void thePublicApiShowsNoInternalOrPekkoTypeInItsSignatures() {
        members()
                .that()
                .areDeclaredInClassesThat()
                .resideInAPackage("dev.partyflare.cluster")
                .and()
                .arePublic()
                .should(new ArchCondition<JavaMember>("mention no cluster-internal, Pekko or Typesafe Config type") {
                    @Override
                    public void check(JavaMember m, ConditionEvents events) {
                        if (!m.getOwner().getModifiers().contains(JavaModifier.PUBLIC)) {
                            return;
                        }
                        List<JavaClass> types = new ArrayList<>();
                        if (m instanceof JavaCodeUnit c) {
                            types.add(c.getRawReturnType());
                            types.addAll(c.getRawParameterTypes());
                        } else if (m instanceof JavaField f) {
                            types.add(f.getRawType());
                        }
                        for (JavaClass t : types) {
                            String p = t.getPackageName();
                            if (p.startsWith("dev.partyflare.cluster.internal")
                                    || p.startsWith("org.apache.pekko")
                                    || p.startsWith("com.typesafe")
                                    || p.startsWith("scala")) {
                                events.add(SimpleConditionEvent.violated(m, m.getFullName() + " shows " + t.getName()));
                            }
                        }
                    }
                })
                .check(CLASSES);
    }
}
