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
    public record Range(long first, long last, long count) implements Serializable {
        Range merge(Range other) {
            return new Range(Math.min(first, other.first), Math.max(last, other.last), count + other.count);
        }
    }

    private HashMap<Partition, Range> ranges = new HashMap<>();
    // Records come in runs from one partition: the last one's key saves building a key per record.
    private transient Partition lastPartition;

    @Override
    public void add(BronzeRecord r) {
        Partition p = lastPartition != null && lastPartition.partition() == r.partition && lastPartition.topic().equals(r.topic)
                ? lastPartition : new Partition(r.topic, r.partition);
        lastPartition = p;
        ranges.merge(p, new Range(r.offset, r.offset, 1), Range::merge);
    }

    @Override
    public HashMap<Partition, Range> getLocalValue() {
        return ranges;
    }

    @Override
    public void resetLocal() {
        ranges = new HashMap<>();
        lastPartition = null;
    }

    @Override
    public void merge(Accumulator<BronzeRecord, HashMap<Partition, Range>> other) {
        other.getLocalValue().forEach((p, range) -> ranges.merge(p, range, Range::merge));
    }

    @Override
    public OffsetsRead clone() {
        OffsetsRead copy = new OffsetsRead();
        copy.ranges = new HashMap<>(ranges);
        return copy;
    }

    /** The accumulator's value in a finished job's result, or an empty map if the job read nothing. */
    public static Map<Partition, Range> of(org.apache.flink.api.common.JobExecutionResult result) {
        Map<Partition, Range> value = result.getAccumulatorResult(NAME);
        return value == null ? Map.of() : value;
    }
}
