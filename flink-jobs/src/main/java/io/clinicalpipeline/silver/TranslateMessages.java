package io.clinicalpipeline.silver;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.clinicalpipeline.events.MessageFormat;
import io.clinicalpipeline.interop.CodeMapping;
import io.clinicalpipeline.interop.MessageTranslator;
import io.clinicalpipeline.interop.Translation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * A hospital format's bronze messages into the pipeline's events, each then through the {@link SilverRules} as a JSON
 * topic's record goes: every event, and every entry that could not be mapped, leaves as one item of silver, quarantine or
 * dead letter (an unreadable message as one dead-letter item). Each message also leaves one row of
 * {@value SilverJob#HOSPITAL_MESSAGES} saying how many items it made, which is what lets reconciliation prove that none
 * was lost between a message and its events.
 */
final class TranslateMessages extends ProcessFunction<Row, Void> {
    private static final long serialVersionUID = 1L;

    private final MessageFormat format;
    private final String topic;
    private final CodeMapping mapping;
    private final Outcomes outcomes;
    private final OutputTag<Row> ledger;
    private transient MessageTranslator translator;
    private transient SilverRules rules;
    private transient ObjectMapper json;
    private transient Counter messagesIn;
    private transient Counter unreadable;
    private transient Counter itemsIn;
    private transient Counter unmapped;
    private transient Counter valid;
    private transient Counter quarantined;
    private transient Counter deadLettered;

    TranslateMessages(MessageFormat format, String topic, CodeMapping mapping, Outcomes outcomes, OutputTag<Row> ledger) {
        this.format = format;
        this.topic = topic;
        this.mapping = mapping;
        this.outcomes = outcomes;
        this.ledger = ledger;
    }

    @Override
    public void open(Configuration parameters) {
        translator = MessageTranslator.of(format, mapping);
        rules = new SilverRules();
        json = new ObjectMapper();
        MetricGroup group = getRuntimeContext().getMetricGroup().addGroup("topic", topic);
        messagesIn = group.counter("messagesIn");
        unreadable = group.counter("messagesUnreadable");
        // Items, as the JSON topics' records, so that the silver dashboards and reject-ratio rules take these topics too.
        itemsIn = group.counter("silverRecordsIn");
        unmapped = group.counter("messageItemsUnmapped");
        valid = group.counter("silverValid");
        quarantined = group.counter("silverQuarantined");
        deadLettered = group.counter("silverDeadLettered");
    }

    @Override
    public void processElement(Row bronze, Context ctx, Collector<Void> out) throws Exception {
        Outcomes.Origin origin = Outcomes.Origin.of(bronze);
        messagesIn.inc();
        Translation translation = translator.translate(origin.payload(), origin.kafkaTimestamp());
        if (translation instanceof Translation.Unreadable u) {
            outcomes.deadLetter(origin, 0, u.errorCode(), u.error(), ctx);
            unreadable.inc();
            itemsIn.inc();
            deadLettered.inc();
            ctx.output(ledger, ledgerRow(origin, 0, 0, u.errorCode()));
            return;
        }
        Translation.Mapped mapped = (Translation.Mapped) translation;
        int item = 0;
        for (Translation.Event e : mapped.events()) {
            byte[] event = json.writeValueAsBytes(e.payload());
            ParseOutcome outcome = rules.apply(e.kind(), event, origin.kafkaTimestamp().toEpochMilli());
            outcomes.emit(e.kind(), outcome, origin.withPayload(event), item++, ctx);
            ParseEvents.count(outcome, valid, quarantined, deadLettered);
        }
        for (Translation.Unmapped u : mapped.unmapped()) {
            LocalDateTime at = u.eventTime() == null ? null : LocalDateTime.ofInstant(u.eventTime(), ZoneOffset.UTC);
            outcomes.quarantine(origin, item++, u.reasonCode(), u.reason(), u.patientId(), at, ctx);
            quarantined.inc();
        }
        itemsIn.inc(mapped.events().size() + mapped.unmapped().size());
        unmapped.inc(mapped.unmapped().size());
        ctx.output(ledger, ledgerRow(origin, mapped.events().size(), mapped.unmapped().size(), null));
    }

    private Row ledgerRow(Outcomes.Origin origin, int eventCount, int unmappedCount, String errorCode) {
        Row row = Row.withNames();
        row.setField("dt", LocalDateTime.ofInstant(origin.kafkaTimestamp(), ZoneOffset.UTC).toLocalDate().toString());
        row.setField("topic", origin.topic());
        row.setField("kafka_partition", origin.partition());
        row.setField("kafka_offset", origin.offset());
        row.setField("kafka_timestamp", origin.kafkaTimestamp());
        row.setField("format", format.label());
        row.setField("events", eventCount);
        row.setField("unmapped", unmappedCount);
        row.setField("error_code", errorCode);
        row.setField("items", errorCode != null ? 1 : eventCount + unmappedCount);
        return row;
    }

    @Override
    public void close() throws Exception {
        if (translator != null) {
            translator.close();
        }
    }
}
