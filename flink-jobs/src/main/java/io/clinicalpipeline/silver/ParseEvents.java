package io.clinicalpipeline.silver;

import io.clinicalpipeline.events.EventKind;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Applies {@link SilverRules} to the bronze rows of one event kind. Every input leaves through exactly
 * one side output: silver, quarantine or dead letter. No exception escapes for a bad record.
 */
final class ParseEvents extends ProcessFunction<Row, Void> {
    private static final long serialVersionUID = 1L;

    private final EventKind kind;
    private final String topic;
    private final OutputTag<Row> silver;
    private final OutputTag<Row> quarantine;
    private final OutputTag<Row> deadLetter;
    private transient SilverRules rules;
    private transient Counter recordsIn;
    private transient Counter valid;
    private transient Counter quarantined;
    private transient Counter deadLettered;

    /** @param topic the topic the rows came from, which labels the counters as it labels bronze's and deduplication's */
    ParseEvents(EventKind kind, String topic, OutputTag<Row> silver, OutputTag<Row> quarantine, OutputTag<Row> deadLetter) {
        this.kind = kind;
        this.topic = topic;
        this.silver = silver;
        this.quarantine = quarantine;
        this.deadLetter = deadLetter;
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
        String sourceTopic = bronze.getFieldAs("topic");
        int partition = bronze.getFieldAs("kafka_partition");
        long offset = bronze.getFieldAs("kafka_offset");
        Instant kafkaTimestamp = bronze.getFieldAs("kafka_timestamp");
        byte[] payload = bronze.getFieldAs("payload");
        recordsIn.inc();
        ParseOutcome outcome = rules.apply(kind, payload, kafkaTimestamp.toEpochMilli());
        if (outcome instanceof ParseOutcome.Valid v) {
            Row row = v.row();
            row.setField("kafka_partition", partition);
            row.setField("kafka_offset", offset);
            ctx.output(silver, row);
            valid.inc();
        } else if (outcome instanceof ParseOutcome.Quarantined q) {
            Row row = origin(sourceTopic, partition, offset, kafkaTimestamp, payload);
            row.setField("patient_id", q.patientId());
            row.setField("event_time", q.eventTime());
            row.setField("reason_code", q.reasonCode());
            row.setField("reason", q.reason());
            ctx.output(quarantine, row);
            quarantined.inc();
        } else {
            ParseOutcome.DeadLettered d = (ParseOutcome.DeadLettered) outcome;
            Row row = origin(sourceTopic, partition, offset, kafkaTimestamp, payload);
            row.setField("error_code", d.errorCode());
            row.setField("error", d.error());
            ctx.output(deadLetter, row);
            deadLettered.inc();
        }
    }

    private static Row origin(String topic, int partition, long offset, Instant kafkaTimestamp, byte[] payload) {
        Row row = Row.withNames();
        row.setField("topic", topic);
        row.setField("kafka_partition", partition);
        row.setField("kafka_offset", offset);
        row.setField("kafka_timestamp", kafkaTimestamp);
        // Lossy only for bytes that are not UTF-8; bronze keeps the exact bytes.
        row.setField("payload", new String(payload, StandardCharsets.UTF_8));
        return row;
    }
}
