package io.clinicalpipeline.ingest;

import io.clinicalpipeline.events.BronzeRecord;
import org.apache.flink.api.common.accumulators.Accumulator;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * A Flink accumulator of what the ingest job read from each Kafka partition: the first and last offset and how
 * many records. A finished job's result says exactly which records bronze must hold (Kafka offsets can have gaps,
 * so the count matters as well as the range).
 */
public final class OffsetsRead implements Accumulator<BronzeRecord, HashMap<OffsetsRead.Partition, OffsetsRead.Range>> {
    private static final long serialVersionUID = 1L;

    /** The accumulator's name in the job's result. */
    public static final String NAME = "kafka-offsets-read";

    public record Partition(String topic, int partition) implements Serializable {
        @Override
        public String toString() {
            return topic + "/" + partition;
        }
    }

    /** Offsets {@code first} to {@code last} (inclusive), {@code count} records among them. */
    public record Range(long first, long last, long count) implements Serializable {}

    /** Per partition {first, last, count}, updated in place: this is on every ingested record's path. */
    private HashMap<Partition, long[]> ranges = new HashMap<>();
    // Records come in runs from one partition: the last one's key and range save a lookup per record.
    private transient Partition lastPartition;
    private transient long[] lastRange;

    @Override
    public void add(BronzeRecord r) {
        if (lastPartition == null || lastPartition.partition() != r.partition || !lastPartition.topic().equals(r.topic)) {
            lastPartition = new Partition(r.topic, r.partition);
            lastRange = ranges.computeIfAbsent(lastPartition, p -> new long[] {r.offset, r.offset, 0});
        }
        lastRange[0] = Math.min(lastRange[0], r.offset);
        lastRange[1] = Math.max(lastRange[1], r.offset);
        lastRange[2]++;
    }

    @Override
    public HashMap<Partition, Range> getLocalValue() {
        HashMap<Partition, Range> value = new HashMap<>();
        ranges.forEach((p, range) -> value.put(p, new Range(range[0], range[1], range[2])));
        return value;
    }

    @Override
    public void resetLocal() {
        ranges = new HashMap<>();
        lastPartition = null;
        lastRange = null;
    }

    @Override
    public void merge(Accumulator<BronzeRecord, HashMap<Partition, Range>> other) {
        other.getLocalValue().forEach((p, range) -> ranges.merge(p, new long[] {range.first(), range.last(), range.count()},
                (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1]), a[2] + b[2]}));
        lastPartition = null;
        lastRange = null;
    }

    @Override
    public OffsetsRead clone() {
        OffsetsRead copy = new OffsetsRead();
        ranges.forEach((p, range) -> copy.ranges.put(p, range.clone()));
        return copy;
    }

    /** The accumulator's value in a finished job's result, or an empty map if the job read nothing. */
    public static Map<Partition, Range> of(org.apache.flink.api.common.JobExecutionResult result) {
        Map<Partition, Range> value = result.getAccumulatorResult(NAME);
        return value == null ? Map.of() : value;
    }
}
