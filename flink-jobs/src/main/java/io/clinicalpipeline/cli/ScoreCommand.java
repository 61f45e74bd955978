package io.clinicalpipeline.cli;

import io.clinicalpipeline.jobs.JobSettings;
import io.clinicalpipeline.jobs.PipelineJobs;
import io.clinicalpipeline.scoring.RiskPolicy;
import io.clinicalpipeline.scoring.ScoringJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "score", description = "Flink job: scores every patient_features row with the production model of model_registry "
        + "(and the challenger for its traffic share); a promotion or rollback applies to the next row without a restart. "
        + "Writes model_predictions, Redis risk:{patient_id} and alert transitions to Kafka.")
final class ScoreCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    JobOptions job;

    @Mixin
    RedisOptions redis;

    @Option(names = "--alerts-topic", paramLabel = "NAME", defaultValue = "risk-alerts",
            description = "Kafka topic of RAISED/CLEARED alerts (needs --bootstrap)")
    String alertsTopic;

    @Option(names = "--medium-at", paramLabel = "P", defaultValue = "0.3", description = "score from which the risk band is MEDIUM")
    double mediumAt;

    @Option(names = "--alert-at", paramLabel = "P", defaultValue = "0.7", description = "score from which the band is HIGH and an "
            + "alert is raised")
    double alertAt;

    @Option(names = "--clear-below", paramLabel = "P", defaultValue = "0.5", description = "an alert clears when the score falls "
            + "below this (hysteresis)")
    double clearBelow;

    @Option(names = "--features-database", paramLabel = "NAME", description = "database of patient_features (default: --database)")
    String featuresDatabase;

    @Override
    public Integer call() throws Exception {
        JobSettings s = job.settings(job.kafka.bootstrap, Duration.ZERO);
        RiskPolicy policy;
        try {
            policy = new RiskPolicy(mediumAt, alertAt, clearBelow);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        ScoringJob.Sinks sinks = new ScoringJob.Sinks(redis.uri(), redis.ttl, job.kafka.bootstrap,
                job.kafka.bootstrap == null ? null : alertsTopic);
        return Submit.await(PipelineJobs.startScoring(Submit.CONTEXT, s, featuresDatabase == null ? s.database() : featuresDatabase,
                policy, sinks));
    }
}
