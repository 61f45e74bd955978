package io.clinicalpipeline.performance;

import io.clinicalpipeline.model.eval.BinaryMetrics;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Rolling performance of each model version (and role), in one subtask: over its last {@code windowRows} labelled
 * predictions, AUROC, AUPRC and calibration, and NEWS2's AUROC and AUPRC on the same rows, measured every
 * {@code emitRows} labels into a {@code model_performance} row and the gauges (labelled by version and role). Each
 * labelled prediction leaves through {@code labelled} as a {@code prediction_outcomes} row numbered in the order the
 * window took it ({@code label_seq}), so any measurement can be recomputed from the rows it covered. Not
 * checkpointed: after a restart the windows fill again (and the numbering starts over, in a new {@code run_id}).
 */
final class PerformanceWindow extends ProcessFunction<LabelledPrediction, Row> {
    private static final long serialVersionUID = 1L;
    static final int CALIBRATION_BINS = 10;

    private final int windowRows;
    private final int emitRows;
    private final OutputTag<Row> labelled;
    private transient Map<String, Window> windows;
    private transient String runId;

    PerformanceWindow(int windowRows, int emitRows, OutputTag<Row> labelled) {
        this.windowRows = windowRows;
        this.emitRows = emitRows;
        this.labelled = labelled;
    }

    @Override
    public void open(Configuration parameters) {
        windows = new HashMap<>();
        runId = UUID.randomUUID().toString();
    }

    @Override
    public void processElement(LabelledPrediction p, Context ctx, Collector<Row> out) {
        Window w = windows.computeIfAbsent(p.modelVersion + "/" + p.role, k -> new Window(p.modelVersion, p.role,
                getRuntimeContext().getMetricGroup()));
        w.rows.addLast(p);
        if (w.rows.size() > windowRows) {
            w.rows.removeFirst();
        }
        long seq = ++w.seq;
        LocalDateTime now = LocalDateTime.ofInstant(Instant.ofEpochMilli(ctx.timerService().currentProcessingTime()),
                ZoneOffset.UTC);
        ctx.output(labelled, Row.of(runId, p.modelVersion, p.role, seq, p.patientId,
                LocalDateTime.ofInstant(Instant.ofEpochMilli(p.eventTime), ZoneOffset.UTC), p.score,
                nullIfNaN(p.news2), p.label, p.outcomeType, now));
        if (++w.sinceEmit >= emitRows) {
            w.sinceEmit = 0;
            w.measure();
            out.collect(Row.of(runId, p.modelVersion, p.role, seq, now, (long) w.rows.size(), w.positives,
                    nullIfNaN(w.auroc), nullIfNaN(w.auprc), nullIfNaN(w.news2Auroc), nullIfNaN(w.news2Auprc),
                    w.meanScore, w.observedRate, w.calibrationError));
        }
    }

    private static Double nullIfNaN(double v) {
        return Double.isNaN(v) ? null : v;
    }

    /** One version and role's window and its latest figures (read by the gauges). */
    private static final class Window {
        final ArrayDeque<LabelledPrediction> rows = new ArrayDeque<>();
        int sinceEmit;
        long seq;
        /** The window's size at the last measurement (the deque itself is the task thread's). */
        volatile int measuredRows;
        volatile long positives;
        volatile double auroc = Double.NaN;
        volatile double auprc = Double.NaN;
        volatile double news2Auroc = Double.NaN;
        volatile double news2Auprc = Double.NaN;
        volatile double meanScore = Double.NaN;
        volatile double observedRate = Double.NaN;
        volatile double calibrationError = Double.NaN;

        Window(long version, String role, MetricGroup metrics) {
            MetricGroup g = metrics.addGroup("model_version", Long.toString(version)).addGroup("role", role);
            g.gauge("liveAuroc", (Gauge<Double>) () -> auroc);
            g.gauge("liveAuprc", (Gauge<Double>) () -> auprc);
            g.gauge("liveNews2Auroc", (Gauge<Double>) () -> news2Auroc);
            g.gauge("liveNews2Auprc", (Gauge<Double>) () -> news2Auprc);
            g.gauge("livePositives", (Gauge<Long>) () -> positives);
            g.gauge("liveLabelledRows", (Gauge<Integer>) () -> measuredRows);
            g.gauge("liveCalibrationError", (Gauge<Double>) () -> calibrationError);
        }

        void measure() {
            int n = rows.size();
            measuredRows = n;
            double[] scores = new double[n];
            double[] news2 = new double[n];
            double[] labels = new double[n];
            double[] binScore = new double[CALIBRATION_BINS];
            double[] binPositive = new double[CALIBRATION_BINS];
            int[] binRows = new int[CALIBRATION_BINS];
            int i = 0;
            long pos = 0;
            double sum = 0;
            for (LabelledPrediction p : rows) {
                scores[i] = p.score;
                news2[i] = Double.isNaN(p.news2) ? Double.NEGATIVE_INFINITY : p.news2;
                labels[i] = p.label;
                pos += p.label;
                sum += p.score;
                int b = Math.min(CALIBRATION_BINS - 1, (int) (p.score * CALIBRATION_BINS));
                binScore[b] += p.score;
                binPositive[b] += p.label;
                binRows[b]++;
                i++;
            }
            positives = pos;
            meanScore = sum / n;
            observedRate = (double) pos / n;
            double ece = 0;
            for (int b = 0; b < CALIBRATION_BINS; b++) {
                if (binRows[b] > 0) {
                    ece += (double) binRows[b] / n * Math.abs(binScore[b] / binRows[b] - binPositive[b] / binRows[b]);
                }
            }
            calibrationError = ece;
            boolean bothClasses = pos > 0 && pos < n;
            BinaryMetrics model = bothClasses ? BinaryMetrics.of(scores, labels, 0.5) : null;
            BinaryMetrics baseline = bothClasses ? BinaryMetrics.of(news2, labels, 5) : null;
            auroc = model == null ? Double.NaN : model.auroc();
            auprc = model == null ? Double.NaN : model.auprc();
            news2Auroc = baseline == null ? Double.NaN : baseline.auroc();
            news2Auprc = baseline == null ? Double.NaN : baseline.auprc();
        }
    }
}
