package io.clinicalpipeline.it;

import io.clinicalpipeline.events.EventKind;
import io.clinicalpipeline.events.Topics;
import io.clinicalpipeline.jobs.JobSettings;
import io.clinicalpipeline.jobs.PipelineJobs;
import io.clinicalpipeline.kafka.KafkaTopics;
import io.clinicalpipeline.lake.Lakehouse;
import io.clinicalpipeline.lake.PaimonCounts;
import io.clinicalpipeline.runtime.LocalRuntime;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.paimon.catalog.Catalog;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Regression test for a bounded ingest that finished with a partition's tail missing from bronze. Partitions end
 * far apart (one record on one partition, thousands on another) and checkpoints every 100 ms cross the end of
 * input. Paimon's end-of-input commit could drop a writer's last files; the ingest must therefore commit every
 * record at an ordinary checkpoint before its input ends. Whether that commit raced or not, bronze snapshots
 * show which commit carried the records, so this fails on every run of a broken ingest, not one in twenty.
 */
class BoundedIngestIT {

    private static final String GROUP = "bounded-ingest-it";

    @Test
    void boundedIngestCommitsEveryRecordAtACheckpointBeforeItEnds() throws Exception {
        LocalRuntime runtime = SharedRuntime.get();
        Topics topics = SharedRuntime.topics("it-bounded");
        Lakehouse lake = new Lakehouse(SharedRuntime.newDirectory("warehouse").toString());
        JobSettings settings = new JobSettings(runtime.bootstrap(), topics, lake, "clinical", Duration.ofMillis(100),
                SharedRuntime.newDirectory("checkpoints").toUri().toString(), Duration.ZERO);
        KafkaTopics.createTopics(runtime.bootstrap(), topics, 2);
        // Partition sizes far apart, so one source subtask's input ends long before the other's.
        Map<TopicPartition, Integer> sizes = new HashMap<>();
        sizes.put(new TopicPartition(topics.topic(EventKind.PATIENTS), 0), 1);
        sizes.put(new TopicPartition(topics.topic(EventKind.PATIENTS), 1), 300);
        sizes.put(new TopicPartition(topics.topic(EventKind.VITALS), 0), 20_000);
        sizes.put(new TopicPartition(topics.topic(EventKind.VITALS), 1), 3);
        sizes.put(new TopicPartition(topics.topic(EventKind.LABS), 1), 2);
        long total = produce(runtime.bootstrap(), sizes);

        long read = PipelineJobs.awaitBoundedIngest(
                PipelineJobs.startIngest(runtime.flink()::environment, settings, true, GROUP), settings);

        assertEquals(total, read, "records the job says it read");
        try (Catalog catalog = lake.openCatalog()) {
            PaimonCounts counts = new PaimonCounts(catalog, "clinical");
            Map<List<String>, Long> bronze = new HashMap<>();
            List<String> endOfInputCommits = new ArrayList<>();
            for (EventKind kind : EventKind.values()) {
                bronze.putAll(counts.countBy(kind.bronzeTable(), "topic", "kafka_partition"));
                for (List<Object> snapshot : counts.rows(kind.bronzeTable() + "$snapshots",
                        "commit_identifier", "commit_kind", "delta_record_count")) {
                    if ((Long) snapshot.get(0) == Long.MAX_VALUE && "APPEND".equals(snapshot.get(1)) && (Long) snapshot.get(2) > 0) {
                        endOfInputCommits.add(kind.bronzeTable() + " (" + snapshot.get(2) + " records)");
                    }
                }
            }
            Map<List<String>, Long> kafka = KafkaTopics.recordsPerPartition(runtime.bootstrap(), topics);
            kafka.values().removeIf(n -> n == 0);
            assertEquals(kafka, bronze, "records per [topic, partition] in Kafka and in bronze");
            assertTrue(endOfInputCommits.isEmpty(), "records committed only at the end of input, where Paimon can drop "
                    + "a writer's last files: " + endOfInputCommits);
        }
    }

    private static long produce(String bootstrap, Map<TopicPartition, Integer> sizes) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        long sent = 0;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            for (Map.Entry<TopicPartition, Integer> e : sizes.entrySet()) {
                for (int i = 0; i < e.getValue(); i++) {
                    String patient = "P" + e.getKey().partition() + "-" + i;
                    producer.send(new ProducerRecord<>(e.getKey().topic(), e.getKey().partition(), patient,
                            ("{\"patient_id\":\"" + patient + "\"}").getBytes(StandardCharsets.UTF_8)));
                    sent++;
                }
            }
            producer.flush();
        }
        return sent;
    }
}
