package io.clinicalpipeline.serving;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.util.RawValue;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.clinicalpipeline.model.ml.Explanation;
import io.clinicalpipeline.online.RedisFeatureStore;
import io.clinicalpipeline.registry.ModelVersion;
import io.clinicalpipeline.scoring.Explanations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code bin/pipeline serve}: the online prediction service over the JDK's HTTP server (HTTPS with a keystore), JSON
 * in and out. {@code GET /health}, {@code GET /ready}, {@code GET /models}, {@code GET /metrics} (Prometheus text),
 * {@code GET /patients/{id}/risk} (the streaming job's stored score) and {@code POST /predict} with
 * {@code {"patient_id": …}} or {@code {"features": {…}}}. Bad input is a 400 naming the field, an unknown patient a
 * 404, no model or no Redis a 503; with a bearer token every route but the probes ({@code /health},
 * {@code /ready}) asks for it.
 */
public final class PredictionServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PredictionServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 1 << 20;

    /**
     * @param maxQueued requests admitted beyond the {@code threads} being served; past that a request is answered 503
     *                  at once instead of waiting in a queue that only grows
     * @param bearerToken null: no authentication
     * @param tls null: plain HTTP
     */
    public record Settings(String host, int port, int threads, int maxQueued, String bearerToken, Tls tls) {}

    /** A keystore (PKCS12 or JKS) holding the server's key and certificate chain. */
    public record Tls(Path keystore, char[] password) {}

    /** What a route answers: a status and a body, JSON unless a content type is given. */
    private record Reply(int status, Object body, String contentType) {
        Reply(int status, Object body) {
            this(status, body, null);
        }
    }

    /** A 4xx or 5xx with its reason. */
    private static final class Refused extends RuntimeException {
        final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private final HttpServer server;
    private final ThreadPoolExecutor workers;
    private final ExecutorService shedding;
    private volatile Thread shedder;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final int admitted;
    private final Predictor predictor;
    private final ServedModels models;
    private final RedisFeatureStore risk;
    private final String bearerToken;
    private final ServingMetrics metrics;

    private PredictionServer(Settings s, Predictor predictor, ServedModels models, RedisFeatureStore risk) throws IOException {
        // Without it the JDK server's separate header and body writes meet the client's delayed ACK: 40 ms a request.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        this.predictor = predictor;
        this.models = models;
        this.risk = risk;
        this.bearerToken = s.bearerToken();
        this.admitted = s.threads() + s.maxQueued();
        this.metrics = new ServingMetrics(models, inFlight::get);
        InetSocketAddress address = new InetSocketAddress(s.host(), s.port());
        this.server = s.tls() == null ? HttpServer.create(address, 1024) : https(address, s.tls());
        this.workers = new ThreadPoolExecutor(s.threads(), s.threads(), 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                daemon("predict-http"));
        this.shedding = Executors.newSingleThreadExecutor(r -> {
            Thread t = daemon("predict-shed").newThread(r);
            shedder = t;
            return t;
        });
        server.setExecutor(this::admit);
        server.createContext("/", this::handle);
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    private static HttpsServer https(InetSocketAddress address, Tls tls) throws IOException {
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(KeyStore.getInstance(tls.keystore().toFile(), tls.password()), tls.password());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            HttpsServer https = HttpsServer.create(address, 1024);
            https.setHttpsConfigurator(new HttpsConfigurator(context));
            return https;
        } catch (GeneralSecurityException | IOException e) {
            throw new IOException("cannot use the TLS keystore " + tls.keystore() + " (" + e.getMessage() + "); it must be "
                    + "PKCS12 or JKS holding a key and its certificate, e.g. keytool -genkeypair -keyalg EC -storetype "
                    + "PKCS12 -keystore serve.p12 -dname CN=<host> -ext SAN=dns:<host>", e);
        }
    }

    /** @param risk the streaming job's scores, {@code risk:{patient_id}} */
    public static PredictionServer start(Settings s, Predictor predictor, ServedModels models, RedisFeatureStore risk)
            throws IOException {
        PredictionServer p = new PredictionServer(s, predictor, models, risk);
        p.server.start();
        LOG.info("event=serve_started address={} threads={} max_queued={} auth={} tls={}", p.address(), s.threads(),
                s.maxQueued(), s.bearerToken() != null, s.tls() != null);
        return p;
    }

    public String address() {
        InetSocketAddress a = server.getAddress();
        return (server instanceof HttpsServer ? "https://" : "http://") + a.getHostString() + ":" + a.getPort();
    }

    /**
     * The server's executor. An exchange past the admitted count goes to one shedding thread, which answers it 503 in
     * microseconds (or serves {@code /health} and {@code /metrics}, which touch neither Redis nor a model), so a
     * caller under overload gets a fast refusal and a probe still sees the service alive.
     */
    private void admit(Runnable exchange) {
        if (inFlight.incrementAndGet() > admitted) {
            inFlight.decrementAndGet();
            shedding.execute(exchange);
            return;
        }
        try {
            workers.execute(() -> {
                try {
                    exchange.run();
                } finally {
                    inFlight.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException e) {
            inFlight.decrementAndGet();
            throw e;
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        long started = System.nanoTime();
        String path = ex.getRequestURI().getPath();
        String route = routeOf(path);
        Reply reply;
        try {
            if (Thread.currentThread() == shedder && !route.equals("/health") && !route.equals("/metrics")) {
                ex.getResponseHeaders().set("Retry-After", "1");
                throw new Refused(503, "overloaded: " + admitted + " requests are being served or queued (--threads + "
                        + "--max-queued); retry shortly");
            }
            reply = route(ex, path, started);
        } catch (Refused r) {
            reply = new Reply(r.status, Map.of("error", r.getMessage()));
        } catch (Predictor.NoModel e) {
            reply = new Reply(503, Map.of("error", e.getMessage()));
        } catch (redis.clients.jedis.exceptions.JedisException e) {
            reply = new Reply(503, Map.of("error", "the online store (Redis) is unreachable: " + e.getMessage()));
        } catch (RuntimeException e) {
            LOG.error("event=request_failed path={} error=\"{}\"", path, e.toString());
            reply = new Reply(500, Map.of("error", "internal error: " + e.getMessage()));
        }
        byte[] body = reply.contentType() == null ? JSON.writeValueAsBytes(reply.body()) : (byte[]) reply.body();
        ex.getResponseHeaders().set("Content-Type", reply.contentType() == null ? "application/json" : reply.contentType());
        ex.sendResponseHeaders(reply.status(), body.length);
        ex.getResponseBody().write(body);
        ex.close();
        metrics.answered(route, reply.status(), System.nanoTime() - started);
    }

    /** The route as a metric label: a patient's id would give every patient a time series of its own. */
    private static String routeOf(String path) {
        return switch (path) {
            case "/health", "/ready", "/models", "/metrics", "/predict" -> path;
            default -> path.startsWith("/patients/") && path.endsWith("/risk") ? "/patients/{id}/risk" : "other";
        };
    }

    private Reply route(HttpExchange ex, String path, long started) throws IOException {
        String method = ex.getRequestMethod();
        if (path.equals("/health")) {
            return get(method, () -> new Reply(200, Map.of("status", "alive")));
        }
        // Readiness answers without a token: an orchestrator's probe cannot send one, and it tells only yes or no.
        if (path.equals("/ready")) {
            return get(method, this::ready);
        }
        authenticate(ex);
        if (path.equals("/models")) {
            return get(method, this::modelsServed);
        }
        if (path.equals("/metrics")) {
            return get(method, () -> new Reply(200, metrics.scrape(), ServingMetrics.CONTENT_TYPE));
        }
        if (path.startsWith("/patients/") && path.endsWith("/risk")) {
            String id = path.substring("/patients/".length(), path.length() - "/risk".length());
            return get(method, () -> storedRisk(id));
        }
        if (path.equals("/predict")) {
            if (!method.equals("POST")) {
                throw new Refused(405, "/predict takes POST");
            }
            return predict(read(ex), started);
        }
        throw new Refused(404, "no route " + method + " " + path + "; routes: /health, /ready, /models, "
                + "/metrics, /patients/{id}/risk, POST /predict");
    }

    private static Reply get(String method, java.util.function.Supplier<Reply> answer) {
        if (!method.equals("GET")) {
            throw new Refused(405, "this route takes GET");
        }
        return answer.get();
    }

    private void authenticate(HttpExchange ex) {
        if (bearerToken == null) {
            return;
        }
        String given = ex.getRequestHeaders().getFirst("Authorization");
        if (given == null || !java.security.MessageDigest.isEqual(("Bearer " + bearerToken).getBytes(StandardCharsets.UTF_8),
                given.getBytes(StandardCharsets.UTF_8))) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            throw new Refused(401, "a bearer token is required (Authorization: Bearer <token>)");
        }
    }

    private Reply ready() {
        Map<String, Object> body = new LinkedHashMap<>();
        ServedModels.Current current = models.current();
        boolean redis;
        try {
            risk.get("_ready_probe");
            redis = true;
        } catch (redis.clients.jedis.exceptions.JedisException e) {
            redis = false;
        }
        boolean model = current.production() != null;
        body.put("ready", redis && model);
        body.put("redis", redis);
        body.put("production_version", model ? current.production().version().version() : null);
        return new Reply(redis && model ? 200 : 503, body);
    }

    private Reply modelsServed() {
        ServedModels.Current current = models.current();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("production", describe(current.production()));
        body.put("challenger", describe(current.challenger()));
        return new Reply(200, body);
    }

    private static Map<String, Object> describe(ServedModels.Loaded loaded) {
        if (loaded == null) {
            return null;
        }
        ModelVersion v = loaded.version();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", v.name());
        m.put("version", v.version());
        m.put("algorithm", v.algorithm());
        m.put("stage", v.stage());
        m.put("traffic_share", v.trafficShare());
        m.put("input_columns", v.inputColumns());
        return m;
    }

    private Reply storedRisk(String patientId) {
        Map<String, String> hash = risk.get(patientId);
        if (hash.isEmpty()) {
            throw new Refused(404, "no stored risk for patient " + patientId);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("patient_id", patientId);
        body.put("score", Double.parseDouble(hash.get("score")));
        body.put("risk_band", hash.get("risk_band"));
        body.put("model_name", hash.get("model_name"));
        body.put("model_version", Long.parseLong(hash.get("model_version")));
        body.put("role", hash.get("role"));
        String eventTime = hash.get(RedisFeatureStore.EVENT_TIME);
        body.put("event_time", eventTime == null ? null : Instant.ofEpochMilli(Long.parseLong(eventTime)).toString());
        return new Reply(200, body);
    }

    private Reply predict(JsonNode request, long started) {
        if (!request.isObject()) {
            throw new Refused(400, "the body must be a JSON object with patient_id or features");
        }
        for (Iterator<String> names = request.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("patient_id") && !name.equals("features")) {
                throw new Refused(400, "unknown field '" + name + "': the body takes patient_id or features");
            }
        }
        if (request.has("patient_id") == request.has("features")) {
            throw new Refused(400, "give exactly one of patient_id and features");
        }
        Predictor.Served served;
        String patientId = null;
        if (request.has("patient_id")) {
            JsonNode id = request.get("patient_id");
            if (!id.isTextual() || id.asText().isBlank()) {
                throw new Refused(400, "'patient_id' must be a non-empty string");
            }
            patientId = id.asText();
            Optional<Predictor.Served> found = predictor.forPatient(patientId);
            if (found.isEmpty()) {
                throw new Refused(404, "no online features for patient " + patientId);
            }
            served = found.get();
        } else {
            JsonNode features = request.get("features");
            if (!features.isObject()) {
                throw new Refused(400, "'features' must be an object of feature name to value");
            }
            Map<String, Object> given = new LinkedHashMap<>();
            features.fields().forEachRemaining(e -> given.put(e.getKey(), value(e.getKey(), e.getValue())));
            try {
                served = predictor.forFeatures(given);
            } catch (IllegalArgumentException e) {
                throw new Refused(400, e.getMessage());
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("patient_id", patientId);
        body.put("score", served.score());
        body.put("risk_band", served.riskBand());
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("name", served.modelName());
        model.put("version", served.modelVersion());
        model.put("role", served.role());
        body.put("model", model);
        body.put("features_valid_at", served.validAt().toString());
        body.put("features_age_ms", served.age().toMillis());
        body.put("stale", served.stale());
        Explanation why = served.explanation();
        if (why != null) {
            body.put("log_odds", why.margin());
            body.put("base_log_odds", why.base());
            body.put("top_contributions", new RawValue(Explanations.jsonText(why.top(predictor.explainTop()))));
            body.put("reason", Explanations.reason(why.contributions()));
        }
        body.put("latency_ms", (System.nanoTime() - started) / 1e6);
        return new Reply(200, body);
    }

    private static Object value(String name, JsonNode v) {
        if (v.isNull()) {
            return null;
        }
        if (v.isIntegralNumber()) {
            return v.asLong();
        }
        if (v.isNumber()) {
            return v.asDouble();
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isTextual()) {
            return v.asText();
        }
        throw new Refused(400, "'" + name + "' must be a number, a boolean, a string or null");
    }

    private static JsonNode read(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY + 1);
            if (body.length > MAX_BODY) {
                throw new Refused(413, "the body is over " + MAX_BODY + " bytes");
            }
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new Refused(400, "malformed JSON: " + e.getOriginalMessage());
        }
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
        shedding.shutdownNow();
        LOG.info("event=serve_stopped");
    }
}
