package io.clinicalpipeline.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clinicalpipeline.events.EventKind;
import io.clinicalpipeline.features.FeatureCatalogTable;
import io.clinicalpipeline.features.FeatureJob;
import io.clinicalpipeline.features.RedisFeatureSink;
import io.clinicalpipeline.generator.GeneratorConfig;
import io.clinicalpipeline.generator.InputFormat;
import io.clinicalpipeline.generator.Workloads;
import io.clinicalpipeline.jobs.JobSettings;
import io.clinicalpipeline.jobs.PipelineJobs;
import io.clinicalpipeline.lake.PaimonCounts;
import io.clinicalpipeline.reconcile.Reconciler;
import io.clinicalpipeline.registry.ModelRegistry;
import io.clinicalpipeline.runtime.Await;
import io.clinicalpipeline.runtime.LocalRuntime;
import io.clinicalpipeline.runtime.Scratch;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.paimon.catalog.Catalog;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code bin/pipeline demo}: starts Kafka, Redis and a Flink cluster with its dashboard, generates a workload, runs
 * ingest, silver and features in streaming mode, prints where everything went and the patients the online store
 * says are most at risk, then trains, registers and serves a model on the history.
 */
public final class Demo {

    /**
     * @param jobs where the tables are and how jobs checkpoint; its bootstrap is replaced by the runtime's
     * @param bootstrap an existing Kafka, or null for a local broker
     * @param redisUri an existing Redis, or null for a local server
     * @param features the feature job's event-time settings (the demo adds the Redis sink)
     * @param summary where to write the reconciliation as JSON, or null
     * @param inputFormat how the simulated events travel: the pipeline's JSON or a hospital's FHIR and HL7 v2
     */
    public record Settings(Path dataDir, JobSettings jobs, String bootstrap, String redisUri, int restPort,
                           String prometheusPorts, GeneratorConfig workload, int partitions, double rate,
                           FeatureJob.Settings features, Duration redisTtl, Duration redisMaxDelay, Duration timeout,
                           Path summary, boolean train, boolean keepRunning, InputFormat inputFormat) {}

    private Demo() {}

    /** @return 0 when every record is accounted for, 1 otherwise */
    public static int run(Settings p) throws Exception {
        Path dataDir = Scratch.emptied(p.dataDir());
        System.out.println("demo: starting Kafka, Redis and Flink ...");
        try (LocalRuntime runtime = LocalRuntime.start(dataDir, p.bootstrap(), p.redisUri(), p.restPort(), p.prometheusPorts(), 8)) {
            System.out.println("demo: Flink dashboard  " + runtime.flink().restAddress());
            System.out.println("demo: Kafka bootstrap  " + runtime.bootstrap() + "   Redis " + runtime.redisUri());
            JobSettings given = p.jobs().withBootstrap(runtime.bootstrap());
            JobSettings s = given.checkpointDir() != null ? given
                    : given.withCheckpointDir(dataDir.resolve("checkpoints").toUri().toString());
            try (Catalog catalog = s.lakehouse().openCatalog()) {
                emptyDatabase(catalog, s);
                Map<EventKind, Long> sent = Workloads.toKafka(p.workload(), p.partitions(), p.rate(), runtime.bootstrap(),
                        s.topics(), p.inputFormat(), System.out);
                long total = Workloads.total(sent);
                JobClient ingest = PipelineJobs.startIngest(runtime.flink()::environment, s, !p.keepRunning());
                JobClient silver = PipelineJobs.startSilver(runtime.flink()::environment, s, RuntimeExecutionMode.STREAMING, s.database());
                JobClient features = PipelineJobs.startFeatures(runtime.flink()::environment, s, RuntimeExecutionMode.STREAMING,
                        s.database(), p.features().withRedis(RedisFeatureSink.standard(runtime.redisUri(), p.redisTtl(), p.redisMaxDelay())));
                System.out.println("demo: ingest, silver and feature jobs running (" + ingest.getJobID() + ", "
                        + silver.getJobID() + ", " + features.getJobID() + ")");
                PaimonCounts counts = new PaimonCounts(catalog, s.database());
                Await.Patience patience = Await.Patience.of(p.timeout());
                awaitLayers(runtime, s, counts, total, p.keepRunning() ? null : ingest, patience);
                boolean balanced = Reconciler.report(s.bootstrap(), s.topics(), counts, p.summary(), System.out);
                awaitFeatures(counts, patience);
                OnlineFeatures.print(runtime.redisUri(), 5);
                DemoModel.Trained trained = p.train() ? DemoModel.run(runtime, s, catalog, p.workload().duration(), p.timeout()) : null;
                if (trained != null && p.summary() != null) {
                    addToSummary(p.summary(), DemoModel.summary(trained.result()));
                }
                printWhereToLook(runtime, s, p);
                if (p.keepRunning()) {
                    System.out.println("demo: jobs keep following Kafka at " + runtime.bootstrap()
                            + "; dashboard " + runtime.flink().restAddress() + "; Ctrl-C stops");
                    silver.getJobExecutionResult().get();
                }
                if (trained != null) {
                    trained.scoring().cancel().get();
                }
                features.cancel().get();
                silver.cancel().get();
                System.out.println("demo: stopped cleanly");
                return balanced ? 0 : 1;
            }
        }
    }

