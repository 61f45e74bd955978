package io.clinicalpipeline.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.clinicalpipeline.events.Topics;
import io.clinicalpipeline.features.FeatureJob;
import io.clinicalpipeline.features.RedisFeatureSink;
import io.clinicalpipeline.generator.GeneratorConfig;
import io.clinicalpipeline.generator.InputFormat;
import io.clinicalpipeline.generator.Workloads;
import io.clinicalpipeline.jobs.JobSettings;
import io.clinicalpipeline.jobs.PipelineJobs;
import io.clinicalpipeline.lake.Lakehouse;
import io.clinicalpipeline.lake.PaimonCounts;
import io.clinicalpipeline.model.ml.RiskScorer;
import io.clinicalpipeline.online.RedisFeatureStore;
import io.clinicalpipeline.reconcile.Reconciler;
import io.clinicalpipeline.registry.ModelRegistry;
import io.clinicalpipeline.registry.ModelVersion;
import io.clinicalpipeline.runtime.Await;
import io.clinicalpipeline.runtime.JobMetrics;
import io.clinicalpipeline.runtime.LocalRuntime;
import io.clinicalpipeline.scoring.RiskAlert;
import io.clinicalpipeline.scoring.RiskPolicy;
import io.clinicalpipeline.scoring.ScoringJob;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.jobgraph.SavepointConfigOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.paimon.catalog.Catalog;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One run of the online job with the lakehouse path, on a runtime of the tests: its own topics, warehouse, Redis
 * database and a registered production model. After the workloads are in, {@link #awaitConverged} waits until the
 * job's feature rows equal the batch definition over the same silver and Redis serves each patient's newest of them;
 * the checks then say what an uninterrupted, fault-free run guarantees.
 */
final class OnlineRun implements AutoCloseable {
    private static final String DB = "online";
    private static final String BATCH_DB = "online_batch";
    /**
     * Alerts from NEWS2 of about 3 (cleared at 1 or less) under the test model: a small ward raises and clears several
     * in a few simulated hours, which the checks of their delivery need; the defaults (from about 8) rarely fire.
     */
    private static final RiskPolicy ALERT_OFTEN = new RiskPolicy(0.05, 0.1, 0.05);

    private final LocalRuntime runtime;
    private final JobSettings settings;
    private final Catalog catalog;
    private final String redisUri;
    private final String modelPath;
    private final Path checkpoints;
    private final String alertsTopic;
    private JobClient job;
    private PipelineJobs.Monitoring monitoring = PipelineJobs.Monitoring.defaults();
    private long produced;
    private Map<List<Object>, List<Object>> batchRows;
    private Map<String, List<Object>> newestBatchRows;

    OnlineRun(LocalRuntime runtime, Path dataDir, String name, int redisDb) throws Exception {
        this(runtime, dataDir, name, redisDb, true);
    }

    /** @param testModel register and promote the test model first; without it the registry starts empty */
    OnlineRun(LocalRuntime runtime, Path dataDir, String name, int redisDb, boolean testModel) throws Exception {
        this.runtime = runtime;
        Topics topics = SharedRuntime.topics(name);
        Lakehouse lake = new Lakehouse(Files.createDirectories(dataDir.resolve(name + "-warehouse")).toString());
        this.checkpoints = Files.createDirectories(dataDir.resolve(name + "-checkpoints"));
        this.settings = new JobSettings(runtime.bootstrap(), topics, lake, DB, Duration.ofMillis(500),
                checkpoints.toUri().toString(), Duration.ZERO);
        this.redisUri = runtime.redisUri() + "/" + redisDb;
        this.alertsTopic = name + "-alerts";
        lake.createTables(DB);
        this.catalog = lake.openCatalog();
        this.modelPath = Files.createDirectories(dataDir.resolve(name + "-models")).resolve("v1").toUri().toString();
        if (testModel) {
            ModelRegistry registry = new ModelRegistry(catalog, DB);
            TestModels.registerNews2Model(runtime, registry, modelPath, 1, 21);
            registry.promote(1, ModelVersion.PRODUCTION, 0, "online test");
        }
    }

    /** The drift and live performance windows of the runs {@link #start}ed from now. */
    void monitor(PipelineJobs.Monitoring settings) {
        this.monitoring = settings;
    }

    JobSettings settings() {
        return settings;
    }

    Catalog catalog() {
        return catalog;
    }

    String redisUri() {
        return redisUri;
    }

    JobClient job() {
        return job;
    }

    /** Sends a generated workload to the run's topics. */
    void produce(GeneratorConfig workload) throws Exception {
        produce(workload, InputFormat.JSON);
    }

    /** In a given format: JSON to the event topics, or a hospital's messages to theirs. */
    void produce(GeneratorConfig workload, InputFormat format) throws Exception {
        produced += Workloads.total(Workloads.toKafka(workload, 2, 0, runtime.bootstrap(), settings.topics(), format, System.out));
    }

    void start() throws Exception {
        job = start(runtime.flink()::environment);
    }

    /** Cancels the job (its checkpoints are retained) and starts it again from the newest completed one. */
    void restoreFromLatestCheckpoint() throws Exception {
        job.cancel().get();
        Path checkpoint = Checkpoints.latest(checkpoints.resolve(job.getJobID().toString()));
        job = start(conf -> {
            conf.set(SavepointConfigOptions.SAVEPOINT_PATH, checkpoint.toUri().toString());
            return runtime.flink().environment(conf);
        });
    }

    private JobClient start(Function<Configuration, StreamExecutionEnvironment> environments) throws Exception {
        return PipelineJobs.startOnline(environments, settings,
                new FeatureJob.Settings(Duration.ofSeconds(30), Duration.ofHours(24), Duration.ofSeconds(1), Duration.ofSeconds(2),
                        RedisFeatureSink.standard(redisUri, Duration.ofHours(1), Duration.ofMillis(50))),
                ALERT_OFTEN, new ScoringJob.Sinks(redisUri, Duration.ofHours(1), runtime.bootstrap(), alertsTopic), true,
                monitoring);
    }

    /** Silver has accounted for {@code records} records (of the {@link #produce}d ones). */
    void awaitAccounted(long records) throws Exception {
        PaimonCounts counts = new PaimonCounts(catalog, DB);
        Await.progress(() -> Reconciler.accountedInSilver(settings.topics(), counts), records, Await.Patience.of(Duration.ofMinutes(3)), n -> { },
                () -> Reconciler.describeLag(settings.bootstrap(), settings.topics(), counts));
    }

    long produced() {
        return produced;
    }

    /** The columns of every row the job has committed to one of its tables. */
    List<List<Object>> rows(String table, String... columns) {
        return new PaimonCounts(catalog, DB).rows(table, columns);
    }

    /**
     * Waits until every produced record is accounted for, computes the batch features over the silver the job wrote,
     * then until the job's feature rows, Redis features and Redis risk all match them.
     */
    void awaitConverged() throws Exception {
        awaitAccounted(produced);
        PipelineJobs.startFeatures(runtime.flink()::environment, settings, RuntimeExecutionMode.BATCH, BATCH_DB,
                new FeatureJob.Settings(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, null)).getJobExecutionResult().get();
        batchRows = FeatureRowChecks.rows(catalog, BATCH_DB);
        newestBatchRows = FeatureRowChecks.newestRows(catalog, BATCH_DB);
        Await.until(() -> onlineRows().equals(batchRows) && redisHoldsNewest() && riskOfEveryPatient().size() == newestBatchRows.size(),
                Duration.ofMinutes(2), () -> "the online job's rows, Redis features and risk to match the batch rows ("
                        + onlineRows().size() + " streaming rows, " + batchRows.size() + " batch rows)");
        // Alerts go to Kafka beside the Redis writes waited for above; a checkpoint begun now completes only once the
        // alerts sink has flushed everything scored before it.
        long converged = System.currentTimeMillis();
        JobMetrics metrics = new JobMetrics(runtime.flink().restAddress());
        Await.until(() -> metrics.lastCompletedCheckpoint(job.getJobID()).triggeredAt() > converged, Duration.ofMinutes(1),
                () -> "a checkpoint of the online job begun after its outputs converged");
    }

    /** Kafka, bronze and silver's accounts balance: nothing lost, nothing duplicated. */
    void assertEveryRecordAccountedFor() throws Exception {
        assertEquals(List.of(), Reconciler.lagging(Reconciler.reconcile(settings.bootstrap(), settings.topics(),
                new PaimonCounts(catalog, DB)), settings.topics()));
    }

    /** The streaming rows (emitted on arrival, then corrected) equal the batch definition's. */
    void assertFeatureRowsEqualBatch() {
        Map<List<Object>, List<Object>> online = onlineRows();
        assertTrue(online.size() > 100, "a few hundred feature rows: " + online.size());
        assertEquals(batchRows, online);
    }

    void assertRedisHoldsNewest() {
        assertTrue(redisHoldsNewest(), "Redis features:{id} holds each patient's newest batch row");
    }

    /** Each patient's risk:{id} is the batch score of their newest row, by the production model. */
    void assertRiskIsBatchScore() throws Exception {
        RiskScorer scorer = RiskScorer.load(modelPath);
        Map<String, Map<String, String>> risk = riskOfEveryPatient();
        List<String> columns = new PaimonCounts(catalog, BATCH_DB).columns(FeatureJob.FEATURES_TABLE);
        assertEquals(newestBatchRows.keySet(), risk.keySet());
        for (Map.Entry<String, List<Object>> e : newestBatchRows.entrySet()) {
            List<Object> row = e.getValue();
            double expected = scorer.score(column -> {
                Object v = row.get(columns.indexOf(column));
                return v instanceof Integer i ? i.doubleValue() : v;
            });
            Map<String, String> hash = risk.get(e.getKey());
            assertEquals(expected, Double.parseDouble(hash.get("score")), 1e-12, e.getKey());
            assertEquals("1", hash.get("model_version"), e.getKey());
        }
    }

    /**
     * Alerts are delivered at least once, and a replayed transition carries the id it had: once repeats are dropped by
     * id, each patient's alerts alternate, raised then cleared, as the hysteresis makes them.
     */
    void assertAlertsOncePerIdAndAlternating() {
        Set<String> ids = new HashSet<>();
        Map<String, List<String>> transitions = new HashMap<>();
        for (JsonNode alert : AlertsTopic.read(runtime.bootstrap(), alertsTopic)) {
            if (ids.add(alert.get("alertId").asText())) {
                transitions.computeIfAbsent(alert.get("patientId").asText(), k -> new ArrayList<>()).add(alert.get("type").asText());
            }
        }
        assertFalse(ids.isEmpty(), "the workload's patients raise alerts");
        transitions.forEach((patient, types) -> {
            for (int i = 0; i < types.size(); i++) {
                assertEquals(i % 2 == 0 ? RiskAlert.RAISED : RiskAlert.CLEARED, types.get(i), patient + ": " + types);
            }
        });
    }

    /**
     * The compaction job over what the online job wrote: each table the test follows has files above level 0 after it
     * (the online job's writers leave all of them at 0, see {@link DeferredCompactionIT}), and the rows are the same.
     */
    void assertCompactionKeepsEveryRow() throws Exception {
        PipelineJobs.compact(runtime.flink()::environment, JobSettings.lakeOnly(settings.lakehouse(), DB));
        for (String table : List.of(FeatureJob.FEATURES_TABLE, "model_predictions", "silver_vitals")) {
            Set<Integer> levels = PaimonFiles.levels(catalog, DB, table);
            assertTrue(levels.stream().anyMatch(level -> level > 0), table + " compacted: " + levels);
        }
        assertEquals(batchRows, onlineRows(), "compaction changes no row");
        assertEveryRecordAccountedFor();
    }

    private Map<List<Object>, List<Object>> onlineRows() {
        return FeatureRowChecks.rows(catalog, DB);
    }

    private boolean redisHoldsNewest() {
        return FeatureRowChecks.redisHolds(redisUri, newestBatchRows);
    }

    /**
     * The event time each converged Redis hash holds, by key ({@code features:{id}} and {@code risk:{id}}): that of
     * the patient's newest batch row.
     */
    Map<String, Long> convergedEventTimes() {
        Map<String, Long> out = new HashMap<>();
        newestBatchRows.forEach((patient, row) -> {
            for (String prefix : List.of(RedisFeatureStore.KEY_PREFIX, ScoringJob.RISK_KEY_PREFIX)) {
                out.put(prefix + patient, FeatureRowChecks.validAt(row));
            }
        });
        return out;
    }

    /** risk:{id} of every patient that has one whose event time is that of the patient's newest batch row. */
    private Map<String, Map<String, String>> riskOfEveryPatient() {
        Map<String, Map<String, String>> out = new HashMap<>();
        try (RedisFeatureStore risk = new RedisFeatureStore(redisUri, ScoringJob.RISK_KEY_PREFIX, Duration.ZERO, 1, Duration.ofMillis(1))) {
            for (Map.Entry<String, List<Object>> e : newestBatchRows.entrySet()) {
                Map<String, String> hash = risk.get(e.getKey());
                long newest = FeatureRowChecks.validAt(e.getValue());
                if (!hash.isEmpty() && Long.toString(newest).equals(hash.get(RedisFeatureStore.EVENT_TIME))) {
                    out.put(e.getKey(), hash);
                }
            }
        }
        return out;
    }

    @Override
    public void close() throws Exception {
        if (job != null) {
            job.cancel().get();
        }
        catalog.close();
    }
}
