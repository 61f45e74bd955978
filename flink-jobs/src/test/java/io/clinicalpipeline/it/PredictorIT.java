package io.clinicalpipeline.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clinicalpipeline.lake.Lakehouse;
import io.clinicalpipeline.model.ml.Explanation;
import io.clinicalpipeline.model.ml.RiskScorer;
import io.clinicalpipeline.online.OnlineFeatureStore;
import io.clinicalpipeline.online.RedisFeatureStore;
import io.clinicalpipeline.registry.ModelRegistry;
import io.clinicalpipeline.registry.ModelVersion;
import io.clinicalpipeline.runtime.Await;
import io.clinicalpipeline.runtime.LocalRuntime;
import io.clinicalpipeline.runtime.Ports;
import io.clinicalpipeline.scoring.Explanations;
import io.clinicalpipeline.scoring.RiskPolicy;
import io.clinicalpipeline.scoring.ScoringJob;
import io.clinicalpipeline.serving.PredictionServer;
import io.clinicalpipeline.serving.Predictor;
import io.clinicalpipeline.serving.ServedModels;
import org.apache.paimon.catalog.Catalog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
    private static final ObjectMapper JSON = new ObjectMapper();

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
        models = ServedModels.following(registry);
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
             ServedModels watched = ServedModels.following(new ModelRegistry(empty, DB)).watch(Duration.ofMillis(200))) {
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

    // The HTTP service over the same core: a real client against a real server.

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static HttpResponse<String> call(PredictionServer server, String method, String path, String body, String token)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.address() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static PredictionServer server(String redisUri, String token) throws Exception {
        return PredictionServer.start(new PredictionServer.Settings("127.0.0.1", 0, 4, 16, token, null),
                new Predictor(new OnlineFeatureStore(redisUri), models, RiskPolicy.defaults(), Duration.ofMinutes(5),
                        Clock.systemUTC()), models,
                new RedisFeatureStore(redisUri, ScoringJob.RISK_KEY_PREFIX, Duration.ZERO, 1, Duration.ofMillis(1)));
    }

    @Test
    void predictOverHttpReturnsTheScoreItsModelAndTheFeaturesAge() throws Exception {
        serve(1, 2, 0);
        try (PredictionServer server = server(SharedRuntime.get().redisUri() + "/12", null)) {
            HttpResponse<String> byPatient = call(server, "POST", "/predict", "{\"patient_id\": \"S0003\"}", null);
            assertEquals(200, byPatient.statusCode(), byPatient.body());
            JsonNode body = JSON.readTree(byPatient.body());
            assertEquals(SCORERS.get(1L).score(WRITTEN.get("S0003")::get), body.get("score").asDouble(), 0.0);
            assertEquals(1, body.get("model").get("version").asLong());
            assertEquals("production", body.get("model").get("role").asText());
            assertEquals(VALID_AT.toString(), body.get("features_valid_at").asText());
            assertTrue(body.get("stale").asBoolean(), "features from March are old: " + body);
            assertTrue(body.get("latency_ms").asDouble() >= 0);
            Explanation why = SCORERS.get(1L).explain(WRITTEN.get("S0003")::get);
            assertEquals(why.margin(), body.get("log_odds").asDouble(), 0.0);
            assertEquals(why.base(), body.get("base_log_odds").asDouble(), 0.0);
            JsonNode top = body.get("top_contributions");
            assertEquals(2, top.size(), "the model's two inputs: " + body);
            double sum = body.get("base_log_odds").asDouble();
            for (int k = 0; k < top.size(); k++) {
                assertEquals(why.contributions().get(k).feature(), top.get(k).get("feature").asText());
                sum += top.get(k).get("contribution").asDouble();
            }
            assertEquals(body.get("log_odds").asDouble(), sum, 1e-9, "every contribution shown: they add up to the log-odds");
            assertEquals(Explanations.reason(why.contributions()), body.get("reason").asText());

            HttpResponse<String> byValues = call(server, "POST", "/predict",
                    "{\"features\": {\"news2_total\": 9, \"heart_rate_1h_mean\": 111.5}}", null);
            assertEquals(200, byValues.statusCode(), byValues.body());
            assertEquals(SCORERS.get(1L).score(Map.<String, Object>of("news2_total", 9, "heart_rate_1h_mean", 111.5)::get),
                    JSON.readTree(byValues.body()).get("score").asDouble(), 0.0);

            assertEquals(200, call(server, "GET", "/ready", null, null).statusCode());
            assertEquals(1, JSON.readTree(call(server, "GET", "/models", null, null).body()).get("production").get("version").asLong());
        }
    }

    @Test
    void badInputIsA400NamingTheFieldAndAnUnknownPatientA404() throws Exception {
        serve(1, 2, 0);
        try (PredictionServer server = server(SharedRuntime.get().redisUri() + "/12", null)) {
            Map<String, String> bad = new LinkedHashMap<>();
            bad.put("{oops", "malformed JSON");
            bad.put("{\"features\": {\"heart_rate_1h_mean\": NaN}}", "malformed JSON");
            bad.put("{\"patient\": \"S0001\"}", "unknown field 'patient'");
            bad.put("{\"patient_id\": 7}", "'patient_id' must be a non-empty string");
            bad.put("{\"patient_id\": \"S0001\", \"features\": {}}", "exactly one of patient_id and features");
            bad.put("{\"features\": {\"heart_rate\": 80}}", "'heart_rate' is not a feature");
            bad.put("{\"features\": {\"heart_rate_1h_mean\": \"fast\"}}", "'heart_rate_1h_mean' must be a number");
            bad.put("{\"features\": {\"news2_total\": [1]}}", "'news2_total' must be a number, a boolean, a string or null");
            for (Map.Entry<String, String> e : bad.entrySet()) {
                HttpResponse<String> r = call(server, "POST", "/predict", e.getKey(), null);
                assertEquals(400, r.statusCode(), e.getKey() + " -> " + r.body());
                assertTrue(JSON.readTree(r.body()).get("error").asText().contains(e.getValue()), e.getKey() + " -> " + r.body());
            }
            assertEquals(404, call(server, "POST", "/predict", "{\"patient_id\": \"nobody\"}", null).statusCode());
            assertEquals(404, call(server, "GET", "/patients/nobody/risk", null, null).statusCode());
            assertEquals(405, call(server, "GET", "/predict", null, null).statusCode());
        }
    }

    @Test
    void theStoredStreamingScoreIsServedAsStored() throws Exception {
        String uri = SharedRuntime.get().redisUri() + "/12";
        try (RedisFeatureStore stored = new RedisFeatureStore(uri, ScoringJob.RISK_KEY_PREFIX, Duration.ofHours(1), 3,
                Duration.ofMillis(50)); PredictionServer server = server(uri, null)) {
            stored.write(List.of(new RedisFeatureStore.Update("S0002", VALID_AT.toEpochMilli(), Map.of("score", "0.8125",
                    "risk_band", "HIGH", "model_version", "2", "model_name", "deterioration", "role", "challenger"))));
            JsonNode body = JSON.readTree(call(server, "GET", "/patients/S0002/risk", null, null).body());
            assertEquals(0.8125, body.get("score").asDouble(), 0.0);
            assertEquals("HIGH", body.get("risk_band").asText());
            assertEquals(2, body.get("model_version").asLong());
            assertEquals(VALID_AT.toString(), body.get("event_time").asText());
        }
    }

    @Test
    void aBearerTokenGuardsEveryRouteButTheProbes() throws Exception {
        serve(1, 2, 0);
        try (PredictionServer server = server(SharedRuntime.get().redisUri() + "/12", "s3cret")) {
            assertEquals(200, call(server, "GET", "/health", null, null).statusCode());
            assertEquals(200, call(server, "GET", "/ready", null, null).statusCode(), "a probe sends no token");
            assertEquals(401, call(server, "GET", "/models", null, null).statusCode());
            assertEquals(401, call(server, "GET", "/metrics", null, null).statusCode());
            assertEquals(401, call(server, "POST", "/predict", "{\"patient_id\": \"S0001\"}", "wrong").statusCode());
            assertEquals(200, call(server, "POST", "/predict", "{\"patient_id\": \"S0001\"}", "s3cret").statusCode());
        }
    }

    @Test
    void withoutRedisPredictAndReadyAre503() throws Exception {
        serve(1, 2, 0);
        try (PredictionServer server = server("redis://127.0.0.1:" + Ports.free(), null)) {
            HttpResponse<String> predict = call(server, "POST", "/predict", "{\"patient_id\": \"S0001\"}", null);
            assertEquals(503, predict.statusCode(), predict.body());
            assertTrue(predict.body().contains("Redis"), predict.body());
            HttpResponse<String> ready = call(server, "GET", "/ready", null, null);
            assertEquals(503, ready.statusCode());
            assertFalse(JSON.readTree(ready.body()).get("redis").asBoolean());
            assertEquals(200, call(server, "POST", "/predict",
                    "{\"features\": {\"news2_total\": 3}}", null).statusCode(), "values given need no Redis");
        }
    }
}
