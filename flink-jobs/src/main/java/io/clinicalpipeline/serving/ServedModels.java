package io.clinicalpipeline.serving;

import io.clinicalpipeline.model.ml.RiskScorer;
import io.clinicalpipeline.registry.ModelRegistry;
import io.clinicalpipeline.registry.ModelVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The production model and the challenger as the registry says now, loaded once per version and swapped in when a
 * promotion or rollback changes them: what a prediction service scores with, without a restart. A version that
 * fails to load leaves the one before it serving, as in the streaming job.
 */
public final class ServedModels implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServedModels.class);

    /** A registry version with its scorer. */
    public record Loaded(ModelVersion version, RiskScorer scorer) {}

    /** @param production null when nothing is in production; {@code challenger} null without one */
    public record Current(Loaded production, Loaded challenger) {}

    private final Supplier<List<ModelVersion>> registry;
    private final LongSupplier changeMarker;
    private final Map<Long, Loaded> loaded = new HashMap<>();
    private volatile Current current = new Current(null, null);
    private long readAt = Long.MIN_VALUE;
    private boolean rejected;
    private ScheduledExecutorService poller;

    /**
     * @param registry the registry's versions
     * @param changeMarker a value that moves whenever the registry changes; {@link #refresh} reads the registry
     *                     only then
     */
    private ServedModels(Supplier<List<ModelVersion>> registry, LongSupplier changeMarker) {
        this.registry = registry;
        this.changeMarker = changeMarker;
    }

    /**
     * Follows a Paimon registry, reading its versions only when its snapshot has moved. Reading them opens every
     * data file of the table, a Hadoop configuration each: at one read a second that was the largest CPU cost of
     * an idle service, and a latency spike every second for the requests it shared two cores with.
     */
    public static ServedModels following(ModelRegistry registry) {
        return new ServedModels(registry::list, registry::snapshotId);
    }

    public Current current() {
        return current;
    }

    /** Reads the registry, when it has changed since the last read, and applies what changed. */
    public synchronized Current refresh() {
        long marker = changeMarker.getAsLong();
        if (marker == readAt) {
            return current;
        }
        rejected = false;
        ModelVersion production = null;
        ModelVersion challenger = null;
        for (ModelVersion v : registry.get()) {
            production = ModelVersion.PRODUCTION.equals(v.stage()) ? v : production;
            challenger = v.isChallenger() ? v : challenger;
        }
        Current before = current;
        Loaded p = load(production, before.production());
        Loaded c = challenger == null ? null : load(challenger, before.challenger());
        current = new Current(p, c);
        // Versions no longer served are let go: a long-running service sees many promotions.
        loaded.keySet().retainAll(java.util.Set.of(version(p), version(c)));
        if (version(p) != version(before.production()) || version(c) != version(before.challenger())) {
            LOG.info("event=served_models_changed production={} challenger={} share={}", version(p), version(c),
                    c == null ? 0 : c.version().trafficShare());
        }
        // A version that failed to load (its files still being copied, say) is tried again on the next refresh.
        readAt = rejected ? Long.MIN_VALUE : marker;
        return current;
    }

    /** Refreshes every {@code every} on a daemon thread until closed. */
    public ServedModels watch(Duration every) {
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "served-models-watch");
            t.setDaemon(true);
            return t;
        });
        poller.scheduleWithFixedDelay(() -> {
            try {
                refresh();
            } catch (RuntimeException e) {
                // An unreadable registry (storage down) keeps the models that serve now.
                LOG.warn("event=registry_unreadable error=\"{}\"", e.toString());
            }
        }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private Loaded load(ModelVersion v, Loaded fallback) {
        if (v == null) {
            return null;
        }
        Loaded known = loaded.get(v.version());
        if (known != null) {
            // The same files; the stage or share may have moved.
            return new Loaded(v, known.scorer());
        }
        try {
            Loaded fresh = new Loaded(v, RiskScorer.load(v.modelPath()));
            loaded.put(v.version(), fresh);
            return fresh;
        } catch (Exception e) {
            rejected = true;
            LOG.error("event=model_rejected version={} path={} error=\"{}\"; version {} keeps serving", v.version(),
                    v.modelPath(), e.getMessage(), version(fallback));
            return fallback;
        }
    }

    private static long version(Loaded l) {
        return l == null ? 0 : l.version().version();
    }

    @Override
    public void close() {
        if (poller != null) {
            poller.shutdownNow();
        }
    }
}
