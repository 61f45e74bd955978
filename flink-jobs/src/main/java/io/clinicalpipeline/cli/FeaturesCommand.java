package io.clinicalpipeline.cli;

import io.clinicalpipeline.features.FeatureCatalogTable;
import io.clinicalpipeline.features.FeatureJob;
import io.clinicalpipeline.features.RedisFeatureSink;
import io.clinicalpipeline.features.TrainingSet;
import io.clinicalpipeline.jobs.JobSettings;
import io.clinicalpipeline.jobs.PipelineJobs;
import io.clinicalpipeline.model.features.FeatureCalculator;
import io.clinicalpipeline.online.OnlineFeatureStore;
import org.apache.flink.api.common.RuntimeExecutionMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code bin/pipeline features <subcommand>}: the patient features. */
@Command(name = "features", header = "patient features: catalog, run (streaming|batch), materialize, training-set, get", description = "Patient features: their catalog, the feature job, the online store and training sets.",
        subcommands = {FeaturesCommand.Catalog.class, FeaturesCommand.Run.class, FeaturesCommand.Materialize.class,
                FeaturesCommand.TrainingSetCommand.class, FeaturesCommand.Get.class})
final class FeaturesCommand extends CommandGroup {

    /** The commands that read Redis outside a job default to a local server. */
    static final class LocalRedis extends CommandDefaults {
        LocalRedis() {
            super(Map.of("--redis", "redis://127.0.0.1:6379"));
        }
    }

    @Command(name = "catalog", header = "writes every feature definition to feature_catalog", description = "Writes the definitions of every feature (name, type, unit, look-back, description, "
            + "version) to the feature_catalog table, where the SQL client finds them.")
    static final class Catalog implements Callable<Integer> {
        @Mixin
        LakeOptions lake;

        @Override
        public Integer call() throws Exception {
            try (org.apache.paimon.catalog.Catalog catalog = lake.openWithTables()) {
                int n = FeatureCatalogTable.publish(catalog, lake.database);
                System.out.printf("features: %d definitions (version %d) in %s.%s%n", n, FeatureCalculator.VERSION,
                        lake.database, FeatureCatalogTable.TABLE);
            }
            return 0;
        }
    }

    @Command(name = "run", header = "Flink job: silver -> features (Paimon, and Redis in streaming mode)", description = "Flink job: computes patient features from silver. Streaming follows silver and keeps "
            + "Redis (online) and patient_features (offline, for audit) up to date; batch computes every point in time of "
            + "the history into patient_features and finishes.")
    static final class Run implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        JobOptions job;

        @Mixin
        RedisOptions redis;

        @Mixin
        EventTimeOptions eventTime;

        @Option(names = "--mode", paramLabel = "streaming|batch", defaultValue = "streaming", description = "runtime mode")
        RuntimeExecutionMode mode;

        @Option(names = "--features-database", paramLabel = "NAME", description = "database to write the features into (default: "
                + "--database)")
        String featuresDatabase;

