package io.clinicalpipeline.it;

import io.clinicalpipeline.events.Topics;
import io.clinicalpipeline.features.FeatureJob;
import io.clinicalpipeline.features.RedisFeatureSink;
import io.clinicalpipeline.generator.GeneratorConfig;
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
import io.clinicalpipeline.runtime.LocalRuntime;
import io.clinicalpipeline.scoring.RiskPolicy;
import io.clinicalpipeline.scoring.ScoringJob;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.paimon.catalog.Catalog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The online job on the shared runtime: Kafka straight to features and risk in Redis, and the same operators'
 * outputs in Paimon. A generated workload with duplicates, late and out-of-order events, impossible values and
 * malformed records goes in; every record is accounted for in the lakehouse, the feature rows (emitted as events
 * arrive, then corrected) equal the batch definition over the same silver, Redis holds each patient's newest of
 * them, and each patient's online risk is the batch score of that row.
 */
class OnlineIT {

    private static final String DB = "online";
    private static final String BATCH_DB = "online_batch";
    private static final int REDIS_DB = 7;

    private static LocalRuntime runtime;
    private static JobSettings settings;
    private static Catalog catalog;
    private static JobClient job;
    private static String modelPath;
    /** The batch feature job's rows, and each patient's newest of them: fixed once that job has finished. */
    private static Map<List<Object>, List<Object>> batchRows;
    private static Map<String, List<Object>> newestBatchRows;

    @BeforeAll
    static void runOnlineJob() throws Exception {
        runtime = SharedRuntime.get();
        Topics topics = SharedRuntime.topics("it-online");
        Lakehouse lake = new Lakehouse(SharedRuntime.newDirectory("online-warehouse").toString());
        settings = new JobSettings(runtime.bootstrap(), topics, lake, DB, Duration.ofMillis(500),
                SharedRuntime.newDirectory("online-checkpoints").toUri().toString(), Duration.ZERO);
        lake.createTables(DB);
        catalog = lake.openCatalog();
        ModelRegistry registry = new ModelRegistry(catalog, DB);
        modelPath = SharedRuntime.newDirectory("online-models").resolve("v1").toUri().toString();
        TestModels.registerNews2Model(runtime, registry, modelPath, 1, 21);
        registry.promote(1, ModelVersion.PRODUCTION, 0, "online test");
        long total = Workloads.total(Workloads.toKafka(GeneratorConfig.defaults(30, Duration.ofHours(3), 5), 2, 0,
                runtime.bootstrap(), topics, System.out));

        String redis = runtime.redisUri() + "/" + REDIS_DB;
        job = PipelineJobs.startOnline(runtime.flink()::environment, settings,
                new FeatureJob.Settings(Duration.ofSeconds(30), Duration.ofHours(24), Duration.ofSeconds(1), Duration.ofSeconds(2),
                        RedisFeatureSink.standard(redis, Duration.ofHours(1), Duration.ofMillis(50))),
                RiskPolicy.defaults(), new ScoringJob.Sinks(redis, Duration.ofHours(1), runtime.bootstrap(), "it-online-alerts"), true);
        PaimonCounts counts = new PaimonCounts(catalog, DB);
        Await.Patience patience = Await.Patience.of(Duration.ofMinutes(3));
        Await.progress(() -> Reconciler.accountedInSilver(counts), total, patience, n -> { },
                () -> Reconciler.describeLag(settings.bootstrap(), topics, counts));
        PipelineJobs.startFeatures(runtime.flink()::environment, settings, RuntimeExecutionMode.BATCH, BATCH_DB,
                new FeatureJob.Settings(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, null)).getJobExecutionResult().get();
        batchRows = rows(BATCH_DB);
        newestBatchRows = FeatureRowChecks.newestRows(catalog, BATCH_DB);
        Await.until(() -> rows(DB).equals(batchRows) && redisAgreesWithBatch() && riskOfEveryPatient().size() == newestBatchRows.size(),
                Duration.ofMinutes(2), () -> "the online job's rows, Redis features and risk to match the batch rows ("
                        + rows(DB).size() + " streaming rows, " + batchRows.size() + " batch rows)");
    }

    @AfterAll
    static void stop() throws Exception {
        if (job != null) {
            job.cancel().get();
        }
        if (catalog != null) {
            catalog.close();
        }
    }

    @Test
    void everyRecordIsAccountedForInTheLakehouse() throws Exception {
        assertEquals(List.of(), Reconciler.lagging(Reconciler.reconcile(settings.bootstrap(), settings.topics(),
                new PaimonCounts(catalog, DB)), settings.topics()));
    }

    @Test
    void featureRowsEmittedOnArrivalEqualTheBatchDefinition() {
        Map<List<Object>, List<Object>> online = rows(DB);
        assertTrue(online.size() > 100, "a few hundred feature rows: " + online.size());
        assertEquals(batchRows, online);
    }

    @Test
    void redisHoldsEachPatientsNewestRow() {
        assertTrue(redisAgreesWithBatch());
    }

    @Test
    void onlineRiskIsTheBatchScoreOfThePatientsNewestRow() throws Exception {
        RiskScorer scorer = RiskScorer.load(modelPath);
        Map<String, Map<String, String>> risk = riskOfEveryPatient();
        List<String> columns = new PaimonCounts(catalog, BATCH_DB).columns(FeatureJob.FEATURES_TABLE);
        for (Map.Entry<String, List<Object>> e : newestBatchRows.entrySet()) {
            List<Object> row = e.getValue();
            double expected = scorer.score(column -> {
                Object v = row.get(columns.indexOf(column));
                return v instanceof Integer i ? i.doubleValue() : v;
            });
            Map<String, String> hash = risk.get(e.getKey());
            assertEquals(expected, Double.parseDouble(hash.get("score")), 1e-12, e.getKey());
            assertEquals("1", hash.get("model_version"), e.getKey());
            assertEquals(Long.toString(FeatureRowChecks.validAt(row)), hash.get(RedisFeatureStore.EVENT_TIME), e.getKey());
        }
    }

    private static Map<List<Object>, List<Object>> rows(String database) {
        return FeatureRowChecks.rows(catalog, database);
    }

    private static boolean redisAgreesWithBatch() {
        return FeatureRowChecks.redisHolds(runtime.redisUri() + "/" + REDIS_DB, newestBatchRows);
    }

    /** risk:{id} of every patient that has one whose event time is that of the patient's newest batch row. */
    private static Map<String, Map<String, String>> riskOfEveryPatient() {
        Map<String, Map<String, String>> out = new HashMap<>();
        try (RedisFeatureStore risk = new RedisFeatureStore(runtime.redisUri() + "/" + REDIS_DB, ScoringJob.RISK_KEY_PREFIX,
                Duration.ZERO, 1, Duration.ofMillis(1))) {
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
}
