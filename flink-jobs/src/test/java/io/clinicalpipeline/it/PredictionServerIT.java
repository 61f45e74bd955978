package io.clinicalpipeline.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.clinicalpipeline.lake.Lakehouse;
import io.clinicalpipeline.online.OnlineFeatureStore;
import io.clinicalpipeline.online.RedisFeatureStore;
import io.clinicalpipeline.registry.ModelRegistry;
import io.clinicalpipeline.registry.ModelVersion;
import io.clinicalpipeline.runtime.Await;
import io.clinicalpipeline.runtime.LocalRedis;
import io.clinicalpipeline.scoring.RiskPolicy;
import io.clinicalpipeline.scoring.ScoringJob;
import io.clinicalpipeline.serving.PredictionServer;
import io.clinicalpipeline.serving.Predictor;
import io.clinicalpipeline.serving.ServedModels;
import org.apache.paimon.catalog.Catalog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The prediction service as an operator runs it, on a Redis server of its own that the tests pause, stop and
 * restart: {@code /metrics} in Prometheus' format, a 503 at once under overload while {@code /health} still answers,
 * recovery from a Redis restart without restarting the service, and HTTPS.
 */
class PredictionServerIT {

    private static final String DB = "serving";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final List<String> PATIENTS = List.of("R0001", "R0002", "R0003");

    private static LocalRedis redis;
    private static Catalog catalog;
    private static ModelRegistry registry;
    private static ServedModels models;

    @BeforeAll
    static void redisFeaturesAndAModel() throws Exception {
        Lakehouse lake = new Lakehouse(SharedRuntime.newDirectory("serve-ops-warehouse").toString());
        lake.createTables(DB);
        catalog = lake.openCatalog();
        registry = new ModelRegistry(catalog, DB);
        Path dir = SharedRuntime.newDirectory("serve-ops-models");
        for (long v = 1; v <= 2; v++) {
            TestModels.registerNews2Model(SharedRuntime.get(), registry, dir.resolve("v" + v).toUri().toString(), v, 50 + v);
        }
        registry.promote(1, ModelVersion.PRODUCTION, 0, "test");
        models = ServedModels.following(registry);
        models.refresh();
        redis = LocalRedis.start(SharedRuntime.newDirectory("serve-ops-redis"));
        List<RedisFeatureStore.Update> updates = new ArrayList<>();
        for (String patient : PATIENTS) {
            updates.add(new RedisFeatureStore.Update(patient, Instant.now().toEpochMilli(), Map.of(RedisFeatureStore.VERSION,
                    "1", RedisFeatureStore.VALUES, "{\"news2_total\": 4, \"heart_rate_1h_mean\": 96.0}")));
        }
        try (RedisFeatureStore writer = new RedisFeatureStore(redis.uri(), Duration.ZERO, 3, Duration.ofMillis(50))) {
            writer.write(updates);
        }
    }

    @AfterAll
    static void close() throws Exception {
        models.close();
        catalog.close();
        redis.close();
    }

    private static PredictionServer server(int threads, int maxQueued, PredictionServer.Tls tls) throws IOException {
        return PredictionServer.start(new PredictionServer.Settings("127.0.0.1", 0, threads, maxQueued, null, tls),
                new Predictor(new OnlineFeatureStore(redis.uri()), models, RiskPolicy.defaults(), Duration.ofMinutes(5),
                        Clock.systemUTC()), models,
                new RedisFeatureStore(redis.uri(), ScoringJob.RISK_KEY_PREFIX, Duration.ZERO, 1, Duration.ofMillis(1)));
    }

