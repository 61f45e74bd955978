package io.clinicalpipeline.performance;

import io.clinicalpipeline.scoring.Prediction;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Labels each patient's predictions as their outcomes become known, with the training set's rule: a prediction at t is
 * positive if an outcome happens in (t, t + horizon], negative if none does, and left out if an outcome happened in
 * (t − washout, t]. A positive is labelled as soon as both it and its outcome have arrived, in either order; a
 * negative when the event-time watermark of both inputs passes t + horizon (the watermarks allow for the inputs'
 * lateness), so an outcome topic that lags the others (a backlog being read) delays the negatives instead of losing
 * their outcomes.
 *
 * <p>Input 1: predictions; input 2: outcomes as (patient, event time, type). Both need event-time watermarks.
 */
final class DelayedLabels extends KeyedCoProcessFunction<String, Prediction, Tuple3<String, Long, String>, LabelledPrediction> {
    private static final long serialVersionUID = 1L;

    private final long horizon;
    private final long washout;
    private final Duration stateTtl;
    private transient ListState<Prediction> pending;
    private transient ListState<Tuple2<Long, String>> outcomes;
    private transient Counter labelledPositive;
    private transient Counter labelledNegative;
    private transient Counter leftOut;

    /** @param stateTtl how long a patient's outcomes are kept after the last one arrived */
    DelayedLabels(Duration horizon, Duration washout, Duration stateTtl) {
        this.horizon = horizon.toMillis();
        this.washout = washout.toMillis();
        this.stateTtl = stateTtl;
    }

    @Override
    public void open(Configuration parameters) {
        pending = getRuntimeContext().getListState(new ListStateDescriptor<>("pending-predictions",
                TypeInformation.of(Prediction.class)));
        ListStateDescriptor<Tuple2<Long, String>> outcomesDescriptor = new ListStateDescriptor<>("outcomes",
                Types.TUPLE(Types.LONG, Types.STRING));
        // A patient whose predictions stop keeps no timer that would prune them.
        outcomesDescriptor.enableTimeToLive(StateTtlConfig.newBuilder(stateTtl).build());
        outcomes = getRuntimeContext().getListState(outcomesDescriptor);
        var metrics = getRuntimeContext().getMetricGroup();
        labelledPositive = metrics.counter("predictionsLabelledPositive");
        labelledNegative = metrics.counter("predictionsLabelledNegative");
        leftOut = metrics.counter("predictionsLeftOutAfterOutcome");
    }

    @Override
    public void processElement1(Prediction p, Context ctx, Collector<LabelledPrediction> out) throws Exception {
        List<Tuple2<Long, String>> known = known();
        if (!labelIfKnown(p, known, out)) {
            pending.add(p);
            ctx.timerService().registerEventTimeTimer(p.eventTime + horizon);
        }
    }

    @Override
    public void processElement2(Tuple3<String, Long, String> outcome, Context ctx, Collector<LabelledPrediction> out)
            throws Exception {
        outcomes.add(Tuple2.of(outcome.f1, outcome.f2));
        List<Tuple2<Long, String>> known = known();
        List<Prediction> still = new ArrayList<>();
        for (Prediction p : pending.get()) {
            if (!labelIfKnown(p, known, out)) {
                still.add(p);
            }
        }
        pending.update(still);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<LabelledPrediction> out) throws Exception {
        List<Tuple2<Long, String>> known = known();
        List<Prediction> still = new ArrayList<>();
        for (Prediction p : pending.get()) {
            if (p.eventTime + horizon > timestamp) {
                still.add(p);
            } else if (!labelIfKnown(p, known, out)) {
                out.collect(labelled(p, 0, null));
                labelledNegative.inc();
            }
        }
        pending.update(still);
        // Outcomes that can no longer label or exclude a prediction still to come.
        long oldestUseful = timestamp - horizon - washout;
        known.removeIf(o -> o.f0 < oldestUseful);
        outcomes.update(known);
    }

    private List<Tuple2<Long, String>> known() throws Exception {
        List<Tuple2<Long, String>> known = new ArrayList<>();
        outcomes.get().forEach(known::add);
        return known;
    }

    /** Labels a positive, or counts a prediction in the washout; false when only time can tell. */
    private boolean labelIfKnown(Prediction p, List<Tuple2<Long, String>> known, Collector<LabelledPrediction> out) {
        Tuple2<Long, String> ahead = null;
        for (Tuple2<Long, String> o : known) {
            if (o.f0 <= p.eventTime && o.f0 > p.eventTime - washout) {
                leftOut.inc();
                return true;
            }
            if (o.f0 > p.eventTime && o.f0 <= p.eventTime + horizon && (ahead == null || o.f0 < ahead.f0)) {
                ahead = o;
            }
        }
        if (ahead == null) {
            return false;
        }
        out.collect(labelled(p, 1, ahead.f1));
        labelledPositive.inc();
        return true;
    }

    private static LabelledPrediction labelled(Prediction p, int label, String outcomeType) {
        return new LabelledPrediction(p.patientId, p.eventTime, p.modelVersion, p.role, p.score,
                p.news2 == null ? Double.NaN : p.news2, label, outcomeType);
    }
}
