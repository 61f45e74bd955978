package io.clinicalpipeline.cli;

import io.clinicalpipeline.features.FeatureCatalogTable;
import io.clinicalpipeline.features.FeatureJob;
import io.clinicalpipeline.features.OnlineFeatureStore;
import io.clinicalpipeline.features.RedisFeatureSink;
import io.clinicalpipeline.features.TrainingSet;
import io.clinicalpipeline.jobs.JobSettings;
import io.clinicalpipeline.jobs.PipelineJobs;
import io.clinicalpipeline.lake.Lakehouse;
import io.clinicalpipeline.model.features.FeatureCalculator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.paimon.catalog.Catalog;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code bin/pipeline features <subcommand>}: the patient features. */
final class FeaturesCommand {

    private static final Map<String, Main.Command> SUBCOMMANDS = new LinkedHashMap<>();

    static {
        SUBCOMMANDS.put("catalog", FeaturesCommand::catalog);
        SUBCOMMANDS.put("run", JobCommands::features);
        SUBCOMMANDS.put("materialize", FeaturesCommand::materialize);
        SUBCOMMANDS.put("training-set", FeaturesCommand::trainingSet);
        SUBCOMMANDS.put("get", FeaturesCommand::get);
    }

    private FeaturesCommand() {}

    static int run(String[] args) throws Exception {
        Main.Command sub = args.length == 0 ? null : SUBCOMMANDS.get(args[0]);
        if (sub == null) {
            System.err.println("Usage: bin/pipeline features " + String.join("|", SUBCOMMANDS.keySet())
                    + " [options]   (features <subcommand> --help for its options)");
            return args.length > 0 && args[0].equals("--help") ? 0 : 2;
        }
        return sub.run(Arrays.copyOfRange(args, 1, args.length));
    }

    /** How the feature operator treats time; shared by the job command and the demo. */
    static Options jobOptions(Options o) {
        return o.option("out-of-orderness", "DURATION", "5s", "how far behind the newest event the watermark stays while events flow")
                .option("allowed-lateness", "DURATION", "24h", "an event this far behind its patient's newest feature row still "
                        + "corrects it; older ones go to feature_late_events")
                .option("quiet-after", "DURATION", "5s", "after this long without input the newest events are final (watermark catches up)")
                .option("max-wait", "DURATION", "15s", "an event waits at most this long (processing time) for the watermark; "
                        + "stragglers then correct its row (0s: no bound)")
                .option("redis-max-delay", "DURATION", "200ms", "longest a feature update waits to be batched into a Redis pipeline");
    }

    /** @param redisUri null: no online store */
    static FeatureJob.Settings jobSettings(Options o, String redisUri) {
        return new FeatureJob.Settings(o.getDuration("out-of-orderness"), o.getDuration("allowed-lateness"),
                o.getDuration("quiet-after"), o.getDuration("max-wait"),
                redisUri == null ? null : redisSink(o, redisUri, o.getDuration("redis-max-delay")));
    }

    static RedisFeatureSink redisSink(Options o, String redisUri, Duration maxDelay) {
        return new RedisFeatureSink(redisUri, o.getDuration("redis-ttl"), 500, maxDelay, 8, Duration.ofMillis(200));
    }

    private static int catalog(String[] args) throws Exception {
        Options o = Common.lake(new Options("features catalog",
                "Writes the definitions of every feature (name, type, unit, look-back, description, version) to the\n"
                        + "feature_catalog table, where the SQL client finds them."));
        if (!o.parse(args)) {
            return 0;
        }
        Lakehouse lake = new Lakehouse(o.get("warehouse"));
        lake.createTables(o.get("database"));
        try (Catalog catalog = lake.openCatalog()) {
            int n = FeatureCatalogTable.publish(catalog, o.get("database"));
            System.out.printf("features: %d definitions (version %d) in %s.%s%n", n, FeatureCalculator.VERSION,
                    o.get("database"), FeatureCatalogTable.TABLE);
        }
        return 0;
    }

