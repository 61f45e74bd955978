package io.clinicalpipeline.drift;

import io.clinicalpipeline.model.drift.Drift;
import io.clinicalpipeline.model.drift.DriftReference;
import io.clinicalpipeline.model.drift.FeatureReference;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sliding window, in one subtask: the last {@code windowRows} (or a little more) scored rows' bin counts from
 * every {@link DriftSketch}, and PSI per feature and KS per top numeric feature against the production model's training
 * reference. Every {@code emitRows} rows it writes one {@code feature_drift} row per feature; the top features' PSI
 * and KS, and their largest PSI, are gauges all the time. The window is not checkpointed: after a restart it fills
 * again from the rows that follow.
 */
final class DriftWindow extends ProcessFunction<DriftPartial, Row> {
    private static final long serialVersionUID = 1L;

    private final long windowRows;
    private final long emitRows;
    /** Read by the gauges, as is {@code rows}. */
    private transient volatile long version;
    private transient DriftReference reference;
    private transient ArrayDeque<DriftPartial> window;
    private transient long[][] totals;
    private transient volatile long rows;
    private transient long sinceEmit;
    private transient MetricGroup metrics;
    /** The gauges' values: each top feature's PSI and KS, by feature. */
    private transient Map<String, double[]> topValues;
    private transient volatile double maxTopPsi;

    DriftWindow(long windowRows, long emitRows) {
        this.windowRows = windowRows;
        this.emitRows = emitRows;
    }

    @Override
    public void open(Configuration parameters) {
        version = -1;
        window = new ArrayDeque<>();
        topValues = new HashMap<>();
        maxTopPsi = Double.NaN;
        metrics = getRuntimeContext().getMetricGroup();
        metrics.gauge("driftTopFeatureMaxPsi", (Gauge<Double>) () -> maxTopPsi);
        metrics.gauge("driftModelVersion", (Gauge<Long>) () -> version);
        metrics.gauge("driftWindowRows", (Gauge<Long>) () -> rows);
    }

    @Override
    public void processElement(DriftPartial p, Context ctx, Collector<Row> out) throws Exception {
        if (p.modelVersion != version) {
            start(p);
        }
        window.addLast(p);
        add(p.counts, 1);
        rows += p.rows;
        sinceEmit += p.rows;
        while (window.size() > 1 && rows - window.peekFirst().rows >= windowRows) {
            DriftPartial oldest = window.removeFirst();
            add(oldest.counts, -1);
            rows -= oldest.rows;
        }
        double[] psi = psi();
        double[] ks = ks();
        updateGauges(psi, ks);
        if (sinceEmit >= emitRows) {
            sinceEmit = 0;
            LocalDateTime now = time(ctx.timerService().currentProcessingTime());
            LocalDateTime first = time(window.stream().mapToLong(w -> w.firstEventTime).min().orElse(Long.MAX_VALUE));
            LocalDateTime last = time(window.stream().mapToLong(w -> w.lastEventTime).max().orElse(Long.MIN_VALUE));
            List<FeatureReference> features = reference.features();
            for (int f = 0; f < features.size(); f++) {
                FeatureReference fr = features.get(f);
                int rank = reference.topFeatures().indexOf(fr.name());
                long missing = totals[f][fr.bins() - 1];
                out.collect(Row.of(version, fr.name(), now, rows, psi[f], Double.isNaN(ks[f]) ? null : ks[f],
                        (double) missing / rows, fr.shares()[fr.bins() - 1], rank < 0 ? null : rank + 1, first, last));
            }
        }
    }

    /** Event time as the table stores it; null when no row in the window had one. */
    private static LocalDateTime time(long millis) {
        return millis == Long.MAX_VALUE || millis == Long.MIN_VALUE ? null
                : LocalDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
    }

    private void start(DriftPartial first) {
        version = first.modelVersion;
        window.clear();
        rows = 0;
        sinceEmit = 0;
        try {
            reference = ReferenceLoader.load(first.modelPath).orElseThrow(() -> new IllegalStateException(
                    "version " + first.modelVersion + " has no drift reference at " + first.modelPath
                            + ", yet its rows were binned by one"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        totals = new long[reference.features().size()][];
        for (int f = 0; f < totals.length; f++) {
            totals[f] = new long[reference.features().get(f).bins()];
        }
        topValues.values().forEach(v -> Arrays.fill(v, Double.NaN));
    }

    private void add(long[][] counts, int sign) {
        for (int f = 0; f < counts.length; f++) {
            for (int b = 0; b < counts[f].length; b++) {
                totals[f][b] += sign * counts[f][b];
            }
        }
    }

    private double[] psi() {
        List<FeatureReference> features = reference.features();
        double[] psi = new double[features.size()];
        for (int f = 0; f < psi.length; f++) {
            psi[f] = Drift.psi(features.get(f).shares(), totals[f]);
        }
        return psi;
    }

    /** KS of each top numeric feature over the window's samples (NaN for the others). */
    private double[] ks() {
        List<FeatureReference> features = reference.features();
        double[] ks = new double[features.size()];
        Arrays.fill(ks, Double.NaN);
        List<String> top = reference.topFeatures();
        for (int t = 0; t < top.size(); t++) {
            int f = reference.indexOf(top.get(t));
            if (f < 0 || !features.get(f).numeric()) {
                continue;
            }
            int slot = t;
            double[] values = window.stream().flatMapToDouble(p -> Arrays.stream(p.samples[slot])).sorted().toArray();
            ks[f] = Drift.ks(features.get(f).percentiles(), values);
        }
        return ks;
    }

    private void updateGauges(double[] psi, double[] ks) {
        double max = Double.NaN;
        for (String feature : reference.topFeatures()) {
            int f = reference.indexOf(feature);
            if (f < 0) {
                continue;
            }
            double[] value = topValues.computeIfAbsent(feature, name -> {
                double[] holder = {Double.NaN, Double.NaN};
                MetricGroup group = metrics.addGroup("feature", name);
                group.gauge("driftPsi", (Gauge<Double>) () -> holder[0]);
                group.gauge("driftKs", (Gauge<Double>) () -> holder[1]);
                return holder;
            });
            value[0] = psi[f];
            value[1] = ks[f];
            max = Double.isNaN(max) || psi[f] > max ? psi[f] : max;
        }
        maxTopPsi = max;
    }
}
