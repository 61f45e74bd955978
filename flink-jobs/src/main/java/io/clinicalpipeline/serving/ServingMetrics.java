package io.clinicalpipeline.serving;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.IntSupplier;

/**
 * What {@code GET /metrics} exposes, in Prometheus' text format: requests by route and status, their latency
 * (a histogram whose buckets straddle the 5 ms target), the requests in flight, and the versions served. Each server
 * has its own registry, so two in one JVM (tests, a blue-green switch) never mix their counts.
 */
final class ServingMetrics {
    static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Counter requests;
    private final Histogram latency;

    ServingMetrics(ServedModels models, IntSupplier inFlight) {
        requests = Counter.builder().name("clinical_serve_requests_total")
                .help("HTTP requests answered, by route and status (503 includes requests shed under overload)")
                .labelNames("route", "status").register(registry);
        latency = Histogram.builder().name("clinical_serve_request_duration_seconds").unit(Unit.SECONDS)
                .help("time from the request's dispatch to its answer, by route")
                .classicOnly().classicUpperBounds(0.0005, 0.001, 0.002, 0.003, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1)
                .withoutExemplars().labelNames("route").register(registry);
        GaugeWithCallback.builder().name("clinical_serve_in_flight_requests")
                .help("requests admitted and not yet answered").callback(cb -> cb.call(inFlight.getAsInt()))
                .register(registry);
        GaugeWithCallback.builder().name("clinical_serve_model_version")
                .help("the registry version served, by role (production, challenger); absent when none")
                .labelNames("role", "model_name").callback(cb -> {
                    ServedModels.Current current = models.current();
                    report(cb, "production", current.production());
                    report(cb, "challenger", current.challenger());
                }).register(registry);
    }

    private static void report(GaugeWithCallback.Callback cb, String role, ServedModels.Loaded loaded) {
        if (loaded != null) {
            cb.call(loaded.version().version(), role, loaded.version().name());
        }
    }

    void answered(String route, int status, long nanos) {
        requests.labelValues(route, Integer.toString(status)).inc();
        latency.labelValues(route).observe(nanos / 1e9);
    }

    byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
