package io.clinicalpipeline.cli;

import io.clinicalpipeline.events.EventKind;
import io.clinicalpipeline.events.Topics;
import io.clinicalpipeline.generator.GeneratorConfig;
import io.clinicalpipeline.jobs.Await;
import io.clinicalpipeline.jobs.JobSettings;
import io.clinicalpipeline.jobs.PipelineJobs;
import io.clinicalpipeline.lake.Lakehouse;
import io.clinicalpipeline.lake.PaimonCounts;
import io.clinicalpipeline.reconcile.Reconciler;
import io.clinicalpipeline.runtime.LocalRuntime;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.paimon.catalog.Catalog;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;

/**
 * {@code bin/pipeline bench ingest|features|train|score}. Every figure is printed next to a baseline measured in the same
 * run, so the ratio means something on a noisy machine. Ingest: events/s from Kafka through bronze into
 * silver, next to a plain Kafka consumer reading the same topics; features: see {@link FeaturesBench}; training:
 * {@link TrainBench}; scoring: {@link ScoreBench}.
 */
final class BenchCommand {

    private BenchCommand() {}

    static int run(String[] args) throws Exception {
        String which = args.length == 0 ? "" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        switch (which) {
            case "ingest":
                return ingest(rest);
            case "features":
                return FeaturesBench.run(rest);
            case "train":
                return TrainBench.run(rest);
            case "score":
                return ScoreBench.run(rest);
            case "ingest-soak":
                return IngestSoak.run(rest);
            default:
                System.err.println("Usage: bin/pipeline bench ingest|ingest-soak|features|train|score [options]   (bench <which> --help for options)");
                return which.equals("--help") ? 0 : 2;
        }
    }

    /** The emptied {@code --data-dir}. */
    static Path scratch(Options o) throws java.io.IOException {
        Path dataDir = Path.of(o.get("data-dir")).toAbsolutePath();
        DemoCommand.deleteRecursively(dataDir);
        Files.createDirectories(dataDir);
        return dataDir;
    }

    private static int ingest(String[] args) throws Exception {
        Options o = Common.kafka(new Options("bench ingest",
                "Fills Kafka with --events generated events, reads them once with a plain consumer (the baseline)\n"
                        + "and once through ingest + silver, and prints both rates, their ratio and the peak heap."), false)
                .option("events", "N", "1000000", "approximate number of events to generate")
                .option("data-dir", "DIR", "data/bench", "scratch directory (emptied at start)")
                .option("checkpoint-interval", "SECONDS", "5", "checkpoint interval of the jobs");
        if (!o.parse(args)) {
            return 0;
        }
        Path dataDir = scratch(o);
        Topics topics = Common.topics(o);
        try (LocalRuntime runtime = LocalRuntime.start(dataDir, o.get("bootstrap"), null, 0, "9450-9499", 4)) {
            int patients = 2000;
            // About 5.7 events per patient per simulated hour (see the generator's rates).
            double hours = Math.max(1, o.getLong("events") / (patients * 5.7));
            GeneratorConfig workload = GeneratorConfig.defaults(patients, Duration.ofMinutes(Math.round(hours * 60)), 1);
            Map<EventKind, Long> sent = GenerateCommand.generate(workload, 2, 0, runtime.bootstrap(), topics);
            long total = GenerateCommand.total(sent);

            // The first pass warms up the JIT and the broker's page cache; the second is the baseline.
            readAll(runtime.bootstrap(), topics, total, "bench-warmup");
            long consumerNanos = readAll(runtime.bootstrap(), topics, total, "bench-baseline");
            double consumerRate = total / (consumerNanos / 1e9);
            System.out.printf("bench: plain Kafka consumer   %,12.0f events/s  (%,d events in %.1f s)%n",
                    consumerRate, total, consumerNanos / 1e9);

            JobSettings s = new JobSettings(runtime.bootstrap(), topics, new Lakehouse(dataDir.resolve("warehouse").toString()),
                    Lakehouse.DEFAULT_DATABASE, Duration.ofSeconds(o.getLong("checkpoint-interval")),
                    dataDir.resolve("checkpoints").toUri().toString(), Duration.ZERO);
            long started = System.nanoTime();
            JobClient ingest = PipelineJobs.startIngest(runtime.flink()::environment, s, true);
            JobClient silver = PipelineJobs.startSilver(runtime.flink()::environment, s, RuntimeExecutionMode.STREAMING, s.database());
            PipelineJobs.awaitBoundedIngest(ingest, s);
            long ingestNanos = System.nanoTime() - started;
            try (Catalog catalog = s.lakehouse().openCatalog()) {
                PaimonCounts counts = new PaimonCounts(catalog, s.database());
                // Counting merges every silver table: poll rarely so the count does not slow what it measures.
                Await.progress(() -> Reconciler.accountedInSilver(counts), total,
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
                    peakHeapBytes() / (1024 * 1024));
            return 0;
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

    /** The q-quantile of {@code sorted} (nearest rank). */
    static double percentile(long[] sorted, double q) {
        return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    /** Collects garbage and restarts the heap pools' peaks, so {@link #peakHeapBytes()} measures one phase. */
    static void resetPeakHeap() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    static long peakHeapBytes() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }
}
