package io.clinicalpipeline.cli;

import io.clinicalpipeline.events.EventKind;
import io.clinicalpipeline.features.FeatureCatalogTable;
import io.clinicalpipeline.features.FeatureJob;
import io.clinicalpipeline.jobs.Await;
import io.clinicalpipeline.jobs.JobSettings;
import io.clinicalpipeline.jobs.PipelineJobs;
import io.clinicalpipeline.lake.PaimonCounts;
import io.clinicalpipeline.registry.ModelRegistry;
import io.clinicalpipeline.reconcile.Reconciler;
import io.clinicalpipeline.runtime.LocalRuntime;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.paimon.catalog.Catalog;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * {@code bin/pipeline demo}: starts Kafka, Redis and a Flink cluster with its dashboard, generates a
 * workload, runs ingest, silver and features in streaming mode, and prints where everything went and the
 * patients the online store says are most at risk.
 */
final class DemoCommand {

    private DemoCommand() {}

    static int run(String[] args) throws Exception {
        Options o = FeaturesCommand.jobOptions(Common.redis(Common.checkpoints(Common.lake(GenerateCommand.workload(Common.kafka(
                new Options("demo", "Runs the pipeline end to end on a local Kafka broker (KRaft), Redis server and Flink\n"
                        + "MiniCluster with its web dashboard: ingest, silver and streaming features into Paimon and Redis, then\n"
                        + "trains a risk model on the history (compared with NEWS2), registers and promotes it, and scores\n"
                        + "every feature row with the streaming scoring job. Starts from an empty --database."), false),
                "300", "8")), "2"), null))
                .option("rest-port", "PORT", "8081", "Flink web dashboard and REST port (0: any free port)")
                .option("prometheus-port", "PORT[-PORT]", "9249", "Prometheus metrics port or range")
                .option("data-dir", "DIR", "data/runtime", "scratch directory of the local Kafka, Redis and checkpoints (emptied at start)")
                .option("timeout", "MINUTES", "15", "give up if the pipeline has not caught up by then")
                .option("summary", "FILE", null, "also write the reconciliation as JSON")
                .flag("no-model", "skip training, registering and scoring a model")
                .flag("keep-running", "keep the jobs following Kafka after the workload is processed, until Ctrl-C");
        if (!o.parse(args)) {
            return 0;
        }
        Path dataDir = Path.of(o.get("data-dir")).toAbsolutePath();
        deleteRecursively(dataDir);
        Files.createDirectories(dataDir);
        System.out.println("demo: starting Kafka, Redis and Flink ...");
        try (LocalRuntime runtime = LocalRuntime.start(dataDir, o.get("bootstrap"),
                o.get("redis") == null ? null : Common.redisUri(o, o.get("redis")),
                o.getInt("rest-port"), o.get("prometheus-port"), 8)) {
            System.out.println("demo: Flink dashboard  " + runtime.flink().restAddress());
            System.out.println("demo: Kafka bootstrap  " + runtime.bootstrap() + "   Redis " + runtime.redisUri());
            JobSettings given = Common.settings(o, runtime.bootstrap(), o.get("warehouse"));
            JobSettings s = o.get("checkpoint-dir") != null ? given
                    : given.withCheckpointDir(dataDir.resolve("checkpoints").toUri().toString());
            try (Catalog catalog = s.lakehouse().openCatalog()) {
                catalog.dropDatabase(s.database(), true, true);
                org.apache.flink.core.fs.Path models = new org.apache.flink.core.fs.Path(
                        ModelRegistry.modelsOf(s.lakehouse().warehouse(), s.database()));
                models.getFileSystem().delete(models, true);
                s.lakehouse().createTables(s.database());
                System.out.println("demo: tables in database '" + s.database() + "' of " + s.lakehouse().warehouse()
                        + "; feature definitions in " + FeatureCatalogTable.TABLE);
                Map<EventKind, Long> sent = GenerateCommand.generate(o, runtime.bootstrap(), s.topics());
                long total = GenerateCommand.total(sent);
                boolean keepRunning = o.has("keep-running");
                JobClient ingest = PipelineJobs.startIngest(runtime.flink()::environment, s, !keepRunning);
                JobClient silver = PipelineJobs.startSilver(runtime.flink()::environment, s,
                        RuntimeExecutionMode.STREAMING, s.database());
                JobClient features = PipelineJobs.startFeatures(runtime.flink()::environment, s, RuntimeExecutionMode.STREAMING,
                        s.database(), FeaturesCommand.jobSettings(o, runtime.redisUri()));
                System.out.println("demo: ingest, silver and feature jobs running (" + ingest.getJobID() + ", "
                        + silver.getJobID() + ", " + features.getJobID() + ")");
                PaimonCounts counts = new PaimonCounts(catalog, s.database());
                Await.Patience patience = Await.Patience.of(Duration.ofMinutes(o.getLong("timeout")));
                Supplier<String> lagging = () -> Reconciler.describeLag(s.bootstrap(), s.topics(), counts)
                        + ". Open the dashboard at " + runtime.flink().restAddress() + " to see which job is behind or failing";
                Await.progress(() -> inBronze(counts, total, keepRunning ? null : ingest, s), total, patience,
                        n -> System.out.printf("demo: %,d of %,d records in bronze (%.0f%%)%n", n, total, 100.0 * n / total), lagging);
                if (!keepRunning) {
                    PipelineJobs.awaitBoundedIngest(ingest, s);
                }
                Await.progress(() -> Reconciler.accountedInSilver(counts), total, patience,
                        n -> System.out.printf("demo: %,d of %,d records through silver (%.0f%%)%n", n, total, 100.0 * n / total), lagging);
                int status = JobCommands.reconcile(s, o.get("summary") == null ? null : Path.of(o.get("summary")));
                awaitFeatures(counts, patience);
                OnlineFeatures.print(runtime.redisUri(), 5);
                JobClient scoring = o.has("no-model") ? null : DemoModel.run(runtime, s, catalog,
                        Duration.ofMinutes(Math.round(o.getDouble("hours") * 60)), Duration.ofMinutes(o.getLong("timeout")));
                System.out.println("demo: one patient's online features: bin/pipeline features get PATIENT_ID --redis " + runtime.redisUri()
                        + (keepRunning ? "" : " (while the demo runs: --keep-running)"));
                System.out.println("demo: look at the tables with the Flink SQL client:");
                System.out.println("        bin/pipeline sql --warehouse " + s.lakehouse().warehouse() + " --database " + s.database());
                System.out.println("demo: Prometheus metrics at http://127.0.0.1:" + o.get("prometheus-port").split("-")[0] + "/metrics");
                if (keepRunning) {
                    System.out.println("demo: jobs keep following Kafka at " + runtime.bootstrap()
                            + "; dashboard " + runtime.flink().restAddress() + "; Ctrl-C stops");
                    silver.getJobExecutionResult().get();
                }
                if (scoring != null) {
                    scoring.cancel().get();
                }
                features.cancel().get();
                silver.cancel().get();
                System.out.println("demo: stopped cleanly");
                return status;
            }
        }
    }

