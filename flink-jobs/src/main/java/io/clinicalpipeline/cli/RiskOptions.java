package io.clinicalpipeline.cli;

import io.clinicalpipeline.scoring.RiskPolicy;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** How scores become risk bands and alerts, and where alerts go. */
final class RiskOptions {

    @Option(names = "--alerts-topic", paramLabel = "NAME", defaultValue = "risk-alerts",
            description = "Kafka topic of RAISED/CLEARED alerts (needs --bootstrap)")
    String alertsTopic;

    @Option(names = "--medium-at", paramLabel = "P", defaultValue = "0.3", description = "score from which the risk band is MEDIUM")
    double mediumAt;

    @Option(names = "--alert-at", paramLabel = "P", defaultValue = "0.7", description = "score from which the band is HIGH and an alert is raised")
    double alertAt;

    @Option(names = "--clear-below", paramLabel = "P", defaultValue = "0.5", description = "an alert clears when the score falls below this (hysteresis)")
    double clearBelow;

    @Option(names = "--explain-top", paramLabel = "N", defaultValue = "" + RiskPolicy.DEFAULT_EXPLAIN_TOP,
            description = "each score carries its N largest feature contributions (model_predictions, risk:{id}, alerts); 0: none")
    int explainTop;

    RiskPolicy policy(CommandSpec spec) {
        try {
            return new RiskPolicy(mediumAt, alertAt, clearBelow, explainTop);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
