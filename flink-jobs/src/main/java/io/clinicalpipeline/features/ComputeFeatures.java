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
import org.apache.flink.streaming.api.TimeDomain;
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
 *
 * <p>Corrections are coalesced: stragglers are merged at once, and the rows behind them are emitted again
 * {@code maxWaitMillis} after the first of them, once for all that arrived meanwhile (a backfill whose tables
 * are read at different speeds would otherwise recompute a patient's rows once per straggler).
 *
 * <p>On the online path ({@code emitOnArrival}) no event waits at all: a patient's row is emitted when an event newer
 * than their newest row arrives, in that patient's event-time order, and anything older corrects as above.
 *
 * <p>No event waits for the watermark longer than {@code maxWaitMillis} of processing time: a lagging
 * input, or Flink's idleness handling declining to flush the last watermarks (it flushes only when the
 * input that goes idle last holds the minimum), must not hold a patient's online features back. The
 * patient's pending events are then emitted in time order, and a straggler corrects them like any late event.
 */
public final class ComputeFeatures extends KeyedProcessFunction<String, PatientEvent, Row> {
    private static final long serialVersionUID = 1L;

    private final long allowedLatenessMillis;
    private final long maxWaitMillis;
    private final boolean emitOnArrival;
    private final OutputTag<PatientEvent> tooLate;
    private transient MapState<Long, List<PatientEvent>> pending;
    private transient ListState<PatientEvent> recent;
    private transient ListState<PatientEvent> profiles;
    private transient ValueState<Long> newestRow;
    /** The oldest time of stragglers merged since the last correction; null when the emitted rows are current. */
    private transient ValueState<Long> dirtyFrom;
    private transient Counter lateEvents;
    private transient Counter correctedRows;
    private transient Counter featureUpdates;
    private transient Counter emittedBeforeWatermark;

    /**
     * @param maxWaitMillis longest an event waits for the watermark, and a correction for others to join it, in
     *     processing time; 0: events wait for the watermark however long, and each straggler corrects at once
     */
    public ComputeFeatures(long allowedLatenessMillis, long maxWaitMillis, OutputTag<PatientEvent> tooLate) {
        this(allowedLatenessMillis, maxWaitMillis, false, tooLate);
    }

    /**
     * @param emitOnArrival emit a patient's row as soon as an event newer than their newest row arrives, without
     *     waiting for the watermark (the online path); an event at or before it corrects the rows from its time on
     */
    public ComputeFeatures(long allowedLatenessMillis, long maxWaitMillis, boolean emitOnArrival, OutputTag<PatientEvent> tooLate) {
        this.allowedLatenessMillis = allowedLatenessMillis;
        this.maxWaitMillis = maxWaitMillis;
        this.emitOnArrival = emitOnArrival;
        this.tooLate = tooLate;
    }

    @Override
    public void open(Configuration parameters) {
        TypeInformation<PatientEvent> event = Types.POJO(PatientEvent.class);
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending", Types.LONG, Types.LIST(event)));
        recent = getRuntimeContext().getListState(new ListStateDescriptor<>("recent", event));
        profiles = getRuntimeContext().getListState(new ListStateDescriptor<>("profiles", event));
        newestRow = getRuntimeContext().getState(new ValueStateDescriptor<>("newest-row", Types.LONG));
        dirtyFrom = getRuntimeContext().getState(new ValueStateDescriptor<>("dirty-from", Types.LONG));
        lateEvents = getRuntimeContext().getMetricGroup().counter("featureLateEvents");
        correctedRows = getRuntimeContext().getMetricGroup().counter("featureCorrectedRows");
        featureUpdates = getRuntimeContext().getMetricGroup().counter("featureUpdates");
        emittedBeforeWatermark = getRuntimeContext().getMetricGroup().counter("featureRowsBeforeWatermark");
    }

    @Override
    public void processElement(PatientEvent e, Context ctx, Collector<Row> out) throws Exception {
        Long newest = newestRow.value();
        if (newest == null || e.eventTime > newest) {
            if (!emitOnArrival && e.eventTime > ctx.timerService().currentWatermark()) {
                List<PatientEvent> atTime = pending.get(e.eventTime);
                pending.put(e.eventTime, replace(atTime == null ? new ArrayList<>() : atTime, e));
                ctx.timerService().registerEventTimeTimer(e.eventTime);
                if (maxWaitMillis > 0) {
                    ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + maxWaitMillis);
                }
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
            Long dirty = dirtyFrom.value();
            // Online, a second event at the patient's newest time (a lab drawn with the vitals) is news, not a straggler.
            if (maxWaitMillis == 0 || (emitOnArrival && e.eventTime == newest)) {
                correct(ctx.getCurrentKey(), e.eventTime, out);
            } else if (dirty == null || e.eventTime < dirty) {
                // A replay delivers stragglers in bursts: one recomputation per patient and wait, not one per event.
                dirtyFrom.update(e.eventTime);
                if (dirty == null) {
                    ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + maxWaitMillis);
                }
            }
        }
    }

    /** Emits again every row at or after {@code from} up to the newest, from the history as it is now. */
    private void correct(String patientId, long from, Collector<Row> out) throws Exception {
        TreeSet<Long> times = new TreeSet<>();
        for (Iterable<PatientEvent> events : List.of(recent.get(), profiles.get())) {
            for (PatientEvent old : events) {
                if (old.eventTime >= from) {
                    times.add(old.eventTime);
                }
            }
        }
        PatientHistory history = history(copy(recent));
        for (long time : times) {
            emit(patientId, time, history, out);
            correctedRows.inc();
        }
    }

    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<Row> out) throws Exception {
        if (ctx.timeDomain() == TimeDomain.EVENT_TIME) {
            List<PatientEvent> due = pending.get(time);
            pending.remove(time);
            fire(ctx.getCurrentKey(), time, due, out);
            return;
        }
        Long dirty = dirtyFrom.value();
        if (dirty != null) {
            dirtyFrom.clear();
            correct(ctx.getCurrentKey(), dirty, out);
        }
        // Waited long enough: everything pending goes out now, oldest first, as the event-time timers would.
        List<Long> times = new ArrayList<>();
        pending.keys().forEach(times::add);
        times.sort(null);
        for (long t : times) {
            List<PatientEvent> due = pending.get(t);
            pending.remove(t);
            ctx.timerService().deleteEventTimeTimer(t);
            fire(ctx.getCurrentKey(), t, due, out);
            emittedBeforeWatermark.inc();
        }
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
        events.removeIf(old -> old.sameEventAs(e));
        events.add(e);
        return events;
    }

    private static List<PatientEvent> copy(ListState<PatientEvent> state) throws Exception {
        List<PatientEvent> out = new ArrayList<>();
        state.get().forEach(out::add);
        return out;
    }
}
