package io.clinicalpipeline.ingest;

import io.clinicalpipeline.events.Topics;
import io.clinicalpipeline.lake.PaimonCounts;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Compares what an ingest job read from Kafka ({@link OffsetsRead}) with what the bronze tables hold: every
 * record read must be in its topic's bronze table exactly once.
 */
public final class IngestAudit {

    private IngestAudit() {}

    /** A partition whose records in bronze differ from those the job read. */
    public record Mismatch(String table, OffsetsRead.Partition partition, OffsetsRead.Range read, long rows, long distinct) {
        public String describe() {
            String where = "records read from " + partition.topic() + " partition " + partition.partition()
                    + " (offsets " + read.first() + " to " + read.last() + ")";
            return distinct < read.count()
                    ? table + " holds " + distinct + " of the " + read.count() + " " + where
                    : table + " holds " + rows + " rows for the " + read.count() + " " + where + ": some are duplicated";
        }
    }

    /** Every partition the job read whose records bronze does not hold exactly once; empty when all is well. */
    public static List<Mismatch> audit(Map<OffsetsRead.Partition, OffsetsRead.Range> read, Topics topics, PaimonCounts bronze) {
        Map<OffsetsRead.Partition, List<Long>> offsets = new HashMap<>();
        Set<String> tables = new HashSet<>();
        read.keySet().forEach(p -> tables.add(topics.bronzeTable(p.topic())));
        for (String table : tables) {
            for (List<Object> row : bronze.rows(table, "topic", "kafka_partition", "kafka_offset")) {
                offsets.computeIfAbsent(new OffsetsRead.Partition((String) row.get(0), (Integer) row.get(1)), p -> new ArrayList<>())
                        .add((Long) row.get(2));
            }
        }
        return compare(read, offsets, p -> topics.bronzeTable(p.topic()));
    }

    /** The comparison itself: {@code offsets} are the Kafka offsets of bronze's rows, per partition. */
    static List<Mismatch> compare(Map<OffsetsRead.Partition, OffsetsRead.Range> read,
                                  Map<OffsetsRead.Partition, List<Long>> offsets,
                                  Function<OffsetsRead.Partition, String> tableOf) {
        List<Mismatch> out = new ArrayList<>();
        Map<OffsetsRead.Partition, OffsetsRead.Range> sorted = new TreeMap<>(Comparator.comparing(OffsetsRead.Partition::toString));
        sorted.putAll(read);
        sorted.forEach((p, range) -> {
            long rows = 0;
            Set<Long> distinct = new HashSet<>();
            for (long offset : offsets.getOrDefault(p, List.of())) {
                if (offset >= range.first() && offset <= range.last()) {
                    rows++;
                    distinct.add(offset);
                }
            }
            if (rows != range.count() || distinct.size() != range.count()) {
                out.add(new Mismatch(tableOf.apply(p), p, range, rows, distinct.size()));
            }
        });
        return out;
    }
}
