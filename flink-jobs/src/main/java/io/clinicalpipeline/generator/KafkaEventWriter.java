package io.clinicalpipeline.generator;

import io.clinicalpipeline.events.EventKind;
import io.clinicalpipeline.events.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Sends generated events to Kafka (as JSON or in a hospital format, see {@link InputFormat}) keyed by patient id, so one patient's events share a partition and keep
 * their order. The idempotent producer keeps that order across retries, which makes a seed's output
 * identical partition by partition.
 */
public final class KafkaEventWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaEventWriter.class);

    private final String bootstrap;
    private final InputFormat.Encoder encoder;
    // One producer for all batches: every new idempotent producer needs a fresh producer id, and a second
    // producer on the same partitions was seen to be handed a used one by the in-process test broker.
    private final KafkaProducer<String, byte[]> producer;

    public KafkaEventWriter(String bootstrap, Topics topics) {
        this(bootstrap, topics, InputFormat.JSON);
    }

    /** Writing every event in {@code format} (the pipeline's JSON, or a hospital format on its topic). */
    public KafkaEventWriter(String bootstrap, Topics topics, InputFormat format) {
        this.bootstrap = bootstrap;
        this.encoder = format.encoder(topics);
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * @param eventsPerSecond target rate, or 0 for as fast as the broker takes them
     * @param progress called about every 2 seconds with the counts so far
     * @param acknowledged called from the producer thread with each event and where Kafka stored it
     * @return records sent per kind by this call
     */
    public Map<EventKind, Long> write(Iterator<GeneratedEvent> events, double eventsPerSecond,
                                      Consumer<Map<EventKind, Long>> progress,
                                      BiConsumer<GeneratedEvent, RecordMetadata> acknowledged) throws InterruptedException {
        Map<EventKind, Long> counts = new EnumMap<>(EventKind.class);
        for (EventKind kind : EventKind.values()) {
            counts.put(kind, 0L);
        }
        long started = System.nanoTime();
        long lastReport = started;
        long sent = 0;
        AtomicReference<Exception> failure = new AtomicReference<>();
        while (events.hasNext()) {
            GeneratedEvent e = events.next();
            InputFormat.Encoded record = encoder.encode(e);
            producer.send(new ProducerRecord<>(record.topic(), null, e.sendTimeMillis(), e.patientId(), record.value()),
                    (metadata, error) -> {
                        if (error == null) {
                            acknowledged.accept(e, metadata);
                        } else if (failure.compareAndSet(null, error)) {
                            LOG.error("event=send_failed topic={} error={}", record.topic(), error.toString());
                        }
                    });
            counts.merge(e.kind(), 1L, Long::sum);
            sent++;
            if (eventsPerSecond > 0) {
                long due = started + (long) (sent / eventsPerSecond * 1e9);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
            long now = System.nanoTime();
            if (now - lastReport > 2_000_000_000L) {
                lastReport = now;
                progress.accept(counts);
            }
        }
        producer.flush();
        if (failure.get() != null) {
            throw new IllegalStateException("Kafka did not accept every event (first error: " + failure.get()
                    + "); check the broker at " + bootstrap + " and run the generator again", failure.get());
        }
        return counts;
    }

    @Override
    public void close() {
        producer.close();
    }
}
