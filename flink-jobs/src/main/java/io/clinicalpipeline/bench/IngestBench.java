package io.clinicalpipeline.bench;

import io.clinicalpipeline.events.EventKind;
import io.clinicalpipeline.events.Topics;
import io.clinicalpipeline.generator.GeneratorConfig;
import io.clinicalpipeline.generator.InputFormat;
import io.clinicalpipeline.generator.Workloads;
import io.clinicalpipeline.jobs.JobSettings;
import io.clinicalpipeline.jobs.PipelineJobs;
import io.clinicalpipeline.lake.Lakehouse;
import io.clinicalpipeline.lake.PaimonCounts;
import io.clinicalpipeline.reconcile.Reconciler;
import io.clinicalpipeline.runtime.Await;
import io.clinicalpipeline.runtime.LocalRuntime;
import io.clinicalpipeline.runtime.Scratch;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.paimon.catalog.Catalog;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * {@code bench ingest}: events/s from Kafka through bronze into silver, next to a plain Kafka consumer reading the
 * same topics in the same run, so the ratio means something on a noisy machine.
 */
public final class IngestBench {

    /**
     * @param events approximate number of events to generate
     * @param bootstrap an existing Kafka, or null for the local broker
     * @param format how the events travel: the pipeline's JSON, or a hospital's messages (one per event)
     */
    public record Settings(long events, Path dataDir, Duration checkpointInterval, String bootstrap, Topics topics,
                           InputFormat format) {}

    private IngestBench() {}

    public static void run(Settings p) throws Exception {
        Path dataDir = Scratch.emptied(p.dataDir());
        Topics topics = p.topics();
        try (LocalRuntime runtime = LocalRuntime.start(dataDir, p.bootstrap(), null, 0, "9450-9499", 4)) {
            int patients = 2000;
            // About 5.7 events per patient per simulated hour (see the generator's rates).
            double hours = Math.max(1, p.events() / (patients * 5.7));
            GeneratorConfig workload = GeneratorConfig.defaults(patients, Duration.ofMinutes(Math.round(hours * 60)), 1);
            Map<EventKind, Long> sent = Workloads.toKafka(workload, 2, 0, runtime.bootstrap(), topics, p.format(), System.out);
            long total = Workloads.total(sent);

            // The first pass warms up the JIT and the broker's page cache; the second is the baseline.
            readAll(runtime.bootstrap(), topics, total, "bench-warmup");
            long consumerNanos = readAll(runtime.bootstrap(), topics, total, "bench-baseline");
            double consumerRate = total / (consumerNanos / 1e9);
            System.out.printf("bench: plain Kafka consumer   %,12.0f events/s  (%,d events in %.1f s)%n",
                    consumerRate, total, consumerNanos / 1e9);

            JobSettings s = new JobSettings(runtime.bootstrap(), topics, new Lakehouse(dataDir.resolve("warehouse").toString()),
                    Lakehouse.DEFAULT_DATABASE, p.checkpointInterval(), dataDir.resolve("checkpoints").toUri().toString(), Duration.ZERO);
            long started = System.nanoTime();
            JobClient ingest = PipelineJobs.startIngest(runtime.flink()::environment, s, true);
            JobClient silver = PipelineJobs.startSilver(runtime.flink()::environment, s, RuntimeExecutionMode.STREAMING, s.database());
            PipelineJobs.awaitBoundedIngest(ingest, s);
            long ingestNanos = System.nanoTime() - started;
            try (Catalog catalog = s.lakehouse().openCatalog()) {
                PaimonCounts counts = new PaimonCounts(catalog, s.database());
                // Counting merges every silver table: poll rarely so the count does not slow what it measures.
                Await.progress(() -> Reconciler.accountedInSilver(topics, counts), total,
                        Await.Patience.of(Duration.ofMinutes(60)).withPoll(Duration.ofSeconds(2)), n -> { },
                        () -> Reconciler.describeLag(s.bootstrap(), topics, counts));
            }
            long pipelineNanos = System.nanoTime() - started;
            silver.cancel().get();
            double ingestRate = total / (ingestNanos / 1e9);
            double pipelineRate = total / (pipelineNanos / 1e9);
            System.out.printf("bench: Kafka -> bronze         %,12.0f events/s  (%.1f s)  ratio to consumer %.3f%n",
                    ingestRate, ingestNanos / 1e9, ingestRate / consumerRate);
            System.out.printf("bench: Kafka -> bronze -> silver %,10.0f events/s  (%.1f s)  ratio to consumer %.3f%n",
                    pipelineRate, pipelineNanos / 1e9, pipelineRate / consumerRate);
            System.out.printf("bench: peak heap %,d MiB (this JVM runs Kafka, Redis's client side and the Flink MiniCluster)%n",
                    Measure.peakHeapBytes() / (1024 * 1024));
        }
    }

    private static long readAll(String bootstrap, Topics topics, long expected, String group) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        long started = System.nanoTime();
        long read = 0;
        long bytes = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(topics.all());
            while (read < expected) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                for (var r : records) {
                    bytes += r.value() == null ? 0 : r.value().length;
                    read++;
                }
            }
        }
        // Touch the byte count so the JIT cannot drop the reads the baseline is meant to measure.
        if (bytes < 0) {
            throw new IllegalStateException();
        }
        return System.nanoTime() - started;
    }
}
