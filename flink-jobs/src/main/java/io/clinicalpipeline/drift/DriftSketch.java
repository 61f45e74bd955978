package io.clinicalpipeline.drift;

import io.clinicalpipeline.model.drift.DriftReference;
import io.clinicalpipeline.model.drift.FeatureReference;
import io.clinicalpipeline.scoring.ModelRoute;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Where the rows are (beside the scoring operator, in parallel): bins each feature row by the production model's
 * training reference and hands on the counts every {@code flushRows} rows, so the window that computes drift sees a
 * few counts per subtask, not every 170-column row. A new production version starts a new count.
 */
final class DriftSketch extends BroadcastProcessFunction<Row, ModelRoute, DriftPartial> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(DriftSketch.class);
    /** Values of each top numeric feature kept per partial (reservoir sampled), for KS. */
    static final int SAMPLE = 200;
    static final MapStateDescriptor<Long, ModelRoute> ROUTES =
            new MapStateDescriptor<>("drift-model-routes", Types.LONG, TypeInformation.of(ModelRoute.class));

    private final String[] columns;
    private final int flushRows;
    private transient long version;
    private transient String modelPath;
    private transient DriftReference reference;
    private transient int[] columnOf;
    private transient int[] topNumeric;
    private transient int eventTime;
    private transient long firstEventTime;
    private transient long lastEventTime;
    private transient long rows;
    private transient long[][] counts;
    private transient double[][] samples;
    private transient SplittableRandom random;

    DriftSketch(String[] columns, int flushRows) {
        this.columns = columns;
        this.flushRows = flushRows;
    }

    @Override
    public void open(Configuration parameters) {
        random = new SplittableRandom(getRuntimeContext().getIndexOfThisSubtask());
        version = -1;
        eventTime = List.of(columns).indexOf("event_time");
        resetTimes();
    }

    @Override
    public void processElement(Row row, ReadOnlyContext ctx, Collector<DriftPartial> out) throws Exception {
        if (row.getKind() == RowKind.UPDATE_BEFORE || row.getKind() == RowKind.DELETE) {
            return;
        }
        if (version < 0) {
            // After a restore the broadcast state has the routes; the reference itself is not state.
            for (Map.Entry<Long, ModelRoute> e : ctx.getBroadcastState(ROUTES).immutableEntries()) {
                if (e.getValue().isProduction()) {
                    use(e.getValue(), out);
                }
            }
            if (version < 0) {
                return;
            }
        }
        if (reference == null) {
            return;
        }
        List<FeatureReference> features = reference.features();
        for (int f = 0; f < features.size(); f++) {
            counts[f][features.get(f).bin(columnOf[f] < 0 ? null : row.getField(columnOf[f]))]++;
        }
        rows++;
        if (eventTime >= 0 && row.getField(eventTime) instanceof LocalDateTime t) {
            long millis = t.toInstant(ZoneOffset.UTC).toEpochMilli();
            firstEventTime = Math.min(firstEventTime, millis);
            lastEventTime = Math.max(lastEventTime, millis);
        }
        for (int t = 0; t < topNumeric.length; t++) {
            if (topNumeric[t] >= 0 && columnOf[topNumeric[t]] >= 0 && row.getField(columnOf[topNumeric[t]]) instanceof Number v
                    && !Double.isNaN(v.doubleValue())) {
                sample(t, v.doubleValue());
            }
        }
        if (rows >= flushRows) {
            flush(out);
        }
    }

    @Override
    public void processBroadcastElement(ModelRoute route, Context ctx, Collector<DriftPartial> out) throws Exception {
        BroadcastState<Long, ModelRoute> routes = ctx.getBroadcastState(ROUTES);
        routes.put(route.version, route);
        if (route.isProduction() && route.version != version) {
            use(route, out);
        }
    }

    private void use(ModelRoute production, Collector<DriftPartial> out) throws Exception {
        flush(out);
        version = production.version;
        modelPath = production.modelPath;
        Optional<DriftReference> loaded = ReferenceLoader.load(production.modelPath);
        reference = loaded.orElse(null);
        if (reference == null) {
            LOG.warn("event=drift_reference_missing version={} path={}: no drift is measured for this version "
                    + "(models trained by bin/pipeline train carry one)", production.version, production.modelPath);
            return;
        }
        List<FeatureReference> features = reference.features();
        List<String> names = List.of(columns);
        columnOf = features.stream().mapToInt(f -> names.indexOf(f.name())).toArray();
        topNumeric = reference.topFeatures().stream().mapToInt(reference::indexOf)
                .map(f -> f >= 0 && features.get(f).numeric() ? f : -1).toArray();
        counts = new long[features.size()][];
        for (int f = 0; f < features.size(); f++) {
            counts[f] = new long[features.get(f).bins()];
        }
        samples = new double[topNumeric.length][];
        resetSamples();
        LOG.info("event=drift_reference_loaded version={} features={} top={}", version, features.size(), reference.topFeatures());
    }

    /** Reservoir sampling within the partial: each value seen has the same chance to be among the kept. */
    private void sample(int t, double value) {
        double[] s = samples[t];
        int seen = (int) s[0];
        if (seen < SAMPLE) {
            s[1 + seen] = value;
        } else {
            int at = random.nextInt(seen + 1);
            if (at < SAMPLE) {
                s[1 + at] = value;
            }
        }
        s[0] = seen + 1;
    }

    private void flush(Collector<DriftPartial> out) {
        if (reference == null || rows == 0) {
            return;
        }
        double[][] kept = new double[samples.length][];
        for (int t = 0; t < samples.length; t++) {
            int n = (int) Math.min(SAMPLE, samples[t][0]);
            kept[t] = Arrays.copyOfRange(samples[t], 1, 1 + n);
        }
        out.collect(new DriftPartial(version, modelPath, rows, counts, kept, firstEventTime, lastEventTime));
        rows = 0;
        resetTimes();
        long[][] fresh = new long[counts.length][];
        for (int f = 0; f < counts.length; f++) {
            fresh[f] = new long[counts[f].length];
        }
        counts = fresh;
        resetSamples();
    }

    private void resetTimes() {
        firstEventTime = Long.MAX_VALUE;
        lastEventTime = Long.MIN_VALUE;
    }

    /** Slot 0 counts the values seen; the rest hold the sample. */
    private void resetSamples() {
        for (int t = 0; t < samples.length; t++) {
            samples[t] = new double[1 + SAMPLE];
        }
    }
}