    /** Adds the model's figures to the reconciliation summary already written. */
    private static void addToSummary(Path summary, Map<String, Object> fields) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode doc = (ObjectNode) json.readTree(summary.toFile());
        fields.forEach((k, v) -> doc.set(k, json.valueToTree(v)));
        json.writerWithDefaultPrettyPrinter().writeValue(summary.toFile(), doc);
    }

    /** The demo starts from an empty database: its tables and its model files. */
    private static void emptyDatabase(Catalog catalog, JobSettings s) throws Exception {
        catalog.dropDatabase(s.database(), true, true);
        org.apache.flink.core.fs.Path models = new org.apache.flink.core.fs.Path(
                ModelRegistry.modelsOf(s.lakehouse().warehouse(), s.database()));
        models.getFileSystem().delete(models, true);
        s.lakehouse().createTables(s.database());
        System.out.println("demo: tables in database '" + s.database() + "' of " + s.lakehouse().warehouse()
                + "; feature definitions in " + FeatureCatalogTable.TABLE);
    }

    /** Until silver has accounted for every record; each layer fails fast, naming what is short, once it stops growing. */
    private static void awaitLayers(LocalRuntime runtime, JobSettings s, PaimonCounts counts, long total, JobClient boundedIngest,
                                    Await.Patience patience) throws Exception {
        Supplier<String> lagging = () -> Reconciler.describeLag(s.bootstrap(), s.topics(), counts)
                + ". Open the dashboard at " + runtime.flink().restAddress() + " to see which job is behind or failing";
        Await.progress(() -> inBronze(counts, total, boundedIngest, s), total, patience,
                n -> System.out.printf("demo: %,d of %,d records in bronze (%.0f%%)%n", n, total, 100.0 * n / total), lagging);
        if (boundedIngest != null) {
            PipelineJobs.awaitBoundedIngest(boundedIngest, s, patience.timeout());
        }
        Await.progress(() -> Reconciler.accountedInSilver(s.topics(), counts), total, patience,
                n -> System.out.printf("demo: %,d of %,d records through silver (%.0f%%)%n", n, total, 100.0 * n / total), lagging);
    }

    /**
     * Records in bronze. Once the bounded ingest has stopped, a shortfall can no longer shrink: the audit then fails
     * at once with the tables and partitions that are short (or with the job's failure), instead of after a stall.
     */
    private static long inBronze(PaimonCounts counts, long total, JobClient boundedIngest, JobSettings s) {
        long n = Reconciler.inBronze(s.topics(), counts);
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

    private static void printWhereToLook(LocalRuntime runtime, JobSettings s, Settings p) {
        System.out.println("demo: one patient's online features: bin/pipeline features get PATIENT_ID --redis " + runtime.redisUri()
                + (p.keepRunning() ? "" : " (while the demo runs: --keep-running)"));
        System.out.println("demo: look at the tables with the Flink SQL client:");
        System.out.println("        bin/pipeline sql --warehouse " + s.lakehouse().warehouse() + " --database " + s.database());
        System.out.println("demo: Prometheus metrics at http://127.0.0.1:" + p.prometheusPorts().split("-")[0] + "/metrics");
    }
}
