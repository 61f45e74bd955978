package io.clinicalpipeline.ingest;

import io.clinicalpipeline.events.BronzeRecord;
import io.clinicalpipeline.events.EventKind;
import io.clinicalpipeline.events.MessageFormat;
import io.clinicalpipeline.events.Topics;
import io.clinicalpipeline.lake.TableStreams;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Kafka → bronze. Each record lands unchanged in its topic's append table with its Kafka coordinates: an event topic's
 * in its kind's table, a hospital topic's message in its format's.
 * Exactly once: Paimon commits at checkpoints and the Kafka offsets are part of the same checkpoints.
 */
public final class IngestJob {

    private IngestJob() {}

    /**
     * A source over all event topics and hospital topics. Bounded sources stop at the offsets that were the latest when
     * the job started (tests, the demo and benchmarks); unbounded ones follow the topics forever. Subscribed by a pattern
     * of the exact names, so that a topic nobody has created yet (a hospital with no HL7 v2 feed) is no error, and is
     * read from when it appears.
     */
    public static KafkaSource<BronzeRecord> kafkaSource(String bootstrap, Topics topics, String groupId, boolean bounded) {
        KafkaSourceBuilder<BronzeRecord> builder = KafkaSource.<BronzeRecord>builder()
                .setBootstrapServers(bootstrap)
                .setTopicPattern(Pattern.compile(topics.all().stream().map(Pattern::quote).collect(Collectors.joining("|"))))
                .setGroupId(groupId)
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new KafkaRecords())
                .setProperty("partition.discovery.interval.ms", "10000");
        if (bounded) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    /**
     * The source on the environment. A bounded one ends only after a checkpoint has committed all it read (see
     * {@link EndAfterCheckpointSource}): without that, Paimon can drop a partition's tail at the end of input.
     */
    public static DataStream<BronzeRecord> fromKafka(StreamExecutionEnvironment env, KafkaSource<BronzeRecord> source) {
        return env.fromSource(new EndAfterCheckpointSource<>(source),
                        WatermarkStrategy.noWatermarks(), "kafka-patient-events")
                .uid("kafka-patient-events");
    }

    /** Routes records to their bronze tables; {@code tables.attach()} is left to the caller. */
    public static void build(DataStream<BronzeRecord> records, Topics topics, TableStreams tables) {
        Routed routed = route(records, topics, tables::rowType);
        routed.events().forEach((kind, rows) -> tables.write(kind.bronzeTable(), rows));
        routed.messages().forEach((format, rows) -> tables.write(format.bronzeTable(), rows));
    }

    /** Bronze rows: each event kind's, and each hospital format's messages. */
    public record Routed(Map<EventKind, DataStream<Row>> events, Map<MessageFormat, DataStream<Row>> messages) {}

    /** Each topic's records as rows of its bronze table, from one routing operator. */
    public static Routed route(DataStream<BronzeRecord> records, Topics topics, Function<String, TypeInformation<Row>> rowTypes) {
        Map<String, OutputTag<Row>> tags = new HashMap<>();
        for (String topic : topics.all()) {
            String table = topics.bronzeTable(topic);
            tags.put(topic, new OutputTag<>(table.replace('_', '-'), rowTypes.apply(table)));
        }
        SingleOutputStreamOperator<Void> routed = records
                .process(new RouteByTopic(topics, tags))
                .returns(TypeInformation.of(Void.class))
                .name("route-by-topic")
                .uid("route-by-topic");
        Map<EventKind, DataStream<Row>> events = new EnumMap<>(EventKind.class);
        for (EventKind kind : EventKind.values()) {
            events.put(kind, routed.getSideOutput(tags.get(topics.topic(kind))));
        }
        Map<MessageFormat, DataStream<Row>> messages = new EnumMap<>(MessageFormat.class);
        for (MessageFormat format : MessageFormat.values()) {
            messages.put(format, routed.getSideOutput(tags.get(topics.topic(format))));
        }
        return new Routed(events, messages);
    }

    /** A record as its bronze table's row: unchanged, with its Kafka coordinates, partitioned by the hour it was sent. */
    public static Row bronzeRow(BronzeRecord r) {
        ZonedDateTime at = Instant.ofEpochMilli(r.kafkaTimestamp).atZone(ZoneOffset.UTC);
        Row row = Row.withNames();
        row.setField("topic", r.topic);
        row.setField("kafka_partition", r.partition);
        row.setField("kafka_offset", r.offset);
        row.setField("kafka_timestamp", Instant.ofEpochMilli(r.kafkaTimestamp));
        row.setField("kafka_key", r.key);
        row.setField("payload", r.payload);
        row.setField("ingest_time", Instant.ofEpochMilli(r.ingestTime));
        row.setField("dt", at.toLocalDate().toString());
        row.setField("hr", at.getHour() < 10 ? "0" + at.getHour() : Integer.toString(at.getHour()));
        return row;
    }

    /** One named row per record, in the side output of its topic's bronze table. */
    static final class RouteByTopic extends ProcessFunction<BronzeRecord, Void> {
        private static final long serialVersionUID = 2L;
        private final Topics topics;
        private final Map<String, OutputTag<Row>> tags;
        private transient Map<String, Counter> counters;
        private transient OffsetsRead offsetsRead;

        RouteByTopic(Topics topics, Map<String, OutputTag<Row>> tags) {
            this.topics = topics;
            this.tags = tags;
        }

        @Override
        public void open(Configuration parameters) {
            counters = new HashMap<>();
            for (String topic : topics.all()) {
                counters.put(topic, getRuntimeContext().getMetricGroup().addGroup("topic", topic).counter("bronzeRecords"));
            }
            offsetsRead = new OffsetsRead();
            getRuntimeContext().addAccumulator(OffsetsRead.NAME, offsetsRead);
        }

        @Override
        public void processElement(BronzeRecord r, Context ctx, Collector<Void> out) {
            ctx.output(tags.get(r.topic), bronzeRow(r));
            counters.get(r.topic).inc();
            offsetsRead.add(r);
        }
    }
}
