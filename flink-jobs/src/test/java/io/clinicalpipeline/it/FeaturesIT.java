package io.clinicalpipeline.it;

import io.clinicalpipeline.events.EventKind;
import io.clinicalpipeline.events.Topics;
import io.clinicalpipeline.features.FeatureJob;
import io.clinicalpipeline.features.RedisFeatureSink;
import io.clinicalpipeline.generator.EventGenerator;
import io.clinicalpipeline.generator.GeneratorConfig;
import io.clinicalpipeline.generator.KafkaEventWriter;
import io.clinicalpipeline.jobs.JobSettings;
import io.clinicalpipeline.jobs.PipelineJobs;
import io.clinicalpipeline.kafka.KafkaTopics;
import io.clinicalpipeline.lake.Lakehouse;
import io.clinicalpipeline.lake.PaimonCounts;
import io.clinicalpipeline.model.features.FeatureCalculator;
import io.clinicalpipeline.online.OnlineFeatureStore;
import io.clinicalpipeline.online.RedisFeatureStore;
import io.clinicalpipeline.reconcile.Reconciler;
import io.clinicalpipeline.runtime.Await;
import io.clinicalpipeline.runtime.LocalRuntime;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.jobgraph.SavepointConfigOptions;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.paimon.catalog.Catalog;
import org.apache.paimon.data.Timestamp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Streaming features (restarted from a checkpoint half way) against batch features over the same silver
 * history, on the real runtime: Paimon rows, Redis hashes, TTL, and the event-time guard under a replay.
 */
class FeaturesIT {

    private static final Duration TTL = Duration.ofHours(48);
    private static FeatureJob.Settings streaming;
    private static LocalRuntime runtime;
    private static JobSettings settings;
    private static Catalog catalog;

    /** Each test writes its own Redis database of the shared server. */
    private static FeatureJob.Settings settings(int redisDb) {
        // A short max wait, so rows emitted ahead of the watermark and corrected later are part of what is checked.
        return new FeatureJob.Settings(Duration.ofSeconds(30), Duration.ofHours(24), Duration.ofSeconds(1), Duration.ofSeconds(2),
                new RedisFeatureSink(redisUri(redisDb), TTL, 200, Duration.ofMillis(100), 5, Duration.ofMillis(100)));
    }

    private static String redisUri(int db) {
        return runtime.redisUri() + "/" + db;
    }

    @BeforeAll
    static void runStreamingAndBatch() throws Exception {
        runtime = SharedRuntime.get();
        streaming = settings(3);
        Topics topics = SharedRuntime.topics("it-features");
        Path checkpoints = SharedRuntime.newDirectory("checkpoints");
        Lakehouse lake = new Lakehouse(SharedRuntime.newDirectory("warehouse").toString());
        settings = new JobSettings(runtime.bootstrap(), topics, lake, "clinical", Duration.ofMillis(500),
                checkpoints.toUri().toString(), Duration.ZERO);
        catalog = lake.openCatalog();
        PaimonCounts silverCounts = new PaimonCounts(catalog, "clinical");
        KafkaTopics.createTopics(runtime.bootstrap(), topics, 2);
        AtomicLong sent = new AtomicLong();
        GeneratorConfig first = GeneratorConfig.defaults(30, Duration.ofHours(5), 7);

        JobClient ingest = PipelineJobs.startIngest(runtime.flink()::environment, settings, false);
        JobClient silver = PipelineJobs.startSilver(runtime.flink()::environment, settings, RuntimeExecutionMode.STREAMING, "clinical");
        try (KafkaEventWriter writer = new KafkaEventWriter(runtime.bootstrap(), topics)) {
            produce(writer, first, sent);
            Await.until(() -> Reconciler.accountedInSilver(topics, silverCounts) == sent.get(), Duration.ofMinutes(3),
                    () -> "silver to account for the first " + sent.get() + " records");

            JobClient features = PipelineJobs.startFeatures(runtime.flink()::environment, settings,
                    RuntimeExecutionMode.STREAMING, "clinical", streaming);
            awaitEveryEventHasARow(silverCounts);
            Path jobCheckpoints = checkpoints.resolve(features.getJobID().toString());
            awaitCheckpoint(jobCheckpoints);
            features.cancel().get();
            // Taken after the cancel: until then a newer checkpoint may replace (and delete) the one seen.
            Path checkpoint = latestCheckpoint(jobCheckpoints);

            // Arrives while the feature job is down; its 24 h windows reach back into the first part, which
            // the restored job knows only from its state.
            produce(writer, first.withStart(first.start().plus(first.duration())), sent);
            Await.until(() -> Reconciler.accountedInSilver(topics, silverCounts) == sent.get(), Duration.ofMinutes(3),
                    () -> "silver to account for all " + sent.get() + " records");
            JobClient restored = PipelineJobs.startFeatures(conf -> {
                conf.set(SavepointConfigOptions.SAVEPOINT_PATH, checkpoint.toUri().toString());
                return runtime.flink().environment(conf);
            }, settings, RuntimeExecutionMode.STREAMING, "clinical", streaming);
            try {
                awaitEveryEventHasARow(silverCounts);
                PipelineJobs.startFeatures(runtime.flink()::environment, settings, RuntimeExecutionMode.BATCH, "offline",
                        new FeatureJob.Settings(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, null)).getJobExecutionResult().get();
                // Corrections from late events commit with a later checkpoint than the rows they correct.
                Await.until(() -> rows("clinical").equals(rows("offline")) && redisAgreesWithBatch(3),
                        Duration.ofMinutes(1), () -> "streaming features to converge on the batch features");
            } finally {
                restored.cancel().get();
            }
        } finally {
            silver.cancel().get();
            ingest.cancel().get();
        }
    }

