package io.clinicalpipeline.it;

import io.clinicalpipeline.lake.Lakehouse;
import io.clinicalpipeline.model.ml.RiskScorer;
import io.clinicalpipeline.online.OnlineFeatureStore;
import io.clinicalpipeline.online.RedisFeatureStore;
import io.clinicalpipeline.registry.ModelRegistry;
import io.clinicalpipeline.registry.ModelVersion;
import io.clinicalpipeline.runtime.Await;
import io.clinicalpipeline.runtime.LocalRuntime;
import io.clinicalpipeline.scoring.RiskPolicy;
import io.clinicalpipeline.serving.Predictor;
import io.clinicalpipeline.serving.ServedModels;
import org.apache.paimon.catalog.Catalog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The prediction service's core on a real Redis and a real Paimon registry: scores equal the row scorer's bit for
 * bit, a promotion is served after the next registry read without a restart, the challenger serves its hash share
 * of patients, old features are marked stale, and an unknown patient or an empty registry are told apart.
 */
class PredictorIT {

    private static final String DB = "serving";
    private static final Instant VALID_AT = Instant.parse("2026-03-01T08:00:00Z");
    private static final int PATIENTS = 40;

    private static Catalog catalog;
    private static ModelRegistry registry;
    private static ServedModels models;
    private static OnlineFeatureStore store;
    private static final Map<String, Map<String, Object>> WRITTEN = new LinkedHashMap<>();
    private static final Map<Long, RiskScorer> SCORERS = new LinkedHashMap<>();

    @BeforeAll
    static void featuresAndTwoModels() throws Exception {
        LocalRuntime runtime = SharedRuntime.get();
        Lakehouse lake = new Lakehouse(SharedRuntime.newDirectory("serving-warehouse").toString());
        lake.createTables(DB);
        catalog = lake.openCatalog();
        registry = new ModelRegistry(catalog, DB);
        Path dir = SharedRuntime.newDirectory("serving-models");
        for (long v = 1; v <= 2; v++) {
            String path = dir.resolve("v" + v).toUri().toString();
            TestModels.registerNews2Model(runtime, registry, path, v, 30 + v);
            SCORERS.put(v, RiskScorer.load(path));
        }
        String uri = runtime.redisUri() + "/12";
        List<RedisFeatureStore.Update> updates = new ArrayList<>();
        for (int i = 0; i < PATIENTS; i++) {
            String patient = String.format("S%04d", i);
            Map<String, Object> values = new LinkedHashMap<>();
            values.put("news2_total", i % 15);
            values.put("heart_rate_1h_mean", 70.0 + i * 1.7);
            WRITTEN.put(patient, values);
            updates.add(new RedisFeatureStore.Update(patient, VALID_AT.toEpochMilli(), Map.of(RedisFeatureStore.VERSION, "1",
                    RedisFeatureStore.VALUES, "{\"news2_total\":" + values.get("news2_total") + ",\"heart_rate_1h_mean\":"
                            + values.get("heart_rate_1h_mean") + "}")));
        }
        try (RedisFeatureStore writer = new RedisFeatureStore(uri, Duration.ofHours(1), 3, Duration.ofMillis(50))) {
            writer.write(updates);
        }
        store = new OnlineFeatureStore(uri);
        models = new ServedModels(registry::list);
    }

    @AfterAll
    static void close() throws Exception {
        models.close();
        store.close();
        catalog.close();
    }

    private static Predictor predictor(Instant now) {
        return new Predictor(store, models, RiskPolicy.defaults(), Duration.ofMinutes(5), Clock.fixed(now, ZoneOffset.UTC));
    }

    /** Production {@code production}, and {@code challenger} with {@code share} (0: none), applied by one registry read. */
    private static void serve(long production, long challenger, double share) throws Exception {
        registry.promote(production, ModelVersion.PRODUCTION, 0, "test");
        registry.promote(challenger, ModelVersion.STAGING, share, "test");
        models.refresh();
    }

