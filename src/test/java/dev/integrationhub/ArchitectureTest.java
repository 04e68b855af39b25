package dev.integrationhub;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.AccessTarget.Predicates.declaredIn;
import static com.tngtech.archunit.core.domain.JavaAccess.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import dev.integrationhub.connection.Connection;
import dev.integrationhub.connection.ConnectionLifecycle;
import dev.integrationhub.token.AccessTokens;

/**
 * Holds the package layout of DESIGN.md ("Layout"): dependencies point down only, the leaves stand alone, and
 * the features on top reach each other only through {@link AccessTokens}, and a connection's state has one
 * owner. Checks the main classes only.
 */
class ArchitectureTest {

    private static final String BASE = "dev.integrationhub";

    /** The features on top; {@code google} and {@code telegram} are covered as soon as they exist. */
    private static final List<String> FEATURES = List.of("oauth", "token", "google", "telegram", "activity", "sandbox");

    /** A connection's state: written only by {@link ConnectionLifecycle} (and two SQL statements beside it). */
    private static final String STATE_FIELDS = "status|refreshDueAt|refreshLeaseUntil|refreshFailures|lastRefreshError"
            + "|lastRefreshedAt";

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(BASE);

    @Test
    void packagesHaveNoCycles() {
        slices().matching(BASE + ".(*)..").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void dependenciesPointDownOnlyAndLeavesUseNothingButConfigAndErrors() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .ensureAllClassesAreContainedInArchitecture()
                .layer("Config").definedBy(inBase("config"))
                .layer("Error").definedBy(inBase("error"))
                .layer("Crypto").definedBy(inBase("crypto"))
                .layer("Http").definedBy(inBase("http"))
                .layer("Audit").definedBy(inBase("audit"))
                .layer("Auth").definedBy(inBase("auth"))
                .layer("Event").definedBy(inBase("event"))
                .layer("Provider").definedBy(inBase("provider"))
                .layer("Connection").definedBy(inBase("connection"))
                .layer("Idempotency").definedBy(inBase("idempotency"))
                .layer("Features").definedBy(FEATURES.stream().map(ArchitectureTest::inBase).toArray(String[]::new))
                .whereLayer("Features").mayNotBeAccessedByAnyLayer()
                .whereLayer("Connection").mayOnlyBeAccessedByLayers("Features")
                .whereLayer("Idempotency").mayOnlyBeAccessedByLayers("Features")
                .whereLayer("Provider").mayOnlyBeAccessedByLayers("Connection", "Features")
                .whereLayer("Event").mayOnlyBeAccessedByLayers("Provider", "Connection", "Features")
                .whereLayer("Crypto").mayOnlyBeAccessedByLayers("Event", "Provider", "Connection", "Features")
                .whereLayer("Http").mayOnlyBeAccessedByLayers("Event", "Provider", "Connection", "Features")
                .whereLayer("Audit").mayOnlyBeAccessedByLayers("Event", "Provider", "Connection", "Features")
                .whereLayer("Auth").mayOnlyBeAccessedByLayers("Event", "Provider", "Connection", "Features")
                .whereLayer("Error").mayOnlyBeAccessedByLayers("Crypto", "Http", "Audit", "Auth", "Event", "Provider",
                        "Connection", "Idempotency", "Features")
                .whereLayer("Config").mayOnlyBeAccessedByLayers("Error", "Crypto", "Http", "Audit", "Auth", "Event",
                        "Provider", "Connection", "Idempotency", "Features")
                .check(MAIN);
    }

    @Test
    void featuresReachEachOtherOnlyThroughAccessTokens() {
        for (String feature : FEATURES) {
            String[] otherFeatures = FEATURES.stream().filter(other -> !other.equals(feature))
                    .map(ArchitectureTest::inBase).toArray(String[]::new);
            noClasses().that().resideInAPackage(inBase(feature))
                    .should().dependOnClassesThat(resideInAnyPackage(otherFeatures)
                            .and(not(belongToAnyOf(AccessTokens.class))))
                    .as("feature " + feature + " should depend on no other feature except through token.AccessTokens")
                    .allowEmptyShould(true)
                    .check(MAIN);
        }
    }

    @Test
    void onlyTheLifecycleWritesAConnectionsStatusAndRefreshSchedule() {
        noClasses().that().doNotBelongToAnyOf(ConnectionLifecycle.class, Connection.class)
                .should().setFieldWhere(target(declaredIn(Connection.class)).and(target(nameMatching(STATE_FIELDS))))
                .as("only ConnectionLifecycle writes a connection's status and refresh schedule")
                .check(MAIN);
    }

    private static String inBase(String feature) {
        return BASE + "." + feature + "..";
    }
}
