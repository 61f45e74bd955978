package io.clinicalpipeline.silver;

import io.clinicalpipeline.events.EventKind;
import io.clinicalpipeline.events.Topics;
import io.clinicalpipeline.lake.TableStreams;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.types.Row;
import org.apache.flink.util.OutputTag;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Bronze → silver, quarantine, dead letter and duplicates. The same graph runs in streaming mode
 * (bronze read continuously) and in batch mode (bronze read once); only the environment differs.
 */
public final class SilverJob {

    private SilverJob() {}

    /**
     * @param bronze where the bronze tables are read
     * @param silver where silver and reject tables are written; {@code silver.attach()} is left to the caller
     * @param dedupTtl how long a deduplication key is remembered in streaming mode (zero: forever)
     */
    public static void build(TableStreams bronze, TableStreams silver, Topics topics, Duration dedupTtl) {
        OutputTag<Row> quarantineTag = new OutputTag<>("quarantine", silver.rowType("quarantine"));
        OutputTag<Row> deadLetterTag = new OutputTag<>("dead-letter", silver.rowType("dead_letter"));
        OutputTag<Row> duplicateTag = new OutputTag<>("duplicates", silver.rowType("silver_duplicates"));
        List<DataStream<Row>> quarantined = new ArrayList<>();
        List<DataStream<Row>> deadLettered = new ArrayList<>();
        List<DataStream<Row>> duplicates = new ArrayList<>();
        for (EventKind kind : EventKind.values()) {
            String name = kind.name().toLowerCase().replace('_', '-');
            TypeInformation<Row> silverType = silver.rowType(kind.silverTable());
            OutputTag<Row> validTag = new OutputTag<>("valid-" + name, silverType);
            SingleOutputStreamOperator<Void> parsed = bronze.read(kind.bronzeTable())
                    .process(new ParseEvents(kind, validTag, quarantineTag, deadLetterTag))
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
            silver.write(kind.silverTable(), kept);
            duplicates.add(kept.getSideOutput(duplicateTag));
        }
        silver.write("quarantine", union(quarantined));
        silver.write("dead_letter", union(deadLettered));
        silver.write("silver_duplicates", union(duplicates));
    }

    private static DataStream<Row> union(List<DataStream<Row>> streams) {
        return streams.get(0).union(streams.subList(1, streams.size()).toArray(new DataStream[0]));
    }
}
