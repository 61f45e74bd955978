package io.clinicalpipeline.generator;

import io.clinicalpipeline.events.EventKind;
import io.clinicalpipeline.events.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Sends generated events to Kafka keyed by patient id, so one patient's events share a partition and keep
 * their order. The idempotent producer keeps that order across retries, which makes a seed's output
 * identical partition by partition.
 */
public final class KafkaEventWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaEventWriter.class);

    private final String bootstrap;
    private final Topics topics;
    // One producer for all batches: every new idempotent producer needs a fresh producer id, and a second
    // producer on the same partitions was seen to be handed a used one by the in-process test broker.
    private final KafkaProducer<String, byte[]> producer;

    public KafkaEventWriter(String bootstrap, Topics topics) {
        this.bootstrap = bootstrap;
        this.topics = topics;
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    /** Creates missing topics (records kept forever) and waits until every partition has a leader. */
    public static void createTopics(String bootstrap, Topics topics, int partitions) throws ExecutionException, InterruptedException {
        createTopics(bootstrap, topics.all(), partitions);
    }

    /**
     * Creates the missing ones of {@code names} (existing topics are left as they are) and waits for their leaders:
     * a producer that meets a topic being auto-created retries for seconds and, idempotent, can stall on
     * out-of-order sequence errors.
     */
    public static void createTopics(String bootstrap, List<String> names, int partitions) throws ExecutionException, InterruptedException {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = new ArrayList<>();
            for (String topic : names) {
                if (!existing.contains(topic)) {
                    // Simulated events carry past timestamps; time-based retention would delete them at once.
                    missing.add(new NewTopic(topic, partitions, (short) 1).configs(Map.of("retention.ms", "-1")));
                }
            }
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get();
            }
            awaitLeaders(admin, names);
        }
    }

    /**
     * A created topic takes a moment to get partition leaders; sending before that only burns retries. Until the
     * metadata has reached the broker, describing or listing offsets can also fail with "unknown topic or partition",
     * which the admin client does not retry.
     */
    private static void awaitLeaders(Admin admin, List<String> topics) throws ExecutionException, InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            try {
                if (leadersServe(admin, topics)) {
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topics " + topics + " still have partitions without a leader after 60 s; "
                        + "check that the Kafka broker is healthy (is it fenced or out of disk?)");
            }
            Thread.sleep(100);
        }
    }

    private static boolean leadersServe(Admin admin, List<String> topics) throws ExecutionException, InterruptedException {
        var described = admin.describeTopics(topics).allTopicNames().get().values();
        boolean ready = described.stream().flatMap(d -> d.partitions().stream())
                .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
        if (!ready) {
            return false;
        }
        // The metadata names a leader before that broker's replica manager acts as one; ListOffsets is served
        // by the leader replica only.
        Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
        described.forEach(d -> d.partitions().forEach(
                p -> partitions.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
        admin.listOffsets(partitions).all().get();
        return true;
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
            producer.send(new ProducerRecord<>(topics.topic(e.kind()), null, e.sendTimeMillis(), e.patientId(), e.value()),
                    (metadata, error) -> {
                        if (error == null) {
                            acknowledged.accept(e, metadata);
                        } else if (failure.compareAndSet(null, error)) {
                            LOG.error("event=send_failed topic={} patient={} error={}", topics.topic(e.kind()), e.patientId(), error.toString());
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