    private static HttpRequest request(PredictionServer server, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.address() + path)).timeout(Duration.ofSeconds(60));
        return (body == null ? b.GET() : b.POST(HttpRequest.BodyPublishers.ofString(body))).build();
    }

    private static HttpResponse<String> call(PredictionServer server, String path, String body) throws Exception {
        return HTTP.send(request(server, path, body), HttpResponse.BodyHandlers.ofString());
    }

    private static String predictBody(String patient) {
        return "{\"patient_id\": \"" + patient + "\"}";
    }

    /** The value of one sample in Prometheus' text format, or NaN when the series is absent. */
    private static double sample(String exposition, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(exposition);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    @Test
    void metricsCountRequestsByRouteAndStatusTimeThemAndShowTheVersionServed() throws Exception {
        try (PredictionServer server = server(2, 8, null)) {
            for (String patient : PATIENTS) {
                assertEquals(200, call(server, "/predict", predictBody(patient)).statusCode());
            }
            assertEquals(404, call(server, "/predict", predictBody("nobody")).statusCode());
            assertEquals(404, call(server, "/patients/R0001/risk", null).statusCode());
            HttpResponse<String> scrape = call(server, "/metrics", null);
            assertEquals(200, scrape.statusCode());
            assertTrue(scrape.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), scrape.headers().map().toString());
            String text = scrape.body();
            assertEquals(3.0, sample(text, "clinical_serve_requests_total{route=\"/predict\",status=\"200\"}"), text);
            assertEquals(1.0, sample(text, "clinical_serve_requests_total{route=\"/predict\",status=\"404\"}"), text);
            assertEquals(1.0, sample(text, "clinical_serve_requests_total{route=\"/patients/{id}/risk\",status=\"404\"}"),
                    "one series for every patient's risk route: " + text);
            assertEquals(4.0, sample(text, "clinical_serve_request_duration_seconds_count{route=\"/predict\"}"), text);
            double within = sample(text, "clinical_serve_request_duration_seconds_bucket{route=\"/predict\",le=\"+Inf\"}");
            assertEquals(4.0, within, text);
            assertEquals(1.0, sample(text, "clinical_serve_model_version{model_name=\"deterioration\",role=\"production\"}"), text);
            assertTrue(Double.isNaN(sample(text, "clinical_serve_model_version{model_name=\"deterioration\",role=\"challenger\"}")));

            registry.promote(2, ModelVersion.STAGING, 0.25, "test");
            models.refresh();
            String after = call(server, "/metrics", null).body();
            assertEquals(2.0, sample(after, "clinical_serve_model_version{model_name=\"deterioration\",role=\"challenger\"}"), after);
            assertEquals(1.0, sample(after, "clinical_serve_requests_total{route=\"/metrics\",status=\"200\"}"),
                    "the first scrape is counted after it is answered: " + after);
        } finally {
            registry.promote(2, ModelVersion.NONE, 0, "test");
            models.refresh();
        }
    }

    /**
     * One thread and no queue, and Redis paused (it resumes by itself: a paused Redis postpones even CLIENT UNPAUSE),
     * so the request admitted waits on it. Another request is then refused with a 503 at once, while /health and
     * /metrics still answer. Which of two requests the dispatcher admits first is its choice, so the test tries again
     * until the one held is the Redis one.
     */
    @Test
    void overloadIsRefusedWithA503AtOnceAndHealthStillAnswers() throws Exception {
        URI uri = URI.create(redis.uri());
        try (PredictionServer server = server(1, 0, null)) {
            HttpResponse<String> refused = null;
            CompletableFuture<HttpResponse<String>> held = null;
            for (int attempt = 0; attempt < 5 && refused == null; attempt++) {
                try (Jedis admin = new Jedis(uri.getHost(), uri.getPort(), 10_000)) {
                    admin.clientPause(3_000);
                }
                held = HTTP.sendAsync(request(server, "/predict", predictBody("R0001")), HttpResponse.BodyHandlers.ofString());
                while (!held.isDone() && refused == null) {
                    // Values given need no Redis: answered 200 unless the one thread is taken.
                    HttpResponse<String> probe = call(server, "/predict", "{\"features\": {\"news2_total\": 2}}");
                    if (probe.statusCode() == 503) {
                        refused = probe;
                    } else {
                        assertEquals(200, probe.statusCode(), probe.body());
                    }
                }
            }
            assertTrue(refused != null, "a second request while the only thread waits on Redis is refused");
            assertTrue(JSON.readTree(refused.body()).get("error").asText().contains("overloaded"), refused.body());
            assertEquals("1", refused.headers().firstValue("Retry-After").orElse(null));
            assertEquals(200, call(server, "/health", null).statusCode(), "liveness answers under overload");
            String text = call(server, "/metrics", null).body();
            assertTrue(sample(text, "clinical_serve_requests_total{route=\"/predict\",status=\"503\"}") >= 1, text);
            int answered = held.get(60, TimeUnit.SECONDS).statusCode();
            assertTrue(answered == 200 || answered == 503, "the held request is answered, by Redis or its timeout: " + answered);
        } finally {
            try (Jedis admin = new Jedis(uri.getHost(), uri.getPort(), 10_000)) {
                admin.ping(); // returns once the pause is over, so the next test starts on a running Redis
            }
        }
    }

    @Test
    void aRedisRestartIsA503MeanwhileAndServedAgainAfterWithoutRestartingTheService() throws Exception {
        try (PredictionServer server = server(2, 8, null)) {
            assertEquals(200, call(server, "/predict", predictBody("R0002")).statusCode());
            redis.stop();
            try {
                HttpResponse<String> down = call(server, "/predict", predictBody("R0002"));
                assertEquals(503, down.statusCode(), down.body());
                assertTrue(down.body().contains("Redis"), down.body());
                HttpResponse<String> ready = call(server, "/ready", null);
                assertEquals(503, ready.statusCode());
                assertFalse(JSON.readTree(ready.body()).get("redis").asBoolean(), ready.body());
            } finally {
                redis.start();
            }
            // The connection pool's connections died with the server; each failed borrow replaces one.
            Await.until(() -> status(server, "/predict", predictBody("R0002")) == 200, Duration.ofSeconds(30),
                    () -> "/predict to answer 200 again after Redis restarted");
            assertEquals(200, call(server, "/ready", null).statusCode());
            assertEquals(1, JSON.readTree(call(server, "/predict", predictBody("R0003")).body()).get("model").get("version").asLong());
        }
    }

    private static int status(PredictionServer server, String path, String body) {
        try {
            return call(server, path, body).statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void withAKeystoreItServesHttpsOnly() throws Exception {
        Path dir = SharedRuntime.newDirectory("serve-tls");
        Path keystore = dir.resolve("serve.p12");
        char[] password = "changeit-test".toCharArray();
        keytool("-genkeypair", "-alias", "serve", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", new String(password), "-keypass", new String(password));
        try (PredictionServer server = server(2, 8, new PredictionServer.Tls(keystore, password))) {
            assertTrue(server.address().startsWith("https://127.0.0.1:"), server.address());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(KeyStore.getInstance(keystore.toFile(), password));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            HttpClient https = HttpClient.newBuilder().sslContext(context).build();
            HttpResponse<String> predicted = https.send(request(server, "/predict", predictBody("R0001")),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, predicted.statusCode(), predicted.body());
            assertEquals(1, JSON.readTree(predicted.body()).get("model").get("version").asLong());

            String plain = server.address().replace("https://", "http://");
            assertThrows(IOException.class, () -> HTTP.send(HttpRequest.newBuilder(URI.create(plain + "/health"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()),
                    "plain HTTP to the TLS port gets no answer");
            assertThrows(IOException.class, () -> HTTP.send(request(server, "/health", null), HttpResponse.BodyHandlers.ofString()),
                    "a client that does not trust the certificate is refused");
        }
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "keytool failed: " + out);
    }
}
