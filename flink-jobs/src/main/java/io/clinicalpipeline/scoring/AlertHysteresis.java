package io.clinicalpipeline.scoring;

import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Turns a patient's served scores into alert transitions with hysteresis ({@link RiskPolicy}): one RAISED when the
 * score reaches the alert threshold, nothing while it stays above the clear threshold, one CLEARED when it falls
 * below. Scores older than the newest one seen (a late correction of an earlier row) do not flip the state.
 */
public final class AlertHysteresis extends KeyedProcessFunction<String, Prediction, RiskAlert> {

    private final RiskPolicy policy;
    private transient ValueState<Boolean> alerting;
    private transient ValueState<Long> newest;
    private transient Counter raised;
    private transient Counter cleared;

    public AlertHysteresis(RiskPolicy policy) {
        this.policy = policy;
    }

    @Override
    public void open(Configuration parameters) {
        alerting = getRuntimeContext().getState(new ValueStateDescriptor<>("alerting", Types.BOOLEAN));
        newest = getRuntimeContext().getState(new ValueStateDescriptor<>("newest-event-time", Types.LONG));
        raised = getRuntimeContext().getMetricGroup().counter("alertsRaised");
        cleared = getRuntimeContext().getMetricGroup().counter("alertsCleared");
    }

    @Override
    public void processElement(Prediction p, Context ctx, Collector<RiskAlert> out) throws Exception {
        if (!p.served) {
            return;
        }
        Long last = newest.value();
        if (last != null && p.eventTime < last) {
            return;
        }
        newest.update(p.eventTime);
        boolean up = Boolean.TRUE.equals(alerting.value());
        if (!up && p.score >= policy.alertAt()) {
            alerting.update(true);
            raised.inc();
            out.collect(new RiskAlert(p.patientId, RiskAlert.RAISED, p));
        } else if (up && p.score < policy.clearBelow()) {
            alerting.update(false);
            cleared.inc();
            out.collect(new RiskAlert(p.patientId, RiskAlert.CLEARED, p));
        }
    }
}
