package io.clinicalpipeline.silver;

import io.clinicalpipeline.events.EventKind;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;

/**
 * Applies {@link SilverRules} to the bronze rows of one event kind. Every input leaves through exactly
 * one side output: silver, quarantine or dead letter. No exception escapes for a bad record.
 */
final class ParseEvents extends ProcessFunction<Row, Void> {
    private static final long serialVersionUID = 2L;

    private final EventKind kind;
    private final String topic;
    private final Outcomes outcomes;
    private transient SilverRules rules;
    private transient Counter recordsIn;
    private transient Counter valid;
    private transient Counter quarantined;
    private transient Counter deadLettered;

    /** @param topic the topic the rows came from, which labels the counters as it labels bronze's and deduplication's */
    ParseEvents(EventKind kind, String topic, Outcomes outcomes) {
        this.kind = kind;
        this.topic = topic;
        this.outcomes = outcomes;
    }

    @Override
    public void open(Configuration parameters) {
        rules = new SilverRules();
        MetricGroup group = getRuntimeContext().getMetricGroup().addGroup("topic", topic);
        recordsIn = group.counter("silverRecordsIn");
        valid = group.counter("silverValid");
        quarantined = group.counter("silverQuarantined");
        deadLettered = group.counter("silverDeadLettered");
    }

    @Override
    public void processElement(Row bronze, Context ctx, Collector<Void> out) {
        Outcomes.Origin origin = Outcomes.Origin.of(bronze);
        recordsIn.inc();
        ParseOutcome outcome = rules.apply(kind, origin.payload(), origin.kafkaTimestamp().toEpochMilli());
        outcomes.emit(kind, outcome, origin, 0, ctx);
        count(outcome, valid, quarantined, deadLettered);
    }

    static void count(ParseOutcome outcome, Counter valid, Counter quarantined, Counter deadLettered) {
        if (outcome instanceof ParseOutcome.Valid) {
            valid.inc();
        } else if (outcome instanceof ParseOutcome.Quarantined) {
            quarantined.inc();
        } else {
            deadLettered.inc();
        }
    }
}
