package io.clinicalpipeline.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clinicalpipeline.jobs.JobSettings;
import io.clinicalpipeline.jobs.PipelineJobs;
import io.clinicalpipeline.lake.Lakehouse;
import io.clinicalpipeline.lake.ParquetExport;
import io.clinicalpipeline.lake.PaimonCounts;
import io.clinicalpipeline.model.ml.Explanation;
import io.clinicalpipeline.model.ml.RiskScorer;
import io.clinicalpipeline.online.RedisFeatureStore;
import io.clinicalpipeline.registry.ModelRegistry;
import io.clinicalpipeline.registry.ModelVersion;
import io.clinicalpipeline.runtime.Await;
import io.clinicalpipeline.runtime.JobMetrics;
import io.clinicalpipeline.runtime.LocalRuntime;
import io.clinicalpipeline.scoring.BatchScoring;
import io.clinicalpipeline.scoring.Explanations;
import io.clinicalpipeline.scoring.RiskAlert;
import io.clinicalpipeline.scoring.RiskPolicy;
import io.clinicalpipeline.scoring.ScoringJob;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.ml.builder.PipelineModel;
import org.apache.flink.ml.linalg.DenseVector;
import org.apache.flink.ml.servable.api.DataFrame;
import org.apache.flink.ml.servable.builder.PipelineModelServable;
import org.apache.flink.ml.servable.types.DataTypes;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.paimon.catalog.Catalog;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.Type;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The streaming scoring job on the shared runtime: feature rows written to Paimon are scored by the production
 * model, a promotion mid-stream switches later rows to the new version without a restart, a challenger scores
 * its hash share of patients next to production, Redis holds the served risk and Kafka gets one alert per
 * crossing. Scores equal the row scorer's and Flink ML's servable's on the same rows.
 */
class ScoringIT {

    private static final String DB = "scoring";
    private static final String ALERTS = "it-risk-alerts";
    private static final int PATIENTS = 20;
    private static final LocalDateTime T0 = LocalDateTime.of(2026, 3, 1, 8, 0);
    private static final java.time.format.DateTimeFormatter SQL_TIME = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private static LocalRuntime runtime;
    private static Catalog catalog;
    private static ModelRegistry registry;
    private static TableEnvironment sql;
    private static JobClient job;
    private static Path models;
    private static Lakehouse lake;
    private static List<Map<String, Object>> batches = new ArrayList<>();
    private static Map<List<Object>, List<Object>> predictions;

    @BeforeAll
    static void scoreThreeBatches() throws Exception {
        runtime = SharedRuntime.get();
        lake = new Lakehouse(SharedRuntime.newDirectory("scoring-warehouse").toString());
        models = SharedRuntime.newDirectory("scoring-models");
        JobSettings settings = new JobSettings(runtime.bootstrap(), SharedRuntime.topics("it-scoring"), lake, DB,
                Duration.ofMillis(500), null, Duration.ZERO);
        lake.createTables(DB);
        catalog = lake.openCatalog();
        registry = new ModelRegistry(catalog, DB);
        sql = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        lake.createTables(sql, DB);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", runtime.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(ALERTS, 1, (short) 1))).all().get();
        }
        register(1, 11);
        register(2, 12);
        registry.promote(1, ModelVersion.PRODUCTION, 0, "first");

        job = PipelineJobs.startScoring(runtime.flink()::environment, settings, DB, RiskPolicy.defaults(),
                new ScoringJob.Sinks(runtime.redisUri() + "/5", Duration.ofHours(1), runtime.bootstrap(), ALERTS));
        JobMetrics metrics = new JobMetrics(runtime.flink().restAddress());
        writeFeatures(0, i -> i == 0 ? 15 : i == 1 ? 12 : i % 8);
        awaitPredictions(PATIENTS, 0);

        registry.promote(2, ModelVersion.PRODUCTION, 0, "mid-stream");
        Await.until(() -> min(metrics, "productionModelVersion") == 2, Duration.ofMinutes(1),
                () -> "every scoring subtask to apply version 2");
        writeFeatures(1, i -> i == 0 ? 15 : i == 1 ? 0 : i % 8);
        awaitPredictions(PATIENTS, 1);

