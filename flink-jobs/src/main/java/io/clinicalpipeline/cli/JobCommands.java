package io.clinicalpipeline.cli;

import io.clinicalpipeline.jobs.JobSettings;
import io.clinicalpipeline.jobs.PipelineJobs;
import io.clinicalpipeline.lake.PaimonCounts;
import io.clinicalpipeline.reconcile.Reconciler;
import io.clinicalpipeline.reconcile.TopicAccount;
import io.clinicalpipeline.scoring.RiskPolicy;
import io.clinicalpipeline.scoring.ScoringJob;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.paimon.catalog.Catalog;

import io.clinicalpipeline.lake.Lakehouse;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/** The Flink jobs as commands; under {@code flink run} they use the cluster's execution environment. */
final class JobCommands {

    private static final Function<Configuration, StreamExecutionEnvironment> CONTEXT_ENVIRONMENT =
            StreamExecutionEnvironment::getExecutionEnvironment;

    private JobCommands() {}

    static int ingest(String[] args) throws Exception {
        Options o = Common.checkpoints(Common.lake(Common.kafka(new Options("ingest",
                "Streams every record of the event topics into the Paimon bronze tables, exactly once."), true)))
                .flag("bounded", "stop at the offsets that are the latest when the job starts")
                .option("group-id", "NAME", PipelineJobs.INGEST_GROUP, "Kafka consumer group: where a job without a checkpoint starts");
        if (!o.parse(args)) {
            return 0;
        }
        JobSettings s = Common.settings(o, o.required("bootstrap"), o.get("warehouse"));
        JobClient job = PipelineJobs.startIngest(CONTEXT_ENVIRONMENT, s, o.has("bounded"), o.get("group-id"));
        if (!o.has("bounded") || !attached()) {
            return await(job);
        }
        long records = PipelineJobs.awaitBoundedIngest(job, s);
        System.out.printf("job %s finished: bronze holds all %,d records it read%n", job.getJobID(), records);
        return 0;
    }

    static int silver(String[] args) throws Exception {
        Options o = Common.checkpoints(Common.lake(Common.kafka(new Options("silver",
                "Parses, validates, standardises and deduplicates bronze into silver; rejects go to quarantine\n"
                        + "and dead_letter. Streaming follows bronze; batch reprocesses it and finishes."), false)))
                .option("mode", "streaming|batch", "streaming", "runtime mode")
                .option("silver-database", "NAME", null, "database to write silver into (default: --database)");
        if (!o.parse(args)) {
            return 0;
        }
        JobSettings s = Common.settings(o, null, o.get("warehouse"));
        String target = o.get("silver-database") == null ? s.database() : o.get("silver-database");
        return await(PipelineJobs.startSilver(CONTEXT_ENVIRONMENT, s, Common.mode(o), target));
    }

    static int features(String[] args) throws Exception {
        Options o = FeaturesCommand.jobOptions(Common.redis(Common.checkpoints(Common.lake(Common.kafka(new Options("features run",
                "Computes patient features from silver. Streaming follows silver and keeps Redis (online) and\n"
                        + "patient_features (offline, for audit) up to date; batch computes every point in time of the history\n"
                        + "into patient_features and finishes."), false))), null))
                .option("mode", "streaming|batch", "streaming", "runtime mode")
                .option("features-database", "NAME", null, "database to write the features into (default: --database)");
        if (!o.parse(args)) {
            return 0;
        }
        JobSettings s = Common.settings(o, null, o.get("warehouse"));
        RuntimeExecutionMode mode = Common.mode(o);
        if (mode == RuntimeExecutionMode.BATCH && o.get("redis") != null) {
            throw new Options.UsageException("--redis is for streaming mode; load batch features into Redis with features materialize", o);
        }
        String target = o.get("features-database") == null ? s.database() : o.get("features-database");
        return await(PipelineJobs.startFeatures(CONTEXT_ENVIRONMENT, s, mode, target,
                FeaturesCommand.jobSettings(o, o.get("redis") == null ? null : Common.redisUri(o, o.get("redis")))));
    }

