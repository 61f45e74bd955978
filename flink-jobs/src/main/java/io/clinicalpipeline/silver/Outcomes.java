package io.clinicalpipeline.silver;

import io.clinicalpipeline.events.EventKind;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.types.Row;
import org.apache.flink.util.OutputTag;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.Map;

/**
 * Where what the silver job makes of a record goes, with the lineage every output row carries back to bronze: the
 * topic, the Kafka partition and offset, and the item, the event's place in its message (always 0 on the JSON topics,
 * whose every record is one event; a hospital message's Bundle entries or OBX sets count up from 0).
 */
final class Outcomes implements Serializable {
    private static final long serialVersionUID = 1L;

    /** A bronze record's coordinates and the payload a reject row shows. */
    record Origin(String topic, int partition, long offset, Instant kafkaTimestamp, byte[] payload) {
        static Origin of(Row bronze) {
            return new Origin(bronze.getFieldAs("topic"), bronze.getFieldAs("kafka_partition"), bronze.getFieldAs("kafka_offset"),
                    bronze.getFieldAs("kafka_timestamp"), bronze.getFieldAs("payload"));
        }

        /** The same coordinates, showing one translated event instead of the whole message. */
        Origin withPayload(byte[] event) {
            return new Origin(topic, partition, offset, kafkaTimestamp, event);
        }
    }

    private final Map<EventKind, OutputTag<Row>> valid;
    private final OutputTag<Row> quarantine;
    private final OutputTag<Row> deadLetter;

    Outcomes(Map<EventKind, OutputTag<Row>> valid, OutputTag<Row> quarantine, OutputTag<Row> deadLetter) {
        this.valid = valid;
        this.quarantine = quarantine;
        this.deadLetter = deadLetter;
    }

    /** The silver rules' outcome for {@code kind}'s event at {@code item} of {@code origin}, into its output. */
    void emit(EventKind kind, ParseOutcome outcome, Origin origin, int item, ProcessFunction<Row, Void>.Context ctx) {
        if (outcome instanceof ParseOutcome.Valid v) {
            Row row = v.row();
            row.setField("topic", origin.topic());
            row.setField("kafka_partition", origin.partition());
            row.setField("kafka_offset", origin.offset());
            row.setField("item", item);
            ctx.output(valid.get(kind), row);
        } else if (outcome instanceof ParseOutcome.Quarantined q) {
            quarantine(origin, item, q.reasonCode(), q.reason(), q.patientId(), q.eventTime(), ctx);
        } else {
            ParseOutcome.DeadLettered d = (ParseOutcome.DeadLettered) outcome;
            deadLetter(origin, item, d.errorCode(), d.error(), ctx);
        }
    }

    void quarantine(Origin origin, int item, String reasonCode, String reason, String patientId, LocalDateTime eventTime,
                    ProcessFunction<Row, Void>.Context ctx) {
        Row row = originRow(origin, item);
        row.setField("patient_id", patientId);
        row.setField("event_time", eventTime);
        row.setField("reason_code", reasonCode);
        row.setField("reason", reason);
        ctx.output(quarantine, row);
    }

    void deadLetter(Origin origin, int item, String errorCode, String error, ProcessFunction<Row, Void>.Context ctx) {
        Row row = originRow(origin, item);
        row.setField("error_code", errorCode);
        row.setField("error", error);
        ctx.output(deadLetter, row);
    }

    private static Row originRow(Origin origin, int item) {
        Row row = Row.withNames();
        row.setField("topic", origin.topic());
        row.setField("kafka_partition", origin.partition());
        row.setField("kafka_offset", origin.offset());
        row.setField("item", item);
        row.setField("kafka_timestamp", origin.kafkaTimestamp());
        // Lossy only for bytes that are not UTF-8; bronze keeps the exact bytes.
        row.setField("payload", new String(origin.payload(), StandardCharsets.UTF_8));
        return row;
    }
}