    /**
     * Records in bronze. Once the bounded ingest has stopped, a shortfall can no longer shrink: the audit then fails
     * at once with the tables and partitions that are short (or with the job's failure), instead of after a stall.
     */
    private static long inBronze(PaimonCounts counts, long total, JobClient boundedIngest, JobSettings s) {
        long n = Reconciler.inBronze(counts);
        if (n < total && boundedIngest != null) {
            try {
                if (boundedIngest.getJobStatus().get().isGloballyTerminalState()) {
                    PipelineJobs.awaitBoundedIngest(boundedIngest, s);
                }
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("the ingest job failed: " + e.getMessage(), e);
            }
        }
        return n;
    }

    /** Waits until every event in silver has its feature row (the watermark has passed the newest ones). */
    private static void awaitFeatures(PaimonCounts counts, Await.Patience patience) throws Exception {
        Set<List<Object>> expected = FeatureJob.expectedRowKeys(counts);
        Await.progress(() -> {
                    Set<List<Object>> rows = new HashSet<>(counts.rows(FeatureJob.FEATURES_TABLE, "patient_id", "event_time"));
                    rows.retainAll(expected);
                    return rows.size();
                }, expected.size(), patience,
                n -> System.out.printf("demo: %,d of %,d feature rows in %s%n", n, expected.size(), FeatureJob.FEATURES_TABLE),
                () -> FeatureJob.FEATURES_TABLE + " lacks rows for some of the " + expected.size() + " event times in silver; "
                        + "the feature job emits a row once the watermark passes it (see --quiet-after and --max-wait)");
    }

    static void deleteRecursively(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
