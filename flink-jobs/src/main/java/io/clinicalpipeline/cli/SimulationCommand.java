package io.clinicalpipeline.cli;

import io.clinicalpipeline.simulation.SimulatedCohort;
import io.clinicalpipeline.train.Algorithm;
import io.clinicalpipeline.simulation.SimulationCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "simulation", header = "how hard the simulated cohort is: outcome rates, NEWS2 and models on its rows",
        description = "Generates a workload, takes it through the silver rules, the feature definition and the training "
                + "set's labels in one process (no Kafka or Flink), and prints the outcome rates per admission and how "
                + "well NEWS2 ranks the labelled rows, overall and by outcome type.")
final class SimulationCommand implements Callable<Integer> {

    @Mixin
    WorkloadOptions workload;

    @Mixin
    LabelOptions labels;

    @Option(names = "--models", paramLabel = "lr,gbt", split = ",", description = "also train these with train's defaults "
            + "on 80%% of the patients, and test them and NEWS2 on the rest")
    List<String> models = List.of();

    @Option(names = "--folds", paramLabel = "K", defaultValue = "1", description = "1: test the models on one 20%% "
            + "split of the patients; K of 2 or more: fit each model K times, each testing a K-th of the patients, so "
            + "every patient is tested once (K times the training, narrower intervals); default: ${DEFAULT-VALUE}")
    int folds;

    @Override
    public Integer call() throws Exception {
        SimulationCheck.run(new SimulationCheck.Settings(workload.config(),
                new SimulatedCohort.Labels(labels.eventTypes, labels.horizon, labels.washout),
                models.stream().map(Algorithm::of).toList(), folds), System.out);
        return 0;
    }
}
