package io.clinicalpipeline.cli;

import io.clinicalpipeline.features.TrainingSet;
import io.clinicalpipeline.simulation.SimulatedCohort;
import io.clinicalpipeline.simulation.SimulationCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "simulation", header = "how hard the simulated cohort is: outcome rates, NEWS2 and models on its rows",
        description = "Generates a workload, takes it through the silver rules, the feature definition and the training "
                + "set's labels in one process (no Kafka or Flink), and prints the outcome rates per admission and how "
                + "well NEWS2 ranks the labelled rows, overall and by outcome type.")
final class SimulationCommand implements Callable<Integer> {

    @Mixin
    WorkloadOptions workload;

    @Option(names = "--horizon", paramLabel = "DURATION", defaultValue = "6h", description = "how far ahead an outcome "
            + "labels a row, as in features training-set")
    Duration horizon;

    @Option(names = "--washout", paramLabel = "DURATION", defaultValue = "24h", description = "rows this soon after an "
            + "outcome are left out")
    Duration washout;

    @Option(names = "--event-types", paramLabel = "LIST", split = ",", defaultValue = TrainingSet.DEFAULT_EVENT_TYPES,
            description = "the adverse events that count as the outcome")
    List<String> eventTypes;

    @Override
    public Integer call() {
        SimulationCheck.run(new SimulationCheck.Settings(workload.config(),
                new SimulatedCohort.Labels(eventTypes, horizon, washout)), System.out);
        return 0;
    }
}
