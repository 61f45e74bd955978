package io.clinicalpipeline.silver;

import io.clinicalpipeline.events.EventKind;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.time.Duration;
import java.time.LocalDateTime;

/**
 * Keeps one row per deduplication key: the one from the lowest (topic, Kafka partition, offset, item), topics
 * compared by name, so that the same reading sent on a JSON topic and in a hospital message is one event. That rule
 * does not depend on arrival order, so streaming and batch runs keep the same rows. A row that loses is
 * written to the duplicates output; if a better row arrives after a worse one was emitted (possible in
 * batch mode), the better one is emitted too and the silver primary key keeps the last write.
 */
final class Deduplicate extends KeyedProcessFunction<String, Row, Row> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final OutputTag<Row> duplicates;
    private final Duration ttl;
    private transient ValueState<Tuple2<Integer, Long>> kept;
    /** The kept row's topic and item; empty (state from before hospital input) means this kind's topic, item 0. */
    private transient ValueState<Tuple2<String, Integer>> keptOrigin;
    private transient Counter duplicateCount;

    Deduplicate(String topic, OutputTag<Row> duplicates, Duration ttl) {
        this.topic = topic;
        this.duplicates = duplicates;
        this.ttl = ttl;
    }

    @Override
    public void open(Configuration parameters) {
        ValueStateDescriptor<Tuple2<Integer, Long>> descriptor =
                new ValueStateDescriptor<>("kept-position", Types.TUPLE(Types.INT, Types.LONG));
        if (!ttl.isZero()) {
            descriptor.enableTimeToLive(StateTtlConfig.newBuilder(ttl).build());
        }
        kept = getRuntimeContext().getState(descriptor);
        ValueStateDescriptor<Tuple2<String, Integer>> origin =
                new ValueStateDescriptor<>("kept-origin", Types.TUPLE(Types.STRING, Types.INT));
        if (!ttl.isZero()) {
            origin.enableTimeToLive(StateTtlConfig.newBuilder(ttl).build());
        }
        keptOrigin = getRuntimeContext().getState(origin);
        duplicateCount = getRuntimeContext().getMetricGroup().addGroup("topic", topic).counter("silverDuplicates");
    }

    @Override
    public void processElement(Row row, Context ctx, Collector<Row> out) throws Exception {
        Position position = new Position(row.getFieldAs("topic"), row.getFieldAs("kafka_partition"),
                row.getFieldAs("kafka_offset"), row.getFieldAs("item"));
        Tuple2<Integer, Long> current = kept.value();
        if (current == null) {
            keep(position);
            out.collect(row);
            return;
        }
        Tuple2<String, Integer> origin = keptOrigin.value();
        Position keptPosition = origin == null ? new Position(topic, current.f0, current.f1, 0)
                : new Position(origin.f0, current.f0, current.f1, origin.f1);
        int order = position.compareTo(keptPosition);
        if (order == 0) {
            // The kept row itself, replayed: not a duplicate.
            return;
        }
        duplicateCount.inc();
        if (order < 0) {
            ctx.output(duplicates, duplicateRow(keptPosition, ctx.getCurrentKey()));
            keep(position);
            out.collect(row);
        } else {
            ctx.output(duplicates, duplicateRow(position, ctx.getCurrentKey()));
        }
    }

    private void keep(Position p) throws Exception {
        kept.update(Tuple2.of(p.partition(), p.offset()));
        keptOrigin.update(Tuple2.of(p.topic(), p.item()));
    }

    /** Where a row came from: its record and its place in the record. */
    record Position(String topic, int partition, long offset, int item) implements Comparable<Position> {
        @Override
        public int compareTo(Position o) {
            int c = topic.compareTo(o.topic);
            if (c == 0) {
                c = Integer.compare(partition, o.partition);
            }
            if (c == 0) {
                c = Long.compare(offset, o.offset);
            }
            return c != 0 ? c : Integer.compare(item, o.item);
        }
    }

    private static Row duplicateRow(Position p, String key) {
        Row row = Row.withNames();
        row.setField("topic", p.topic());
        row.setField("kafka_partition", p.partition());
        row.setField("kafka_offset", p.offset());
        row.setField("item", p.item());
        row.setField("dedup_key", key);
        return row;
    }

    /** (patient, event time, source) plus the kind's distinguishing field, e.g. the drug. */
    static final class Key implements KeySelector<Row, String> {
        private static final long serialVersionUID = 1L;
        private final EventKind kind;

        Key(EventKind kind) {
            this.kind = kind;
        }

        @Override
        public String getKey(Row row) {
            LocalDateTime eventTime = row.getFieldAs("event_time");
            StringBuilder key = new StringBuilder()
                    .append(row.<String>getFieldAs("patient_id")).append('|')
                    .append(eventTime).append('|')
                    .append(row.<String>getFieldAs("source_id"));
            if (kind.distinguishingField() != null) {
                key.append('|').append(row.<String>getFieldAs(kind.distinguishingField()));
            }
            return key.toString();
        }
    }
}
