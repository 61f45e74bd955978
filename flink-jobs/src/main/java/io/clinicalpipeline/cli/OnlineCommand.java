package io.clinicalpipeline.cli;

import io.clinicalpipeline.drift.FeatureDrift;
import io.clinicalpipeline.jobs.PipelineJobs;
import io.clinicalpipeline.performance.LivePerformance;
import io.clinicalpipeline.scoring.ScoringJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "online", header = "Flink job, the online path: Kafka -> silver rules -> features -> score -> Redis and alerts", description = "Flink job, the online path: reads the event topics, applies the silver rules, "
        + "computes each patient's features as their events arrive and scores them with the registry's production model "
        + "(and challenger), writing Redis features:{patient_id}, risk:{patient_id} and the alerts topic with no Paimon "
        + "commit in between. It also writes bronze, silver, rejects, patient_features and model_predictions to Paimon at "
        + "checkpoints, unless --no-lakehouse.")
final class OnlineCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    JobOptions job;

    @Mixin
    DedupOptions dedup;

    @Mixin
    CodeMappingOption codes;

    @Mixin
    RedisOptions redis;

    @Mixin
    EventTimeOptions eventTime;

    @Mixin
    RiskOptions risk;

    @Option(names = "--no-lakehouse", description = "write only Redis and the alerts topic (the lakehouse jobs keep Paimon)")
    boolean noLakehouse;

    @Option(names = "--drift-window-rows", paramLabel = "N", defaultValue = "10000", description = "the drift window: about "
            + "the newest N scored rows (cover whole stays of a typical ward: PSI compares them with the training rows)")
    long driftWindowRows;

    @Option(names = "--drift-every-rows", paramLabel = "N", defaultValue = "5000", description = "write feature_drift rows "
            + "after every N more scored rows")
    long driftEveryRows;

    @Override
    public Integer call() throws Exception {
        String bootstrap = job.kafka.requireBootstrap(spec);
        if (redis.uri == null) {
            throw new ParameterException(spec.commandLine(), "Missing required option: '--redis=URI' (the online store)");
        }
        ScoringJob.Sinks sinks = new ScoringJob.Sinks(redis.uri(), redis.ttl, bootstrap, risk.alertsTopic, eventTime.redisMaxDelay);
        if (driftWindowRows < 1 || driftEveryRows < 1) {
            throw new ParameterException(spec.commandLine(), "--drift-window-rows and --drift-every-rows must be positive");
        }
        PipelineJobs.Monitoring monitoring = new PipelineJobs.Monitoring(new FeatureDrift.Settings(
                FeatureDrift.Settings.defaults().flushRows(), driftWindowRows, driftEveryRows), LivePerformance.Settings.defaults());
        return Submit.await(PipelineJobs.startOnline(Submit.CONTEXT, codes.applyTo(job.settings(bootstrap, dedup.ttl)),
                eventTime.settings(redis.uri(), redis.ttl), risk.policy(spec), sinks, !noLakehouse, monitoring));
    }
}
