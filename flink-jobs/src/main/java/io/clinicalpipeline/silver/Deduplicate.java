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
 * Keeps one row per deduplication key: the one from the lowest Kafka (partition, offset). That rule does
 * not depend on arrival order, so streaming and batch runs keep the same rows. A row that loses is
 * written to the duplicates output; if a better row arrives after a worse one was emitted (possible in
 * batch mode), the better one is emitted too and the silver primary key keeps the last write.
 */
final class Deduplicate extends KeyedProcessFunction<String, Row, Row> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final OutputTag<Row> duplicates;
    private final Duration ttl;
    private transient ValueState<Tuple2<Integer, Long>> kept;
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
        duplicateCount = getRuntimeContext().getMetricGroup().addGroup("topic", topic).counter("silverDuplicates");
    }

    @Override
    public void processElement(Row row, Context ctx, Collector<Row> out) throws Exception {
        int partition = row.getFieldAs("kafka_partition");
        long offset = row.getFieldAs("kafka_offset");
        Tuple2<Integer, Long> current = kept.value();
        if (current == null) {
            kept.update(Tuple2.of(partition, offset));
            out.collect(row);
            return;
        }
        if (partition == current.f0 && offset == current.f1) {
            // The kept row itself, replayed: not a duplicate.
            return;
        }
        duplicateCount.inc();
        boolean better = partition < current.f0 || (partition == current.f0 && offset < current.f1);
        if (better) {
            ctx.output(duplicates, duplicateRow(current.f0, current.f1, ctx.getCurrentKey()));
            kept.update(Tuple2.of(partition, offset));
            out.collect(row);
        } else {
            ctx.output(duplicates, duplicateRow(partition, offset, ctx.getCurrentKey()));
        }
    }

    private Row duplicateRow(int partition, long offset, String key) {
        Row row = Row.withNames();
        row.setField("topic", topic);
        row.setField("kafka_partition", partition);
        row.setField("kafka_offset", offset);
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
