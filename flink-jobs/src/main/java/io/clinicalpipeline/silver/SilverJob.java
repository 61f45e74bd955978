package io.clinicalpipeline.silver;

import io.clinicalpipeline.events.EventKind;
import io.clinicalpipeline.events.MessageFormat;
import io.clinicalpipeline.events.Topics;
import io.clinicalpipeline.interop.CodeMapping;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.types.Row;
import org.apache.flink.util.OutputTag;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Bronze → silver, quarantine, dead letter and duplicates. The same graph runs in streaming mode (bronze read
 * continuously) and in batch mode (bronze read once), on Paimon tables or on any other streams of bronze rows;
 * only the environment, the sources and the sinks differ. Hospital messages (FHIR, HL7 v2) are translated into events
 * first, which then meet the same rules and the same deduplication as the JSON topics' events of their kind.
 */
public final class SilverJob {

    public static final String QUARANTINE = "quarantine";
    public static final String DEAD_LETTER = "dead_letter";
    public static final String DUPLICATES = "silver_duplicates";
    /** One row per hospital message: how many items (events, unmapped entries, or the message as a dead letter) it made. */
    public static final String HOSPITAL_MESSAGES = "hospital_messages";

    /** What the graph produces: each kind's silver rows, the rejects of all kinds, and the hospital messages' ledger. */
    public record Output(Map<EventKind, DataStream<Row>> silver, DataStream<Row> quarantine, DataStream<Row> deadLetter,
                         DataStream<Row> duplicates, DataStream<Row> hospitalMessages) {}

    private SilverJob() {}

    /**
     * @param bronze each kind's bronze rows (the columns of its bronze table)
     * @param messages each hospital format's bronze rows
     * @param rowTypes the row type of each output table, by table name
     * @param dedupTtl how long a deduplication key is remembered in streaming mode (zero: forever)
     * @param mapping the LOINC and UCUM codes the hospital formats are read with
     */
    public static Output build(Map<EventKind, DataStream<Row>> bronze, Map<MessageFormat, DataStream<Row>> messages,
                               Function<String, TypeInformation<Row>> rowTypes, Topics topics, Duration dedupTtl,
                               CodeMapping mapping) {
        OutputTag<Row> quarantineTag = new OutputTag<>("quarantine", rowTypes.apply(QUARANTINE));
        OutputTag<Row> deadLetterTag = new OutputTag<>("dead-letter", rowTypes.apply(DEAD_LETTER));
        OutputTag<Row> duplicateTag = new OutputTag<>("duplicates", rowTypes.apply(DUPLICATES));
        OutputTag<Row> ledgerTag = new OutputTag<>("hospital-messages", rowTypes.apply(HOSPITAL_MESSAGES));
        Map<EventKind, OutputTag<Row>> validTags = new EnumMap<>(EventKind.class);
        for (EventKind kind : EventKind.values()) {
            validTags.put(kind, new OutputTag<>("valid-" + name(kind), rowTypes.apply(kind.silverTable())));
        }
        Outcomes outcomes = new Outcomes(validTags, quarantineTag, deadLetterTag);
        List<DataStream<Row>> quarantined = new ArrayList<>();
        List<DataStream<Row>> deadLettered = new ArrayList<>();
        List<DataStream<Row>> ledger = new ArrayList<>();
        Map<EventKind, List<DataStream<Row>>> valid = new EnumMap<>(EventKind.class);
        for (EventKind kind : EventKind.values()) {
            SingleOutputStreamOperator<Void> parsed = bronze.get(kind)
                    .process(new ParseEvents(kind, topics.topic(kind), outcomes))
                    .returns(TypeInformation.of(Void.class))
                    .name("parse-" + name(kind))
                    .uid("parse-" + name(kind));
            collect(parsed, quarantineTag, deadLetterTag, quarantined, deadLettered);
            valid.computeIfAbsent(kind, k -> new ArrayList<>()).add(parsed.getSideOutput(validTags.get(kind)));
        }
        for (MessageFormat format : MessageFormat.values()) {
            SingleOutputStreamOperator<Void> translated = messages.get(format)
                    .process(new TranslateMessages(format, topics.topic(format), mapping, outcomes, ledgerTag))
                    .returns(TypeInformation.of(Void.class))
                    .name("translate-" + format.label())
                    .uid("translate-" + format.label());
            collect(translated, quarantineTag, deadLetterTag, quarantined, deadLettered);
            ledger.add(translated.getSideOutput(ledgerTag));
            validTags.forEach((kind, tag) -> valid.get(kind).add(translated.getSideOutput(tag)));
        }
        Map<EventKind, DataStream<Row>> silver = new EnumMap<>(EventKind.class);
        List<DataStream<Row>> duplicates = new ArrayList<>();
        for (EventKind kind : EventKind.values()) {
            SingleOutputStreamOperator<Row> kept = union(valid.get(kind))
                    .keyBy(new Deduplicate.Key(kind))
                    .process(new Deduplicate(topics.topic(kind), duplicateTag, dedupTtl))
                    .returns(rowTypes.apply(kind.silverTable()))
                    .name("deduplicate-" + name(kind))
                    .uid("deduplicate-" + name(kind));
            silver.put(kind, kept);
            duplicates.add(kept.getSideOutput(duplicateTag));
        }
        return new Output(silver, union(quarantined), union(deadLettered), union(duplicates), union(ledger));
    }

    private static String name(EventKind kind) {
        return kind.name().toLowerCase().replace('_', '-');
    }

    private static void collect(SingleOutputStreamOperator<Void> operator, OutputTag<Row> quarantineTag,
                                OutputTag<Row> deadLetterTag, List<DataStream<Row>> quarantined,
                                List<DataStream<Row>> deadLettered) {
        quarantined.add(operator.getSideOutput(quarantineTag));
        deadLettered.add(operator.getSideOutput(deadLetterTag));
    }

    private static DataStream<Row> union(List<DataStream<Row>> streams) {
        return streams.size() == 1 ? streams.get(0)
                : streams.get(0).union(streams.subList(1, streams.size()).toArray(new DataStream[0]));
    }
}
