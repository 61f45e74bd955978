package io.clinicalpipeline.architecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package layout is the architecture: each layer uses only the layers below it. From the bottom: building blocks
 * (events, Kafka and Paimon access, the Redis online store, the local runtime, the model module), the pipeline's
 * graphs and their logic, the wiring that connects graphs to real sources and sinks, the applications built from
 * them (the demo, the benchmarks), and the command line on top, which nothing else may use.
 */
@AnalyzeClasses(packages = "io.clinicalpipeline", importOptions = ImportOption.DoNotIncludeTests.class)
class LayersTest {

    @ArchTest
    static final ArchRule LAYERS = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("Command line").definedBy("io.clinicalpipeline.cli..")
            .layer("Applications").definedBy("io.clinicalpipeline.demo..", "io.clinicalpipeline.bench..",
                    "io.clinicalpipeline.simulation..", "io.clinicalpipeline.retrain..", "io.clinicalpipeline.serving..")
            .layer("Wiring").definedBy("io.clinicalpipeline.jobs..")
            .layer("Graphs").definedBy("io.clinicalpipeline.ingest..", "io.clinicalpipeline.silver..",
                    "io.clinicalpipeline.features..", "io.clinicalpipeline.scoring..", "io.clinicalpipeline.train..",
                    "io.clinicalpipeline.registry..", "io.clinicalpipeline.generator..", "io.clinicalpipeline.reconcile..",
                    "io.clinicalpipeline.drift..", "io.clinicalpipeline.performance..")
            .layer("Building blocks").definedBy("io.clinicalpipeline.events..", "io.clinicalpipeline.kafka..",
                    "io.clinicalpipeline.lake..", "io.clinicalpipeline.online..", "io.clinicalpipeline.runtime..",
                    "io.clinicalpipeline.interop..",
                    "io.clinicalpipeline.model..")
            .whereLayer("Command line").mayNotBeAccessedByAnyLayer()
            .whereLayer("Applications").mayOnlyBeAccessedByLayers("Command line")
            .whereLayer("Wiring").mayOnlyBeAccessedByLayers("Command line", "Applications")
            .whereLayer("Graphs").mayOnlyBeAccessedByLayers("Command line", "Applications", "Wiring");

    /** The demo and the benchmarks are separate applications; what they share belongs lower down. */
    @ArchTest
    static final ArchRule APPLICATIONS_ARE_INDEPENDENT = noClasses().that().resideInAPackage("io.clinicalpipeline.demo..")
            .should().dependOnClassesThat().resideInAPackage("io.clinicalpipeline.bench..")
            .andShould().dependOnClassesThat().resideInAPackage("io.clinicalpipeline.cli..");

    @ArchTest
    static final ArchRule NO_PACKAGE_CYCLES = slices().matching("io.clinicalpipeline.(*)..").should().beFreeOfCycles();

    /** One JSON library: Flink's shaded Jackson is Flink's own. */
    @ArchTest
    static final ArchRule ONE_JACKSON = noClasses().should().dependOnClassesThat()
            .resideInAPackage("org.apache.flink.shaded.jackson2..");
}
