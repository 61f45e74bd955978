package io.clinicalpipeline.events;

/**
 * One Kafka record exactly as received, with where it came from. A Flink POJO (public fields, no-arg
 * constructor) so it travels with Flink's own serializer rather than Kryo.
 */
public class BronzeRecord {
    public String topic;
    public int partition;
    public long offset;
    public long kafkaTimestamp;
    public String key;
    public byte[] payload;
    public long ingestTime;

    public BronzeRecord() {}

    public BronzeRecord(String topic, int partition, long offset, long kafkaTimestamp, String key, byte[] payload,
                        long ingestTime) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.kafkaTimestamp = kafkaTimestamp;
        this.key = key;
        this.payload = payload;
        this.ingestTime = ingestTime;
    }
}