    private static int materialize(String[] args) throws Exception {
        Options o = Common.redis(Common.lake(new Options("features materialize",
                "Loads each patient's newest row of patient_features into the Redis online store (a batch Flink job),\n"
                        + "to backfill a new or lost store. Redis values newer than the table's are kept.")), "redis://127.0.0.1:6379");
        if (!o.parse(args)) {
            return 0;
        }
        JobSettings s = new JobSettings(null, null, new Lakehouse(o.get("warehouse")), o.get("database"), Duration.ZERO, null, Duration.ZERO);
        var job = PipelineJobs.startMaterialize(StreamExecutionEnvironment::getExecutionEnvironment, s, s.database(),
                // A batch load: full pipelines only, the rest at the end of input.
                redisSink(o, Common.redisUri(o, o.get("redis")), Duration.ZERO));
        job.getJobExecutionResult().get();
        System.out.println("features: newest rows of " + s.database() + "." + FeatureJob.FEATURES_TABLE + " written to " + o.get("redis"));
        return 0;
    }

    private static int trainingSet(String[] args) throws Exception {
        Options o = Common.lake(new Options("features training-set",
                "Builds a labelled table from patient_features: label 1 when one of --event-types follows within\n"
                        + "--horizon, a time-based train/validation/test split; exclusions are explained in sql/20_training_set.sql."))
                .option("horizon", "DURATION", "6h", "how far ahead an adverse event makes a row positive")
                .option("event-types", "LIST", TrainingSet.DEFAULT_EVENT_TYPES,
                        "adverse event types that count as the outcome")
                .option("washout", "DURATION", "24h", "rows this soon after an outcome are left out")
                .option("split", "TRAIN,VALIDATION", "0.7,0.15", "shares of the time span for training and validation; the rest is test")
                .option("output", "TABLE", "training_set", "table to (re)create in --database");
        if (!o.parse(args)) {
            return 0;
        }
        String[] split = o.get("split").split(",");
        if (split.length != 2) {
            throw new Options.UsageException("--split takes two shares, e.g. 0.7,0.15", o);
        }
        TrainingSet.Spec spec;
        try {
            spec = new TrainingSet.Spec(o.get("output"), List.of(o.get("event-types").split(",")), o.getDuration("horizon"),
                    o.getDuration("washout"), Double.parseDouble(split[0]), Double.parseDouble(split[1]));
        } catch (IllegalArgumentException e) {
            throw new Options.UsageException(e.getMessage(), o);
        }
        System.out.println("features: building " + o.get("database") + "." + spec.output() + " (batch job) ...");
        TrainingSet.Summary summary = TrainingSet.build(new Lakehouse(o.get("warehouse")), o.get("database"), spec);
        System.out.printf("features: split by event time: train < %s <= validation < %s <= test (data until %s)%n",
                summary.trainUntil(), summary.validationUntil(), summary.observedUntil());
        summary.rowsAndPositives().forEach((name, n) -> System.out.printf("  %-10s %,9d rows %,7d positive (%.1f%%)%n",
                name, n[0], n[1], n[0] == 0 ? 0.0 : 100.0 * n[1] / n[0]));
        return 0;
    }

    private static int get(String[] args) {
        String patient = args.length > 0 && !args[0].startsWith("--") ? args[0] : null;
        Options o = Common.redis(new Options("features get PATIENT_ID",
                "Prints a patient's online features from Redis, with the event time they are valid at and their age."),
                "redis://127.0.0.1:6379")
                .flag("all", "also print features without a value");
        if (!o.parse(patient == null ? args : Arrays.copyOfRange(args, 1, args.length))) {
            return 0;
        }
        if (patient == null) {
            throw new Options.UsageException("which patient? bin/pipeline features get PATIENT_ID", o);
        }
        try (OnlineFeatureStore store = new OnlineFeatureStore(Common.redisUri(o, o.get("redis")))) {
            Optional<OnlineFeatureStore.Features> found = store.get(patient);
            if (found.isEmpty()) {
                System.err.println("features: no online features for " + patient + " in " + o.get("redis")
                        + " (unknown patient, expired TTL, or the feature job has not run; features materialize backfills)");
                return 1;
            }
            OnlineFeatureStore.Features f = found.get();
            Duration age = f.age(Instant.now());
            System.out.printf("patient %s: features valid at %s (%s ago), definition version %d%n", f.patientId(),
                    f.validAt(), age.isNegative() ? "in the future" : age.withNanos(0).toString().substring(2).toLowerCase(),
                    f.definitionVersion());
            f.values().forEach((name, value) -> {
                if (value != null || o.has("all")) {
                    System.out.printf("  %-34s %s%n", name, value);
                }
            });
            return 0;
        }
    }
}