        @Override
        public Integer call() throws Exception {
            if (mode == RuntimeExecutionMode.BATCH && redis.uri != null) {
                throw new ParameterException(spec.commandLine(),
                        "--redis is for streaming mode; load batch features into Redis with features materialize");
            }
            JobSettings s = job.settings(null, Duration.ZERO);
            return Submit.await(PipelineJobs.startFeatures(Submit.CONTEXT, s, mode,
                    featuresDatabase == null ? s.database() : featuresDatabase, eventTime.settings(redis.uri(), redis.ttl)));
        }
    }

    @Command(name = "materialize", header = "batch job: each patient's newest feature row into Redis", defaultValueProvider = LocalRedis.class, description = "Loads each patient's newest row of "
            + "patient_features into the Redis online store (a batch Flink job), to backfill a new or lost store. Redis "
            + "values newer than the table's are kept.")
    static final class Materialize implements Callable<Integer> {
        @Mixin
        LakeOptions lake;

        @Mixin
        RedisOptions redis;

        @Override
        public Integer call() throws Exception {
            JobSettings s = JobSettings.lakeOnly(lake.lakehouse(), lake.database);
            // A batch load: full pipelines only, the rest at the end of input.
            RedisFeatureSink sink = RedisFeatureSink.standard(redis.uri(), redis.ttl, Duration.ZERO);
            PipelineJobs.startMaterialize(Submit.CONTEXT, s, s.database(), sink).getJobExecutionResult().get();
            System.out.println("features: newest rows of " + s.database() + "." + FeatureJob.FEATURES_TABLE + " written to " + redis.uri);
            return 0;
        }
    }

    @Command(name = "training-set", header = "labelled table from patient_features", description = "Builds a labelled table from patient_features: label 1 when one of "
            + "--event-types follows within --horizon, with a time-based train/validation/test split; exclusions are "
            + "explained in sql/20_training_set.sql.")
    static final class TrainingSetCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        LakeOptions lake;

        @Mixin
        LabelOptions labels;

        @Option(names = "--split", paramLabel = "TRAIN,VALIDATION", split = ",", defaultValue = "0.7,0.15",
                description = "shares for training and validation (of the time span, of patients, or both: see --split-by); "
                        + "the rest is test")
        List<Double> split;

        @Option(names = "--split-by", paramLabel = "time|patient|patient-time", defaultValue = "time",
                description = "time: test rows are the latest; patient: test rows are other patients' (never seen in "
                        + "training); patient-time: other patients' and later (sql/20_training_set.sql explains)")
        String splitBy;

        @Option(names = "--output", paramLabel = "TABLE", defaultValue = "training_set", description = "table to (re)create in "
                + "--database")
        String output;

        @Override
        public Integer call() throws Exception {
            if (split.size() != 2) {
                throw new ParameterException(spec.commandLine(), "--split takes two shares, e.g. 0.7,0.15");
            }
            TrainingSet.Spec ts;
            try {
                ts = new TrainingSet.Spec(output, labels.eventTypes, labels.horizon, labels.washout, split.get(0), split.get(1),
                        TrainingSet.SplitBy.of(splitBy));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            System.out.println("features: building " + lake.database + "." + ts.output() + " (batch job) ...");
            TrainingSet.Summary summary = TrainingSet.build(lake.lakehouse(), lake.database, ts);
            if (ts.splitBy() == TrainingSet.SplitBy.PATIENT) {
                System.out.printf("features: split by patient (%.0f%% train, %.0f%% validation, the rest test; data until %s)%n",
                        100 * ts.trainFraction(), 100 * ts.validationFraction(), summary.observedUntil());
            } else {
                System.out.printf("features: split by %s: train < %s <= validation < %s <= test (data until %s)%n",
                        ts.splitBy() == TrainingSet.SplitBy.TIME ? "event time" : "patient and event time",
                        summary.trainUntil(), summary.validationUntil(), summary.observedUntil());
            }
            summary.rowsAndPositives().forEach((name, n) -> System.out.printf("  %-10s %,9d rows %,7d positive (%.1f%%)%n",
                    name, n[0], n[1], n[0] == 0 ? 0.0 : 100.0 * n[1] / n[0]));
            return 0;
        }
    }

    @Command(name = "get", header = "a patient's online features", defaultValueProvider = LocalRedis.class,
            description = "Prints a patient's online features from Redis, with the event time they are valid at and their age.")
    static final class Get implements Callable<Integer> {
        @Parameters(paramLabel = "PATIENT_ID", description = "the patient")
        String patient;

        @Mixin
        RedisOptions redis;

        @Option(names = "--all", description = "also print features without a value")
        boolean all;

        @Override
        public Integer call() throws Exception {
            try (OnlineFeatureStore store = new OnlineFeatureStore(redis.uri())) {
                Optional<OnlineFeatureStore.Features> found = store.get(patient);
                if (found.isEmpty()) {
                    System.err.println("features: no online features for " + patient + " in " + redis.uri
                            + " (unknown patient, expired TTL, or the feature job has not run; features materialize backfills)");
                    return 1;
                }
                OnlineFeatureStore.Features f = found.get();
                Duration age = f.age(Instant.now());
                System.out.printf("patient %s: features valid at %s (%s ago), definition version %d%n", f.patientId(),
                        f.validAt(), age.isNegative() ? "in the future" : age.withNanos(0).toString().substring(2).toLowerCase(),
                        f.definitionVersion());
                f.values().forEach((name, value) -> {
                    if (value != null || all) {
                        System.out.printf("  %-34s %s%n", name, value);
                    }
                });
                return 0;
            }
        }
    }
}
