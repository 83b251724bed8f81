package dev.conveyor.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The boundaries of the code base, as tests: no package cycles; the stages depend on the engine and
 * the SPIs, never on a backend or a store; backends and stores depend on the SPIs and the model
 * only; the engine knows nothing of Kafka or Quarkus; the API emulators are a world of their own
 * that only the command line touches.
 */
class ArchitectureTest {
    private static final String ROOT = "dev.conveyor";
    private static final List<String> STAGES = List.of("submission", "staging", "dispatch", "monitoring", "collection", "control");
    private static final List<String> BACKENDS = List.of("compute.local", "compute.noop", "compute.azure", "compute.aws");
    private static final List<String> STORES = List.of("storage.file", "storage.azure", "storage.s3");
    private static JavaClasses product;

    @BeforeAll
    static void importProduct() {
        product = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(ROOT);
    }

    private static String[] pkgs(List<String> names, String suffix) {
        return names.stream().map(n -> ROOT + "." + n + suffix).toArray(String[]::new);
    }

    @Test
    void thereAreNoPackageCycles() {
        slices().matching(ROOT + ".(**)").should().beFreeOfCycles().check(product);
    }

    @Test
    void stagesNeverDependOnABackendAStoreOrTheWiring() {
        List<String> forbidden = new java.util.ArrayList<>(List.of(pkgs(BACKENDS, "..")));
        forbidden.addAll(List.of(pkgs(STORES, "..")));
        forbidden.addAll(List.of(ROOT + ".app..", ROOT + ".cli..", ROOT + ".emulator.."));
        noClasses().that().resideInAnyPackage(pkgs(STAGES, ".."))
                .should().dependOnClassesThat().resideInAnyPackage(forbidden.toArray(String[]::new))
                .check(product);
    }

    @Test
    void backendsDependOnTheSpisAndTheModelOnly() {
        for (String backend : BACKENDS) {
            onlyProduct(ROOT + "." + backend + "..", ROOT + ".compute", ROOT + ".storage", ROOT + ".credentials",
                    ROOT + ".model..").check(product);
        }
    }

    @Test
    void storesDependOnTheStorageSpiAndTheModelOnly() {
        for (String store : STORES) {
            onlyProduct(ROOT + "." + store + "..", ROOT + ".storage", ROOT + ".credentials", ROOT + ".model..")
                    .check(product);
        }
    }

    /** Classes in {@code pkg} use, of the product, only their own package and the {@code allowed} ones. */
    private static ArchRule onlyProduct(String pkg, String... allowed) {
        String[] own = java.util.stream.Stream.concat(java.util.stream.Stream.of(pkg), java.util.stream.Stream.of(allowed))
                .toArray(String[]::new);
        DescribedPredicate<JavaClass> ok = resideOutsideOfPackage(ROOT + "..").or(resideInAnyPackage(own));
        return classes().that().resideInAPackage(pkg).should().onlyDependOnClassesThat(ok).allowEmptyShould(true);
    }

    @Test
    void theEngineKnowsNothingOfKafkaOrQuarkus() {
        noClasses().that().resideInAnyPackage(ROOT + ".engine..", ROOT + ".compute..", ROOT + ".storage..", ROOT + ".retry..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "io.quarkus..",
                        "io.smallrye.reactive..", "jakarta.enterprise..", "org.eclipse.microprofile.reactive..")
                .check(product);
    }

    @Test
    void theEmulatorsAreIsolatedFromTheProduct() {
        noClasses().that().resideInAPackage(ROOT + ".emulator..")
                .should().dependOnClassesThat(resideInAnyPackage(ROOT + "..").and(resideOutsideOfPackage(ROOT + ".emulator..")))
                .check(product);
        noClasses().that().resideOutsideOfPackages(ROOT + ".emulator..", ROOT + ".cli..")
                .should().dependOnClassesThat().resideInAPackage(ROOT + ".emulator..")
                .check(product);
    }
}
