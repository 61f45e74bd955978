package io.clinicalpipeline.cli;

import io.clinicalpipeline.jobs.JobSettings;
import io.clinicalpipeline.jobs.PipelineJobs;
import io.clinicalpipeline.scoring.RiskPolicy;
import io.clinicalpipeline.scoring.ScoringJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "score", header = "Flink job: patient_features -> production model -> predictions, Redis risk, Kafka alerts", description = "Flink job: scores every patient_features row with the production model of model_registry "
        + "(and the challenger for its traffic share); a promotion or rollback applies to the next row without a restart. "
        + "Writes model_predictions, Redis risk:{patient_id} and alert transitions to Kafka.")
final class ScoreCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    JobOptions job;

    @Mixin
    RedisOptions redis;

    @Mixin
    RiskOptions risk;

    @Option(names = "--features-database", paramLabel = "NAME", description = "database of patient_features (default: --database)")
    String featuresDatabase;

    @Override
    public Integer call() throws Exception {
        JobSettings s = job.settings(job.kafka.bootstrap, Duration.ZERO);
        RiskPolicy policy = risk.policy(spec);
        ScoringJob.Sinks sinks = new ScoringJob.Sinks(redis.uri(), redis.ttl, job.kafka.bootstrap,
                job.kafka.bootstrap == null ? null : risk.alertsTopic);
        return Submit.await(PipelineJobs.startScoring(Submit.CONTEXT, s, featuresDatabase == null ? s.database() : featuresDatabase,
                policy, sinks));
    }
}