    @Test
    void scoresEqualTheRowScorerBitForBitAndAPromotionIsServedWithoutARestart() throws Exception {
        Predictor predictor = predictor(VALID_AT.plusSeconds(30));
        for (long version : new long[] {1, 2}) {
            serve(version, 3 - version, 0);
            for (Map.Entry<String, Map<String, Object>> e : WRITTEN.entrySet()) {
                Predictor.Served served = predictor.forPatient(e.getKey()).orElseThrow();
                assertEquals(SCORERS.get(version).score(e.getValue()::get), served.score(), 0.0, e.getKey());
                assertEquals(version, served.modelVersion());
                assertEquals("production", served.role());
                assertEquals(RiskPolicy.defaults().band(served.score()), served.riskBand());
                assertEquals(VALID_AT, served.validAt());
                assertEquals(Duration.ofSeconds(30), served.age());
                assertFalse(served.stale());
            }
        }
    }

    @Test
    void theChallengerServesItsHashShareOfPatients() throws Exception {
        serve(1, 2, 0.5);
        Predictor predictor = predictor(VALID_AT);
        int challenged = 0;
        for (Map.Entry<String, Map<String, Object>> e : WRITTEN.entrySet()) {
            Predictor.Served served = predictor.forPatient(e.getKey()).orElseThrow();
            boolean expected = RiskPolicy.bucket(e.getKey()) < 0.5;
            assertEquals(expected ? "challenger" : "production", served.role(), e.getKey());
            assertEquals(expected ? 2 : 1, served.modelVersion(), e.getKey());
            assertEquals(SCORERS.get(served.modelVersion()).score(e.getValue()::get), served.score(), 0.0, e.getKey());
            challenged += expected ? 1 : 0;
        }
        assertTrue(challenged > 5 && challenged < PATIENTS - 5, "about half the patients: " + challenged);
    }

    @Test
    void valuesGivenByTheCallerAreScoredByProduction() throws Exception {
        serve(2, 1, 0.5);
        Map<String, Object> given = Map.of("news2_total", 9, "heart_rate_1h_mean", 111.5);
        Predictor.Served served = predictor(VALID_AT).forFeatures(given);
        assertEquals(SCORERS.get(2L).score(given::get), served.score(), 0.0);
        assertEquals("production", served.role());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> predictor(VALID_AT).forFeatures(Map.of("heart_rate", 80)));
        assertTrue(unknown.getMessage().contains("'heart_rate'"), unknown.getMessage());
    }

    @Test
    void oldFeaturesAreStaleAndAnUnknownPatientHasNone() throws Exception {
        serve(1, 2, 0);
        Predictor.Served old = predictor(VALID_AT.plus(Duration.ofMinutes(6))).forPatient("S0001").orElseThrow();
        assertTrue(old.stale(), "6 min old with a 5 min limit");
        assertEquals(Duration.ofMinutes(6), old.age());
        assertTrue(predictor(VALID_AT).forPatient("nobody").isEmpty());
    }

    @Test
    void anEmptyRegistryServesNothingAndAWatchPicksUpThePromotion() throws Exception {
        Lakehouse lake = new Lakehouse(SharedRuntime.newDirectory("serving-empty").toString());
        lake.createTables(DB);
        try (Catalog empty = lake.openCatalog();
             ServedModels watched = new ServedModels(new ModelRegistry(empty, DB)::list).watch(Duration.ofMillis(200))) {
            Predictor predictor = new Predictor(store, watched, RiskPolicy.defaults(), Duration.ofMinutes(5), Clock.systemUTC());
            assertThrows(Predictor.NoModel.class, () -> predictor.forPatient("S0001"));
            ModelRegistry later = new ModelRegistry(empty, DB);
            later.register(registry.get(1).withStage(ModelVersion.NONE, 0, registry.get(1).createdAt()));
            later.promote(1, ModelVersion.PRODUCTION, 0, "test");
            Await.until(() -> watched.current().production() != null, Duration.ofSeconds(30),
                    () -> "the watch to load the promoted version");
            assertEquals(1, predictor.forPatient("S0001").orElseThrow().modelVersion());
        }
    }
}
