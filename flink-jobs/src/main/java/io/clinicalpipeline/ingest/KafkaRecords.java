package io.clinicalpipeline.ingest;

import io.clinicalpipeline.events.BronzeRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.nio.charset.StandardCharsets;

/** Keeps every Kafka record, tombstones and undecodable bytes included: bronze drops nothing. */
final class KafkaRecords implements KafkaRecordDeserializationSchema<BronzeRecord> {
    private static final long serialVersionUID = 1L;
    private static final byte[] EMPTY = new byte[0];

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<BronzeRecord> out) {
        out.collect(new BronzeRecord(
                record.topic(),
                record.partition(),
                record.offset(),
                record.timestamp(),
                record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8),
                record.value() == null ? EMPTY : record.value(),
                System.currentTimeMillis()));
    }

    @Override
    public TypeInformation<BronzeRecord> getProducedType() {
        return TypeInformation.of(BronzeRecord.class);
    }
}
