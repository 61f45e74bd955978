package io.clinicalpipeline.it;

import io.clinicalpipeline.events.Topics;
import io.clinicalpipeline.generator.EventGenerator;
import io.clinicalpipeline.generator.GeneratorConfig;
import io.clinicalpipeline.generator.KafkaEventWriter;
import io.clinicalpipeline.jobs.JobSettings;
import io.clinicalpipeline.jobs.PipelineJobs;
import io.clinicalpipeline.kafka.KafkaTopics;
import io.clinicalpipeline.lake.Lakehouse;
import io.clinicalpipeline.lake.PaimonCounts;
import io.clinicalpipeline.runtime.Await;
import io.clinicalpipeline.runtime.LocalRuntime;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.jobgraph.SavepointConfigOptions;
import org.apache.paimon.catalog.Catalog;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ingest restarted from a retained checkpoint neither re-reads what it had committed nor misses what
 * arrived while it was down: every Kafka record is in bronze exactly once.
 */
class IngestRestartIT {

    @Test
    void restartFromCheckpointLosesAndDuplicatesNothing() throws Exception {
        LocalRuntime runtime = SharedRuntime.get();
        Topics topics = SharedRuntime.topics("it2");
        Path checkpoints = SharedRuntime.newDirectory("checkpoints");
        Lakehouse lake = new Lakehouse(SharedRuntime.newDirectory("warehouse").toString());
        JobSettings settings = new JobSettings(runtime.bootstrap(), topics, lake, "clinical", Duration.ofMillis(500),
                checkpoints.toUri().toString(), Duration.ZERO);
        Set<String> sent = ConcurrentHashMap.newKeySet();
        KafkaTopics.createTopics(runtime.bootstrap(), topics, 2);
        GeneratorConfig first = GeneratorConfig.defaults(20, Duration.ofHours(2), 21);
        KafkaEventWriter writer = new KafkaEventWriter(runtime.bootstrap(), topics);
        produce(writer, first, sent);
        int firstBatch = sent.size();

        JobClient ingest = PipelineJobs.startIngest(runtime.flink()::environment, settings, false);
        try (Catalog catalog = lake.openCatalog()) {
            PaimonCounts counts = new PaimonCounts(catalog, "clinical");
            Await.until(() -> BronzeKeys.inBronze(counts).size() == firstBatch, Duration.ofMinutes(2),
                    () -> "bronze to hold the first " + firstBatch + " records");
            ingest.cancel().get();
            Path checkpoint = Checkpoints.latest(checkpoints.resolve(ingest.getJobID().toString()));

            // Produced while ingest is down: must be picked up after the restore, once.
            produce(writer, new GeneratorConfig(15, Duration.ofHours(1), 22, first.start().plusSeconds(7200),
                    0.01, 0.02, 0.005, 0.005, 0.005, 0.003, 0.1, 0.1, null, 1), sent);
            writer.close();
            assertTrue(sent.size() > firstBatch);

            // Same job, same (unbounded) source: a restored Kafka split keeps the stopping offset it was checkpointed with.
            JobClient restored = PipelineJobs.startIngest(conf -> {
                conf.set(SavepointConfigOptions.SAVEPOINT_PATH, checkpoint.toUri().toString());
                return runtime.flink().environment(conf);
            }, settings, false);
            try {
                Await.until(() -> BronzeKeys.inBronze(counts).size() >= sent.size(), Duration.ofMinutes(2),
                        () -> "bronze to hold all " + sent.size() + " records after the restore");
            } finally {
                restored.cancel().get();
            }

            List<String> bronze = BronzeKeys.inBronze(counts);
            assertEquals(sent.size(), bronze.size(), "bronze rows (duplicates would make this larger)");
            assertEquals(sent, new HashSet<>(bronze));
        }
    }

    private static void produce(KafkaEventWriter writer, GeneratorConfig config, Set<String> sent) throws Exception {
        writer.write(new EventGenerator(config), 0, counts -> { },
                (event, meta) -> sent.add(BronzeKeys.of(meta)));
    }
}