    @AfterAll
    static void closeCatalog() throws Exception {
        if (catalog != null) {
            catalog.close();
        }
    }

    private static void produce(KafkaEventWriter writer, GeneratorConfig config, AtomicLong sent) throws Exception {
        writer.write(new EventGenerator(config), 0, counts -> { }, (event, meta) -> sent.incrementAndGet());
    }

    private static void awaitEveryEventHasARow(PaimonCounts silver) throws Exception {
        Set<List<Object>> expected = FeatureJob.expectedRowKeys(silver);
        PaimonCounts features = new PaimonCounts(catalog, "clinical");
        Await.until(() -> new HashSet<>(features.rows(FeatureJob.FEATURES_TABLE, "patient_id", "event_time")).equals(expected),
                Duration.ofMinutes(3), () -> expected.size() + " feature rows, one per (patient, event time) in silver");
    }

    private static void awaitCheckpoint(Path jobDir) throws Exception {
        Await.until(() -> latestCheckpoint(jobDir) != null, Duration.ofMinutes(1), () -> "a completed checkpoint under " + jobDir);
    }

    private static Path latestCheckpoint(Path jobDir) {
        try (Stream<Path> dirs = Files.list(jobDir)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("chk-") && Files.exists(d.resolve("_metadata")))
                    .max(Comparator.comparingLong(d -> Long.parseLong(d.getFileName().toString().substring(4))))
                    .orElse(null);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static Map<List<Object>, List<Object>> rows(String database) {
        return FeatureRowChecks.rows(catalog, database);
    }

    private static Map<String, List<Object>> newestBatchRows() {
        return FeatureRowChecks.newestRows(catalog, "offline");
    }

    private static boolean redisAgreesWithBatch(int db) {
        return FeatureRowChecks.redisHolds(redisUri(db), newestBatchRows());
    }

    @Test
    void streamingWithARestartComputesExactlyTheBatchRows() {
        Map<List<Object>, List<Object>> streaming = rows("clinical");
        Map<List<Object>, List<Object>> batch = rows("offline");
        assertTrue(batch.size() > 1000, "too few feature rows to compare: " + batch.size());
        assertEquals(batch.keySet(), streaming.keySet());
        batch.forEach((key, row) -> assertEquals(row, streaming.get(key), "feature row " + key));
        assertEquals(0, new PaimonCounts(catalog, "clinical").count(FeatureJob.LATE_TABLE),
                "nothing is later than 24 h in this workload");
    }

    @Test
    void redisHoldsEachPatientsBatchRowAtTheirLastEvent() throws Exception {
        Map<String, List<Object>> newest = newestBatchRows();
        assertEquals(30, newest.size());
        Map<String, Timestamp> lastEvent = new HashMap<>();
        FeatureJob.expectedRowKeys(new PaimonCounts(catalog, "clinical")).forEach(k -> lastEvent.merge((String) k.get(0), (Timestamp) k.get(1),
                (a, b) -> a.compareTo(b) >= 0 ? a : b));
        try (OnlineFeatureStore store = new OnlineFeatureStore(redisUri(3))) {
            for (Map.Entry<String, List<Object>> e : newest.entrySet()) {
                assertEquals(lastEvent.get(e.getKey()), e.getValue().get(1), "the newest row is at the last event");
                OnlineFeatureStore.Features online = store.get(e.getKey()).orElseThrow();
                assertEquals(FeatureRowChecks.featureValues(e.getValue()), new ArrayList<>(online.values().values()), e.getKey());
                assertEquals(FeatureCalculator.VERSION, online.definitionVersion());
            }
        }
        assertTrue(redisAgreesWithBatch(3));
    }

    @Test
    void onlineFeaturesExpireAfterTheTtl() throws Exception {
        try (RedisFeatureStore store = new RedisFeatureStore(redisUri(3), Duration.ZERO, 1, Duration.ofMillis(1))) {
            for (String patient : newestBatchRows().keySet()) {
                long ttl = store.ttlOf(patient);
                assertTrue(ttl > 0 && ttl <= TTL.toMillis(), patient + " TTL " + ttl);
            }
        }
    }

    @Test
    void materializeBackfillsAnEmptyStoreAndAnOlderReplayDoesNotMoveItBack() throws Exception {
        FeatureJob.Settings backfill = settings(4);
        PipelineJobs.startMaterialize(runtime.flink()::environment, settings, "offline", backfill.redis())
                .getJobExecutionResult().get();
        assertTrue(redisAgreesWithBatch(4), "materialized store differs from the newest batch rows");

        // An older copy of the offline store: every patient's rows from before their last two hours.
        TableEnvironment tEnv = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        settings.lakehouse().createTables(tEnv, "older");
        tEnv.executeSql("INSERT INTO older.patient_features SELECT f.* FROM offline.patient_features f JOIN "
                + "(SELECT patient_id, MAX(event_time) AS newest FROM offline.patient_features GROUP BY patient_id) n "
                + "ON f.patient_id = n.patient_id WHERE f.event_time < n.newest - INTERVAL '2' HOUR").await();
        assertFalse(new PaimonCounts(catalog, "older").rows(FeatureJob.FEATURES_TABLE).isEmpty());
        PipelineJobs.startMaterialize(runtime.flink()::environment, settings, "older", backfill.redis())
                .getJobExecutionResult().get();
        assertTrue(redisAgreesWithBatch(4), "replaying older rows moved online features backwards");
    }

    /**
     * One patient's silver history copied into its own database with two planted events: a heart rate of 250
     * at T (no feature row before T may see it) and a sepsis at T + 4 h (the label of rows up to 6 h before it).
     */
    @Test
    void trainingSetHasNoLeakageAndLabelsTheHorizon() throws Exception {
        String patient = new PaimonCounts(catalog, "clinical").rows("silver_vitals", "patient_id").stream()
                .map(r -> (String) r.get(0)).min(String::compareTo).orElseThrow();
        TableEnvironment tEnv = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        settings.lakehouse().createTables(tEnv, "planted");
        for (EventKind kind : List.of(EventKind.VITALS, EventKind.LABS, EventKind.MEDICATIONS, EventKind.PATIENTS)) {
            tEnv.executeSql("INSERT INTO " + kind.silverTable() + " SELECT * FROM clinical." + kind.silverTable()
                    + " WHERE patient_id = '" + patient + "'").await();
        }
        java.time.LocalDateTime first = (java.time.LocalDateTime) tEnv.executeSql(
                "SELECT MIN(event_time) FROM silver_vitals").collect().next().getField(0);
        java.time.LocalDateTime planted = first.plusHours(2).plusSeconds(1).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        java.time.LocalDateTime sepsis = planted.plusHours(4);
        tEnv.executeSql(String.format("INSERT INTO silver_vitals VALUES ('%s', '%s', TIMESTAMP '%s', 'planted', 'planted-1', "
                + "250, 120, 80, 16, 97, 37, 'C', FALSE, 'A', 40, 93.3, 2.08, 1.0, 0, 0, 'planted', 0)",
                planted.toLocalDate(), patient, planted.toString().replace('T', ' '))).await();
        tEnv.executeSql(String.format("INSERT INTO silver_adverse_events VALUES ('%s', '%s', TIMESTAMP '%s', 'planted', "
                + "'sepsis', 'planted-2', 'severe', 1.0, 0, 1, 'planted', 0)", sepsis.toLocalDate(), patient, sepsis.toString().replace('T', ' '))).await();
        JobSettings plantedDb = new JobSettings(null, settings.topics(), settings.lakehouse(), "planted", Duration.ofSeconds(1),
                null, Duration.ZERO);
        PipelineJobs.startFeatures(runtime.flink()::environment, plantedDb, RuntimeExecutionMode.BATCH, "planted",
                new FeatureJob.Settings(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, null)).getJobExecutionResult().get();
        var summary = io.clinicalpipeline.features.TrainingSet.build(settings.lakehouse(), "planted",
                new io.clinicalpipeline.features.TrainingSet.Spec("training", List.of("sepsis"), Duration.ofHours(6),
                        Duration.ofHours(24), 0.6, 0.2, io.clinicalpipeline.features.TrainingSet.SplitBy.TIME));

        List<org.apache.flink.types.Row> rows = new ArrayList<>();
        tEnv.executeSql("SELECT event_time, heart_rate_24h_max, label, label_event_time, dataset_split FROM training "
                + "ORDER BY event_time").collect().forEachRemaining(rows::add);
        assertFalse(rows.isEmpty());
        long before = 0;
        long positives = 0;
        for (org.apache.flink.types.Row r : rows) {
            java.time.LocalDateTime t = (java.time.LocalDateTime) r.getField(0);
            Double maxHr = (Double) r.getField(1); // null before the first vitals
            assertTrue(t.isBefore(sepsis), "rows after the outcome are washed out, found one at " + t);
            if (t.isBefore(planted)) {
                before++;
                assertTrue(maxHr == null || maxHr < 250, "the row at " + t + " saw the heart rate planted at " + planted);
            } else {
                assertEquals(250.0, maxHr, "the row at " + t + " missed the heart rate planted at " + planted);
            }
            boolean inHorizon = !t.isBefore(sepsis.minusHours(6));
            assertEquals(inHorizon ? 1 : 0, r.getField(2), "label at " + t);
            assertEquals(inHorizon ? sepsis : null, r.getField(3));
            positives += (Integer) r.getField(2);
            String split = t.isBefore(summary.trainUntil()) ? "train" : t.isBefore(summary.validationUntil()) ? "validation" : "test";
            assertEquals(split, r.getField(4), "split of the row at " + t);
        }
        assertTrue(before > 0 && positives > 0, "the planted events must fall inside the patient's rows");
        List<String> splits = rows.stream().map(r -> (String) r.getField(4)).distinct().toList();
        assertEquals(List.of("train", "validation", "test").subList(0, splits.size()), splits, "splits follow event time");
        assertEquals(positives, summary.rowsAndPositives().values().stream().mapToLong(n -> n[1]).sum());
    }

    /**
     * Split by patient, no patient is in two splits; split by patient and time, test rows are also later than every
     * training row. Positive rows name their outcome's type.
     */
    @Test
    void patientSplitsKeepEachPatientOnOneSide() throws Exception {
        TableEnvironment tEnv = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        settings.lakehouse().createTables(tEnv, "clinical");
        for (var by : io.clinicalpipeline.features.TrainingSet.SplitBy.values()) {
            if (by == io.clinicalpipeline.features.TrainingSet.SplitBy.TIME) {
                continue;
            }
            var summary = io.clinicalpipeline.features.TrainingSet.build(settings.lakehouse(), "clinical",
                    new io.clinicalpipeline.features.TrainingSet.Spec("by_patient",
                            List.of(io.clinicalpipeline.features.TrainingSet.DEFAULT_EVENT_TYPES.split(",")),
                            Duration.ofHours(1), Duration.ofHours(24), 0.6, 0.2, by));
            Map<String, java.util.Set<Object>> splitsOf = new java.util.HashMap<>();
            java.time.LocalDateTime latestTrain = null;
            java.time.LocalDateTime earliestTest = null;
            var it = tEnv.executeSql("SELECT patient_id, event_time, dataset_split, label, label_event_type FROM by_patient").collect();
            while (it.hasNext()) {
                org.apache.flink.types.Row r = it.next();
                splitsOf.computeIfAbsent((String) r.getField(0), p -> new java.util.HashSet<>()).add(r.getField(2));
                assertEquals((Integer) r.getField(3) == 1, r.getField(4) != null, "outcome type only on positive rows: " + r);
                java.time.LocalDateTime t = (java.time.LocalDateTime) r.getField(1);
                if ("test".equals(r.getField(2))) {
                    earliestTest = earliestTest == null || t.isBefore(earliestTest) ? t : earliestTest;
                } else {
                    latestTrain = latestTrain == null || t.isAfter(latestTrain) ? t : latestTrain;
                }
            }
            splitsOf.forEach((patient, splits) -> assertEquals(1, splits.size(), patient + " is in " + splits + " (" + by + ")"));
            assertEquals(java.util.Set.of("train", "validation", "test"), summary.rowsAndPositives().keySet(), by.id());
            if (by == io.clinicalpipeline.features.TrainingSet.SplitBy.PATIENT_TIME) {
                assertTrue(latestTrain.isBefore(earliestTest), "test rows come after training rows: " + latestTrain + " vs "
                        + earliestTest);
            }
        }
    }
}