    static int score(String[] args) throws Exception {
        Options o = Common.checkpoints(Common.lake(Common.kafka(new Options("score",
                "Streaming: scores every patient_features row with the production model of model_registry (and the\n"
                        + "challenger for its traffic share); a promotion or rollback applies to the next row without a\n"
                        + "restart. Writes model_predictions, Redis risk:{patient_id} and alert transitions to Kafka."), false)))
                .option("redis", "URI", null, "Redis for online risk scores (risk:{patient_id}); none: not written")
                .option("risk-ttl", "DURATION", "48h", "online risk expires this long after a patient's last score")
                .option("alerts-topic", "NAME", "risk-alerts", "Kafka topic of RAISED/CLEARED alerts (needs --bootstrap)")
                .option("medium-at", "P", "0.3", "score from which the risk band is MEDIUM")
                .option("alert-at", "P", "0.7", "score from which the band is HIGH and an alert is raised")
                .option("clear-below", "P", "0.5", "an alert clears when the score falls below this (hysteresis)")
                .option("features-database", "NAME", null, "database of patient_features (default: --database)");
        if (!o.parse(args)) {
            return 0;
        }
        JobSettings s = Common.settings(o, o.get("bootstrap"), o.get("warehouse"));
        String features = o.get("features-database") == null ? s.database() : o.get("features-database");
        RiskPolicy policy;
        try {
            policy = new RiskPolicy(o.getDouble("medium-at"), o.getDouble("alert-at"), o.getDouble("clear-below"));
        } catch (IllegalArgumentException e) {
            throw new Options.UsageException(e.getMessage(), o);
        }
        ScoringJob.Sinks sinks = new ScoringJob.Sinks(o.get("redis") == null ? null : Common.redisUri(o, o.get("redis")),
                o.getDuration("risk-ttl"), o.get("bootstrap"), o.get("bootstrap") == null ? null : o.get("alerts-topic"));
        return await(PipelineJobs.startScoring(CONTEXT_ENVIRONMENT, s, features, policy, sinks));
    }

    static int scoreBatch(String[] args) throws Exception {
        Options o = Common.lake(new Options("score-batch",
                "Scores a cohort as configured in the batch_scoring_configs table (create and change configs in the\n"
                        + "SQL client): each patient's newest patient_features row that matches the config's cohort_filter,\n"
                        + "scored by its scoring_model (production, staging or a version), into its output_table and,\n"
                        + "if set, Parquet at parquet_path. The filter is one boolean expression over patient_features\n"
                        + "columns: comparisons, AND/OR/NOT, IN (...), BETWEEN, LIKE, IS [NOT] NULL, TIMESTAMP '...'."))
                .option("config", "NAME", null, "the config's name (required)")
                .option("features-database", "NAME", null, "database of patient_features (default: --database)")
                .option("parallelism", "N", "2", "parallel subtasks");
        if (!o.parse(args)) {
            return 0;
        }
        String config = o.required("config");
        String features = o.get("features-database") == null ? o.get("database") : o.get("features-database");
        try (Common.BoundedJobs jobs = Common.BoundedJobs.start(o.getInt("parallelism"))) {
            var summary = io.clinicalpipeline.batch.BatchScoring.run(jobs.env(), new Lakehouse(o.get("warehouse")),
                    o.get("database"), features, config, RiskPolicy.defaults());
            System.out.printf("scored %,d patients of cohort '%s' (%s) with model version %d into %s%s%n", summary.rows(),
                    config, summary.filterSql(), summary.modelVersion(), summary.config().outputTable(),
                    summary.config().parquetPath() == null ? "" : " and " + summary.config().parquetPath());
        }
        return 0;
    }

    /** Waits for the job unless it was submitted detached ({@code flink run -d}). */
    private static int await(JobClient job) throws Exception {
        if (!attached()) {
            System.out.println("submitted job " + job.getJobID());
            return 0;
        }
        job.getJobExecutionResult().get();
        System.out.println("job " + job.getJobID() + " finished");
        return 0;
    }

    private static boolean attached() {
        return StreamExecutionEnvironment.getExecutionEnvironment().getConfiguration().get(DeploymentOptions.ATTACHED);
    }

    static int reconcile(String[] args) throws Exception {
        Options o = Common.lake(Common.kafka(new Options("reconcile",
                "Prints per topic: records in Kafka, bronze, silver, duplicates dropped, quarantined (by reason)\n"
                        + "and dead-lettered (by error). Exits 1 if they do not add up."), true))
                .option("summary", "FILE", null, "also write the reconciliation as JSON");
        if (!o.parse(args)) {
            return 0;
        }
        JobSettings s = new JobSettings(o.required("bootstrap"), Common.topics(o), new Lakehouse(o.get("warehouse")),
                o.get("database"), Duration.ZERO, null, Duration.ZERO);
        return reconcile(s, o.get("summary") == null ? null : Path.of(o.get("summary")));
    }

    static int reconcile(JobSettings s, Path summary) throws Exception {
        try (Catalog catalog = s.lakehouse().openCatalog()) {
            List<TopicAccount> accounts = Reconciler.reconcile(s.bootstrap(), s.topics(), new PaimonCounts(catalog, s.database()));
            System.out.print(Reconciler.render(accounts));
            if (summary != null) {
                Reconciler.writeJson(accounts, summary);
                System.out.println("reconcile: summary written to " + summary.toAbsolutePath());
            }
            List<String> lagging = Reconciler.lagging(accounts, s.topics());
            if (lagging.isEmpty()) {
                System.out.println("reconcile: every record is accounted for");
                return 0;
            }
            System.out.println("reconcile: MISMATCH - records are missing or extra:");
            lagging.forEach(line -> System.out.println("  " + line));
            System.out.println("reconcile: jobs that are still running commit at their next checkpoint: run reconcile again "
                    + "after it. A bounded ingest (ingest --bounded, the demo) checks bronze against what it read when it "
                    + "finishes and fails if they differ, so a shortfall it reported as finished is a defect to report.");
            return 1;
        }
    }
}