        registry.promote(1, ModelVersion.STAGING, 0.5, "challenge");
        Await.until(() -> min(metrics, "challengerModelVersion") == 1, Duration.ofMinutes(1),
                () -> "every scoring subtask to apply the challenger");
        writeFeatures(2, i -> i == 0 ? 14 : i % 8);
        long challenged = patients().stream().filter(p -> RiskPolicy.bucket(p) < 0.5).count();
        awaitPredictions(PATIENTS + challenged, 2);
        predictions = rows();
    }

    @AfterAll
    static void stop() throws Exception {
        if (job != null) {
            job.cancel().get();
        }
        catalog.close();
    }

    @Test
    void rowsAfterAPromotionCarryTheNewVersionWithoutARestart() {
        for (String patient : patients()) {
            assertEquals(1L, prediction(patient, 0, "production").get(0), patient + " before the promotion");
            assertEquals(2L, prediction(patient, 1, "production").get(0), patient + " after the promotion");
        }
    }

    @Test
    void streamingScoresEqualTheRowScorerAndTheFlinkMlServable() throws Exception {
        RiskScorer v2 = RiskScorer.load(modelPath(2));
        PipelineModelServable servable = PipelineModel.loadServable(modelPath(2));
        List<org.apache.flink.ml.servable.api.Row> frame = new ArrayList<>();
        List<String> patients = patients();
        for (String patient : patients) {
            Map<String, Object> f = features(patient, 1);
            frame.add(new org.apache.flink.ml.servable.api.Row(new ArrayList<>(List.of(
                    ((Integer) f.get("news2_total")).doubleValue(), f.get("heart_rate_1h_mean")))));
        }
        DataFrame scored = servable.transform(new DataFrame(new ArrayList<>(List.of("news2_total", "heart_rate_1h_mean")),
                new ArrayList<>(List.of(DataTypes.DOUBLE, DataTypes.DOUBLE)), frame));
        int raw = scored.getIndex("rawPrediction");
        for (int i = 0; i < patients.size(); i++) {
            Map<String, Object> f = features(patients.get(i), 1);
            double streaming = (Double) prediction(patients.get(i), 1, "production").get(1);
            assertEquals(v2.score(f::get), streaming, 0.0, patients.get(i));
            assertEquals(((DenseVector) scored.collect().get(i).get(raw)).get(1), streaming, 0.0, patients.get(i));
        }
    }

    @Test
    void theChallengerScoresItsHashShareNextToProduction() {
        int challenged = 0;
        for (String patient : patients()) {
            boolean inShare = RiskPolicy.bucket(patient) < 0.5;
            List<Object> production = prediction(patient, 2, "production");
            List<Object> challenger = predictions.get(List.of(patient, time(2), 1L));
            assertEquals(2L, production.get(0));
            assertEquals(!inShare, production.get(2), patient + ": production serves outside the share");
            if (inShare) {
                challenged++;
                assertEquals("challenger", challenger.get(3));
                assertEquals(true, challenger.get(2));
            } else {
                assertEquals(null, challenger, patient + " is outside the challenger's share");
            }
        }
        assertTrue(challenged > 0 && challenged < PATIENTS, "a real split: " + challenged);
    }

    @Test
    void redisHoldsTheServedRiskOfTheNewestRow() {
        try (RedisFeatureStore risk = new RedisFeatureStore(runtime.redisUri() + "/5", ScoringJob.RISK_KEY_PREFIX,
                Duration.ZERO, 1, Duration.ofMillis(1))) {
            for (String patient : patients()) {
                Map<String, String> hash = risk.get(patient);
                assertEquals(Long.toString(time(2).toInstant(ZoneOffset.UTC).toEpochMilli()), hash.get(RedisFeatureStore.EVENT_TIME), patient);
                boolean inShare = RiskPolicy.bucket(patient) < 0.5;
                assertEquals(inShare ? "1" : "2", hash.get("model_version"), patient);
            }
        }
    }

    @Test
    void alertsRiseOnceAndClearWithHysteresis() {
        // The predictions awaited above were committed by a checkpoint, which the alerts sink also flushed at: every
        // alert of those rows is on the topic now.
        Map<String, List<String>> alerts = new HashMap<>();
        for (JsonNode a : AlertsTopic.read(runtime.bootstrap(), ALERTS)) {
            alerts.computeIfAbsent(a.get("patientId").asText(), k -> new ArrayList<>()).add(a.get("type").asText());
        }
        assertEquals(List.of(RiskAlert.RAISED), alerts.get("p0"), "p0 stays high in three rows: one alert");
        assertEquals(List.of(RiskAlert.RAISED, RiskAlert.CLEARED), alerts.get("p1"), "p1 drops from NEWS2 12 to 0");
    }

    @Test
    void everyScoreCarriesItsContributionsAndAnAlertSaysWhyInTheCataloguesWords() throws Exception {
        RiskScorer v2 = RiskScorer.load(modelPath(2));
        ObjectMapper json = new ObjectMapper();
        int checked = 0;
        for (List<Object> r : new PaimonCounts(catalog, DB).rows(ScoringJob.PREDICTIONS_TABLE,
                "patient_id", "event_time", "model_version", "top_contributions")) {
            String patient = (String) r.get(0);
            LocalDateTime t = ((org.apache.paimon.data.Timestamp) r.get(1)).toLocalDateTime();
            assertNotNull(r.get(3), "contributions of " + r);
            JsonNode top = json.readTree(r.get(3).toString());
            assertEquals(2, top.size(), "both of the model's inputs, largest first: " + top);
            if (t.equals(time(1))) {
                Map<String, Object> f = features(patient, 1);
                Explanation expected = v2.explain(f::get);
                for (int k = 0; k < 2; k++) {
                    Explanation.Contribution c = expected.contributions().get(k);
                    assertEquals(c.feature(), top.get(k).get("feature").asText(), patient);
                    assertEquals(((Number) f.get(c.feature())).doubleValue(), top.get(k).get("value").asDouble(), 0.0);
                    assertEquals(c.contribution(), top.get(k).get("contribution").asDouble(), 0.0, patient);
                }
                checked++;
            }
        }
        assertEquals(PATIENTS, checked, "every row of the second batch");
        try (RedisFeatureStore risk = new RedisFeatureStore(runtime.redisUri() + "/5", ScoringJob.RISK_KEY_PREFIX,
                Duration.ZERO, 1, Duration.ofMillis(1))) {
            Map<String, String> hash = risk.get("p2");
            assertEquals(2, json.readTree(hash.get("top_contributions")).size(), hash.toString());
            assertTrue(hash.get("reason").startsWith("NEWS2: 2, ") || hash.get("reason").startsWith("heart rate, mean over 1 h: "),
                    hash.get("reason"));
        }
        JsonNode raised = AlertsTopic.read(runtime.bootstrap(), ALERTS).stream()
                .filter(a -> a.get("patientId").asText().equals("p0")).findFirst().orElseThrow();
        Map<String, Object> f = features("p0", 0);
        assertEquals(Explanations.reason(RiskScorer.load(modelPath(1)).explain(f::get).contributions()),
                raised.get("reason").asText());
        assertTrue(raised.get("reason").asText().contains("NEWS2: 15, +"), raised.toString());
        assertTrue(raised.get("contributions").isArray(), "an array in the alert, not a string: " + raised);
        assertEquals("news2_total", raised.get("contributions").get(0).get("feature").asText(), raised.toString());
    }

    @Test
    void batchScoringOfAConfiguredCohortMatchesTheStreamingScores() throws Exception {
        Path parquet = SharedRuntime.newDirectory("cohort-parquet");
        sql.executeSql("INSERT INTO batch_scoring_configs VALUES ('sick', 'production', 'news2_total >= 5', "
                + "'cohort_scores', '" + parquet.toUri() + "', 'patients with NEWS2 of 5 or more')").await();
        var summary = BatchScoring.run(batchEnvironment(), lake, DB, DB, "sick", RiskPolicy.defaults());
        List<String> sick = patients().stream().filter(p -> (Integer) features(p, 2).get("news2_total") >= 5).toList();
        assertEquals(2, summary.modelVersion());
        assertEquals(sick.size(), summary.rows());
        RiskScorer v2 = RiskScorer.load(modelPath(2));
        Map<String, Double> batch = new HashMap<>();
        for (List<Object> r : new PaimonCounts(catalog, DB).rows("cohort_scores", "patient_id", "score", "event_time")) {
            assertEquals(time(2), ((org.apache.paimon.data.Timestamp) r.get(2)).toLocalDateTime(), "the newest row");
            batch.put((String) r.get(0), (Double) r.get(1));
        }
        assertEquals(Set.copyOf(sick), batch.keySet());
        for (String patient : sick) {
            assertEquals(prediction(patient, 2, "production").get(1), batch.get(patient), patient + ": batch == streaming");
            assertEquals(v2.score(features(patient, 2)::get), batch.get(patient), 0.0, patient);
        }
        List<ParquetExports.Part> parts = ParquetExports.read(parquet);
        assertEquals(sick.size(), ParquetExports.rows(parts), "the Parquet copy holds the cohort");
        assertEquals(Set.of(time(2).toLocalDate().toString()), parts.stream().map(ParquetExports.Part::dt).collect(
                Collectors.toSet()), "in the dt= folder of the rows' event time");
        assertTrue(Files.exists(parquet.resolve(ParquetExport.SUCCESS)));
        var scoredAt = parts.get(0).schema().getType("scored_at");
        assertEquals(LogicalTypeAnnotation.timestampType(true,
                LogicalTypeAnnotation.TimeUnit.MICROS), scoredAt.getLogicalTypeAnnotation());
        assertEquals(Type.Repetition.REQUIRED, scoredAt.getRepetition(), "NOT NULL in the table");
    }

    @Test
    void batchScoringRejectsAnInjectedFilterBeforeRunningAnything() throws Exception {
        sql.executeSql("INSERT INTO batch_scoring_configs VALUES ('evil', 'production', "
                + "'1 = 1; DROP TABLE model_registry', 'evil_scores', CAST(NULL AS STRING), CAST(NULL AS STRING))").await();
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> BatchScoring.run(batchEnvironment(), lake, DB, DB, "evil", RiskPolicy.defaults()));
        assertTrue(e.getMessage().contains("';'"), e.getMessage());
        assertEquals(2, registry.list().size(), "the registry is untouched");
        IllegalArgumentException missing = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> BatchScoring.run(batchEnvironment(), lake, DB, DB, "nope", RiskPolicy.defaults()));
        assertTrue(missing.getMessage().contains("INSERT INTO batch_scoring_configs"), missing.getMessage());
    }

    private static StreamExecutionEnvironment batchEnvironment() {
        StreamExecutionEnvironment env = runtime.flink().environment(new Configuration());
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        return env;
    }

    // ---- fixtures ----

    interface News2 {
        int of(int patient);
    }

    private static List<String> patients() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < PATIENTS; i++) {
            ids.add("p" + i);
        }
        return ids;
    }

    private static LocalDateTime time(int batch) {
        return T0.plusHours(batch);
    }

    private static Map<String, Object> features(String patient, int batch) {
        @SuppressWarnings("unchecked")
        Map<String, Object> b = (Map<String, Object>) batches.get(batch).get(patient);
        return b;
    }

    private static void writeFeatures(int batch, News2 news2) throws Exception {
        Map<String, Object> rows = new HashMap<>();
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < PATIENTS; i++) {
            int score = news2.of(i);
            double hr = 70 + 3 * score + i;
            rows.put("p" + i, Map.of("news2_total", score, "heart_rate_1h_mean", hr));
            values.append(i == 0 ? "" : ", ").append(String.format(java.util.Locale.ROOT,
                    "('p%d', TIMESTAMP '%s', 1, %d, CAST(%s AS DOUBLE))", i, time(batch).format(SQL_TIME), score, hr));
        }
        batches.add(rows);
        sql.executeSql("INSERT INTO patient_features (patient_id, event_time, definition_version, news2_total, "
                + "heart_rate_1h_mean) VALUES " + values).await();
    }

    private static void awaitPredictions(long expected, int batch) throws Exception {
        Await.until(() -> rows().keySet().stream().filter(k -> k.get(1).equals(time(batch))).count() == expected,
                Duration.ofMinutes(2), () -> expected + " predictions of batch " + batch + "; have " + rows().keySet());
    }

    /** (patient, event time, version) -> (version, score, served, role). */
    private static Map<List<Object>, List<Object>> rows() {
        Map<List<Object>, List<Object>> out = new HashMap<>();
        for (List<Object> r : new PaimonCounts(catalog, DB).rows(ScoringJob.PREDICTIONS_TABLE,
                "patient_id", "event_time", "model_version", "score", "served", "role")) {
            LocalDateTime t = ((org.apache.paimon.data.Timestamp) r.get(1)).toLocalDateTime();
            out.put(List.of(r.get(0), t, r.get(2)), List.of(r.get(2), r.get(3), r.get(4), r.get(5)));
        }
        return out;
    }

    private static List<Object> prediction(String patient, int batch, String role) {
        return predictions.entrySet().stream()
                .filter(e -> e.getKey().get(0).equals(patient) && e.getKey().get(1).equals(time(batch))
                        && e.getValue().get(3).equals(role))
                .map(Map.Entry::getValue).findFirst()
                .orElseThrow(() -> new AssertionError("no " + role + " prediction for " + patient + " in batch " + batch));
    }

    private static long min(JobMetrics metrics, String gauge) {
        try {
            return metrics.min(job.getJobID(), gauge);
        } catch (Exception e) {
            return -1;
        }
    }

    private static String modelPath(long version) {
        return models.resolve("v" + version).toString();
    }

    /** A model of risk rising with NEWS2, trained on its own seeded sample, saved and registered. */
    private static void register(long version, long seed) throws Exception {
        TestModels.registerNews2Model(runtime, registry, modelPath(version), version, seed);
    }
}
