package io.clinicalpipeline.it;

import io.clinicalpipeline.events.EventKind;
import io.clinicalpipeline.lake.PaimonCounts;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.util.ArrayList;
import java.util.List;

/** Kafka records named as topic/partition/offset, as sent and as bronze holds them, for exactly-once checks. */
final class BronzeKeys {

    private BronzeKeys() {}

    static String of(RecordMetadata meta) {
        return meta.topic() + "/" + meta.partition() + "/" + meta.offset();
    }

    /** Every bronze row's key; a record in bronze twice appears twice. */
    static List<String> inBronze(PaimonCounts counts) {
        List<String> keys = new ArrayList<>();
        for (EventKind kind : EventKind.values()) {
            for (List<Object> r : counts.rows(kind.bronzeTable(), "topic", "kafka_partition", "kafka_offset")) {
                keys.add(r.get(0) + "/" + r.get(1) + "/" + r.get(2));
            }
        }
        return keys;
    }
}
