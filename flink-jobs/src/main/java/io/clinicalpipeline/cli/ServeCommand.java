package io.clinicalpipeline.cli;

import io.clinicalpipeline.online.OnlineFeatureStore;
import io.clinicalpipeline.online.RedisFeatureStore;
import io.clinicalpipeline.registry.ModelRegistry;
import io.clinicalpipeline.scoring.ScoringJob;
import io.clinicalpipeline.serving.PredictionServer;
import io.clinicalpipeline.serving.Predictor;
import io.clinicalpipeline.serving.ServedModels;
import org.apache.paimon.catalog.Catalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code bin/pipeline serve}: the online prediction service. */
@Command(name = "serve", header = "HTTP prediction service: POST /predict, GET /patients/{id}/risk, /ready, /models, /metrics",
        defaultValueProvider = FeaturesCommand.LocalRedis.class, description = "Serves predictions over HTTP (JSON): "
        + "POST /predict with {\"patient_id\": ...} scores the patient's online features (Redis) with the production "
        + "model, or the challenger for its share of patients; with {\"features\": {...}} it scores the values given. "
        + "GET /patients/{id}/risk returns the streaming job's stored score; GET /health, /ready (Redis reachable and a "
        + "production model loaded), /models and /metrics (Prometheus). A promotion or rollback in the registry is served within --reload-every.")
final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    LakeOptions lake;

    @Mixin
    RedisOptions redis;

    @Mixin
    RiskOptions risk;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1", description = "address to listen on "
            + "(0.0.0.0 in a container)")
    String host;

    @Option(names = "--port", paramLabel = "N", defaultValue = "8080", description = "port to listen on (0: any free one)")
    int port;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "16", description = "request threads")
    int threads;

    @Option(names = "--max-queued", paramLabel = "N", defaultValue = "64", description = "requests that may wait for a "
            + "thread; past that a request is answered 503 with Retry-After at once (/health and /metrics still answer)")
    int maxQueued;

    @Option(names = "--tls-keystore", paramLabel = "FILE", description = "serve HTTPS with the key and certificate in "
            + "this keystore (PKCS12 or JKS)")
    Path tlsKeystore;

    @Option(names = "--tls-password-env", paramLabel = "NAME", defaultValue = "SERVE_TLS_PASSWORD", description = "the "
            + "environment variable holding the keystore's password")
    String tlsPasswordEnv;

    @Option(names = "--stale-after", paramLabel = "DURATION", defaultValue = "5m", description = "features older than "
            + "this are served with \"stale\": true")
    Duration staleAfter;

    @Option(names = "--reload-every", paramLabel = "DURATION", defaultValue = "1s", description = "how often the model "
            + "registry is read for promotions")
    Duration reloadEvery;

    @Option(names = "--token-env", paramLabel = "NAME", description = "require Authorization: Bearer <token> on every route "
            + "but the probes /health and /ready, the token read from this environment variable (never from the command line)")
    String tokenEnv;

    private String secret(String option, String variable) {
        String value = System.getenv(variable);
        if (value == null || value.isBlank()) {
            throw new ParameterException(spec.commandLine(), option + " " + variable + ": the variable is not set");
        }
        return value;
    }

    @Override
    public Integer call() throws Exception {
        String token = tokenEnv == null ? null : secret("--token-env", tokenEnv);
        PredictionServer.Tls tls = tlsKeystore == null ? null
                : new PredictionServer.Tls(tlsKeystore, secret("--tls-password-env", tlsPasswordEnv).toCharArray());
        if (threads < 1 || maxQueued < 0 || reloadEvery.isZero() || reloadEvery.isNegative()) {
            throw new ParameterException(spec.commandLine(), "--threads and --reload-every must be positive, --max-queued "
                    + "not negative");
        }
        try (Catalog catalog = lake.openWithTables();
             ServedModels models = ServedModels.following(new ModelRegistry(catalog, lake.database)).watch(reloadEvery);
             OnlineFeatureStore features = new OnlineFeatureStore(redis.uri());
             RedisFeatureStore scores = new RedisFeatureStore(redis.uri(), ScoringJob.RISK_KEY_PREFIX, Duration.ZERO, 1,
                     Duration.ofMillis(1));
             PredictionServer server = PredictionServer.start(new PredictionServer.Settings(host, port, threads, maxQueued,
                     token, tls),
                     new Predictor(features, models, risk.policy(spec), staleAfter, Clock.systemUTC()), models, scores)) {
            System.out.println("serve: listening on " + server.address() + " (Ctrl-C stops)");
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
        }
        return 0;
    }
}
