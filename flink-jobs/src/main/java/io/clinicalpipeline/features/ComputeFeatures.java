package io.clinicalpipeline.features;

import io.clinicalpipeline.model.features.FeatureCalculator;
import io.clinicalpipeline.model.features.PatientHistory;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
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

/**
 * Per patient, in event time: each event waits until the watermark passes its time, then joins the
 * patient's history and the features as of that time are emitted. Because rows are produced in event-time
 * order from the same history whatever the arrival order, streaming and batch runs emit the same rows
 * (batch mode fires all timers at the end of input, in time order). Events later than the allowed lateness
 * go to a side output and are counted, never silently dropped.
 */
public final class ComputeFeatures extends KeyedProcessFunction<String, PatientEvent, Row> {
    private static final long serialVersionUID = 1L;

    private final long allowedLatenessMillis;
    private final OutputTag<PatientEvent> tooLate;
    private transient MapState<Long, List<PatientEvent>> pending;
    private transient ListState<PatientEvent> recent;
    private transient ListState<PatientEvent> profiles;
    private transient Counter lateEvents;
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
        lateEvents = getRuntimeContext().getMetricGroup().counter("featureLateEvents");
        featureUpdates = getRuntimeContext().getMetricGroup().counter("featureUpdates");
    }

    @Override
    public void processElement(PatientEvent e, Context ctx, Collector<Row> out) throws Exception {
        if (e.eventTime + allowedLatenessMillis < ctx.timerService().currentWatermark()) {
            ctx.output(tooLate, e);
            lateEvents.inc();
            return;
        }
        List<PatientEvent> atTime = pending.get(e.eventTime);
        if (atTime == null) {
            atTime = new ArrayList<>();
        }
        atTime.add(e);
        pending.put(e.eventTime, atTime);
        ctx.timerService().registerEventTimeTimer(e.eventTime);
    }

    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<Row> out) throws Exception {
        List<PatientEvent> due = pending.get(time);
        pending.remove(time);
        PatientHistory history = new PatientHistory();
        List<PatientEvent> kept = new ArrayList<>();
        // Late events within the allowed lateness still need the history they happened in.
        long keepFrom = time - FeatureCalculator.LOOKBACK - allowedLatenessMillis;
        for (PatientEvent old : recent.get()) {
            if (old.eventTime >= keepFrom) {
                kept.add(old);
                old.applyTo(history);
            }
        }
        for (PatientEvent profile : profiles.get()) {
            profile.applyTo(history);
        }
        for (PatientEvent e : due) {
            e.applyTo(history);
            if (PatientEvent.PROFILE.equals(e.kind)) {
                profiles.add(e);
            } else {
                kept.add(e);
            }
        }
        recent.update(kept);
        out.collect(FeatureRows.toRow(ctx.getCurrentKey(), time, FeatureCalculator.compute(history, time)));
        featureUpdates.inc();
    }
}
