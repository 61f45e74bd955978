package io.clinicalpipeline.silver;

import io.clinicalpipeline.events.EventKind;
import io.clinicalpipeline.events.Topics;
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
 * only the environment, the sources and the sinks differ.
 */
public final class SilverJob {

    public static final String QUARANTINE = "quarantine";
    public static final String DEAD_LETTER = "dead_letter";
    public static final String DUPLICATES = "silver_duplicates";

    /** What the graph produces: each kind's silver rows, and the rejects of all kinds. */
    public record Output(Map<EventKind, DataStream<Row>> silver, DataStream<Row> quarantine, DataStream<Row> deadLetter,
                         DataStream<Row> duplicates) {}

    private SilverJob() {}

    /**
     * @param bronze each kind's bronze rows (the columns of its bronze table)
     * @param rowTypes the row type of each output table, by table name
     * @param dedupTtl how long a deduplication key is remembered in streaming mode (zero: forever)
     */
    public static Output build(Map<EventKind, DataStream<Row>> bronze, Function<String, TypeInformation<Row>> rowTypes,
                               Topics topics, Duration dedupTtl) {
        OutputTag<Row> quarantineTag = new OutputTag<>("quarantine", rowTypes.apply(QUARANTINE));
        OutputTag<Row> deadLetterTag = new OutputTag<>("dead-letter", rowTypes.apply(DEAD_LETTER));
        OutputTag<Row> duplicateTag = new OutputTag<>("duplicates", rowTypes.apply(DUPLICATES));
        Map<EventKind, DataStream<Row>> silver = new EnumMap<>(EventKind.class);
        List<DataStream<Row>> quarantined = new ArrayList<>();
        List<DataStream<Row>> deadLettered = new ArrayList<>();
        List<DataStream<Row>> duplicates = new ArrayList<>();
        for (EventKind kind : EventKind.values()) {
            String name = kind.name().toLowerCase().replace('_', '-');
            TypeInformation<Row> silverType = rowTypes.apply(kind.silverTable());
            OutputTag<Row> validTag = new OutputTag<>("valid-" + name, silverType);
            SingleOutputStreamOperator<Void> parsed = bronze.get(kind)
                    .process(new ParseEvents(kind, topics.topic(kind), validTag, quarantineTag, deadLetterTag))
                    .returns(TypeInformation.of(Void.class))
                    .name("parse-" + name)
                    .uid("parse-" + name);
            quarantined.add(parsed.getSideOutput(quarantineTag));
            deadLettered.add(parsed.getSideOutput(deadLetterTag));
            SingleOutputStreamOperator<Row> kept = parsed.getSideOutput(validTag)
                    .keyBy(new Deduplicate.Key(kind))
                    .process(new Deduplicate(topics.topic(kind), duplicateTag, dedupTtl))
                    .returns(silverType)
                    .name("deduplicate-" + name)
                    .uid("deduplicate-" + name);
            silver.put(kind, kept);
            duplicates.add(kept.getSideOutput(duplicateTag));
        }
        return new Output(silver, union(quarantined), union(deadLettered), union(duplicates));
    }

    private static DataStream<Row> union(List<DataStream<Row>> streams) {
        return streams.get(0).union(streams.subList(1, streams.size()).toArray(new DataStream[0]));
    }
}
