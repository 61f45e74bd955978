package io.clinicalpipeline.kafka;

import io.clinicalpipeline.events.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;

/** The pipeline's Kafka administration: creating topics that are ready to use, and counting what they hold. */
public final class KafkaTopics {

    private KafkaTopics() {}

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

    /** Records currently held per partition, keyed by [topic, partition] as strings (as {@code PaimonCounts.countBy} keys). */
    public static Map<List<String>, Long> recordsPerPartition(String bootstrap, Topics topics)
            throws ExecutionException, InterruptedException {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(props)) {
            List<String> existing = new ArrayList<>(admin.listTopics().names().get());
            existing.retainAll(topics.all());
            Map<String, TopicDescription> described = admin.describeTopics(existing).allTopicNames().get();
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            described.values().forEach(d -> d.partitions().forEach(p -> {
                TopicPartition tp = new TopicPartition(d.name(), p.partition());
                earliest.put(tp, OffsetSpec.earliest());
                latest.put(tp, OffsetSpec.latest());
            }));
            var start = admin.listOffsets(earliest).all().get();
            var end = admin.listOffsets(latest).all().get();
            Map<List<String>, Long> counts = new HashMap<>();
            end.forEach((tp, info) -> counts.put(List.of(tp.topic(), Integer.toString(tp.partition())),
                    info.offset() - start.get(tp).offset()));
            return counts;
        }
    }

    /**
     * How far a consumer group's committed offsets trail the end of the topics: records not yet committed, summed
     * over every partition (a partition the group has never committed counts whole).
     */
    public static long groupLag(String bootstrap, String group, Topics topics) throws ExecutionException, InterruptedException {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(props)) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(topics.all()).allTopicNames().get().values().forEach(d -> d.partitions().forEach(
                    p -> latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
            long lag = 0;
            for (var e : admin.listOffsets(latest).all().get().entrySet()) {
                OffsetAndMetadata at = committed.get(e.getKey());
                lag += e.getValue().offset() - (at == null ? 0 : at.offset());
            }
            return lag;
        }
    }
}
