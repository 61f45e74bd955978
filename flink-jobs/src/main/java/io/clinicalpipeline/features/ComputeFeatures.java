package io.clinicalpipeline.features;

import io.clinicalpipeline.model.features.FeatureCalculator;
import io.clinicalpipeline.model.features.PatientHistory;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Per patient, in event time: each event waits until the watermark passes its time, then joins the
 * patient's history and the features as of that time are emitted. Batch mode fires all timers at the end
 * of input, in time order, so it emits exactly one row per (patient, event time) from the whole history.
 *
 * <p>Lateness is judged per patient, against the newest row already emitted for that patient, not against
 * the global watermark: one ward's gateway that lags behind the others (or a bulk replay read in key order)
 * does not make that ward's events late. An event older than the patient's newest row, but within the
 * allowed lateness, is merged into the history and every row from its time on is emitted again, corrected;
 * downstream both stores are upserts (Paimon by key, Redis by event time), so the streaming result converges
 * to the batch result. Older events go to a side output and are counted, never silently dropped.
 */
public final class ComputeFeatures extends KeyedProcessFunction<String, PatientEvent, Row> {
    private static final long serialVersionUID = 1L;

    private final long allowedLatenessMillis;
    private final OutputTag<PatientEvent> tooLate;
    private transient MapState<Long, List<PatientEvent>> pending;
    private transient ListState<PatientEvent> recent;
    private transient ListState<PatientEvent> profiles;
    private transient ValueState<Long> newestRow;
    private transient Counter lateEvents;
    private transient Counter correctedRows;
    private transient Counter featureUpdates;

    public ComputeFeatures(long allowedLatenessMillis, OutputTag<PatientEvent> tooLate) {
        this.allowedLatenessMillis = allowedLatenessMillis;
        this.tooLate = tooLate;
    }

    @Override
    public void open(Configuration parameters) {
        TypeInformation<PatientEvent> event = Types.POJO(PatientEvent.class);
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending", Types.LONG, Types.LIST(event)));
        recent = getRuntimeContext().getListState(new ListStateDescriptor<>("recent", event));
        profiles = getRuntimeContext().getListState(new ListStateDescriptor<>("profiles", event));
        newestRow = getRuntimeContext().getState(new ValueStateDescriptor<>("newest-row", Types.LONG));
        lateEvents = getRuntimeContext().getMetricGroup().counter("featureLateEvents");
        correctedRows = getRuntimeContext().getMetricGroup().counter("featureCorrectedRows");
        featureUpdates = getRuntimeContext().getMetricGroup().counter("featureUpdates");
    }

    @Override
    public void processElement(PatientEvent e, Context ctx, Collector<Row> out) throws Exception {
        Long newest = newestRow.value();
        if (newest == null || e.eventTime > newest) {
            if (e.eventTime > ctx.timerService().currentWatermark()) {
                List<PatientEvent> atTime = pending.get(e.eventTime);
                pending.put(e.eventTime, replace(atTime == null ? new ArrayList<>() : atTime, e));
                ctx.timerService().registerEventTimeTimer(e.eventTime);
            } else {
                // The watermark has passed it already: a timer would wait for the next watermark, which
                // may never come once the input is idle. Nothing of this patient is newer, so emit it now.
                fire(ctx.getCurrentKey(), e.eventTime, List.of(e), out);
            }
        } else if (e.eventTime + allowedLatenessMillis < newest) {
            ctx.output(tooLate, e);
            lateEvents.inc();
        } else {
            ListState<PatientEvent> into = PatientEvent.PROFILE.equals(e.kind) ? profiles : recent;
            into.update(replace(copy(into), e));
            TreeSet<Long> times = new TreeSet<>();
            for (PatientEvent old : recent.get()) {
                if (old.eventTime >= e.eventTime) {
                    times.add(old.eventTime);
                }
            }
            times.add(e.eventTime);
            PatientHistory history = history(copy(recent));
            for (long time : times) {
                emit(ctx.getCurrentKey(), time, history, out);
                correctedRows.inc();
            }
        }
    }

    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<Row> out) throws Exception {
        List<PatientEvent> due = pending.get(time);
        pending.remove(time);
        fire(ctx.getCurrentKey(), time, due, out);
    }

    /** Adds the events of {@code time} to the history and emits the row as of it, the patient's newest. */
    private void fire(String patientId, long time, List<PatientEvent> due, Collector<Row> out) throws Exception {
        // Rows may still be corrected back to the allowed lateness, and each needs the look-back before it.
        long keepFrom = time - FeatureCalculator.LOOKBACK - allowedLatenessMillis;
        List<PatientEvent> kept = new ArrayList<>();
        for (PatientEvent old : recent.get()) {
            if (old.eventTime >= keepFrom) {
                kept.add(old);
            }
        }
        List<PatientEvent> newProfiles = copy(profiles);
        for (PatientEvent e : due) {
            if (PatientEvent.PROFILE.equals(e.kind)) {
                replace(newProfiles, e);
            } else {
                replace(kept, e);
            }
        }
        recent.update(kept);
        profiles.update(newProfiles);
        newestRow.update(time);
        emit(patientId, time, history(kept), out);
    }

    private PatientHistory history(List<PatientEvent> events) throws Exception {
        PatientHistory history = new PatientHistory();
        events.forEach(e -> e.applyTo(history));
        profiles.get().forEach(p -> p.applyTo(history));
        return history;
    }

    private void emit(String patientId, long time, PatientHistory history, Collector<Row> out) {
        out.collect(FeatureRows.toRow(patientId, time, FeatureCalculator.compute(history, time)));
        featureUpdates.inc();
    }

    /** Adds {@code e}, dropping an earlier delivery of the same event (a changelog re-sends replaced rows). */
    private static List<PatientEvent> replace(List<PatientEvent> events, PatientEvent e) {
        String identity = e.identity();
        events.removeIf(old -> old.identity().equals(identity));
        events.add(e);
        return events;
    }

    private static List<PatientEvent> copy(ListState<PatientEvent> state) throws Exception {
        List<PatientEvent> out = new ArrayList<>();
        state.get().forEach(out::add);
        return out;
    }
}
