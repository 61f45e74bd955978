package io.clinicalpipeline.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.clinicalpipeline.events.Topics;
import io.clinicalpipeline.features.FeatureJob;
import io.clinicalpipeline.features.RedisFeatureSink;
import io.clinicalpipeline.generator.GeneratorConfig;
import io.clinicalpipeline.generator.Workloads;
import io.clinicalpipeline.jobs.JobSettings;
import io.clinicalpipeline.jobs.PipelineJobs;
import io.clinicalpipeline.kafka.KafkaTopics;
import io.clinicalpipeline.lake.Lakehouse;
import io.clinicalpipeline.runtime.Await;
import io.clinicalpipeline.runtime.JobMetrics;
import io.clinicalpipeline.runtime.LocalRuntime;
import io.clinicalpipeline.runtime.Scratch;
import io.clinicalpipeline.scoring.RiskPolicy;
import io.clinicalpipeline.scoring.ScoringJob;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.paimon.catalog.Catalog;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code bench state}: the online job's keyed state and the TaskManager's memory once it holds {@code patients}
 * patients with {@code hours} of history each, with the state backend given: the size of a checkpoint taken after
 * every event was processed, and the heap (after a full GC) and resident memory it added to the JVM, which hosts the
 * MiniCluster's TaskManager. The baseline is the same JVM before the job started.
 */
public final class StateBench {
    private static final String DB = "clinical";

    /** @param stateBackend {@code hashmap} (state on the heap) or {@code rocksdb} (off heap, on local disk) */
    public record Settings(int patients, Duration hours, String stateBackend, Duration checkpointInterval, boolean lakehouse,
                           FeatureJob.Settings features, Path dataDir, Duration timeout, Path summary, Topics topics) {}

    private StateBench() {}

    public static void run(Settings p) throws Exception {
        Path dataDir = Scratch.emptied(p.dataDir());
        try (LocalRuntime runtime = LocalRuntime.start(dataDir, null, null, 0, "9450-9499", 8)) {
            Lakehouse lake = new Lakehouse(dataDir.resolve("warehouse").toString());
            lake.createTables(DB);
            JobSettings s = new JobSettings(runtime.bootstrap(), p.topics(), lake, DB, p.checkpointInterval(),
                    dataDir.resolve("checkpoints").toUri().toString(), Duration.ofHours(168));
            System.out.println("bench: phase 1/3, training a model and generating " + p.patients() + " patients x "
                    + p.hours().toHours() + " h into Kafka ...");
            try (Catalog catalog = lake.openCatalog()) {
                ScoreBench.registerProduction(runtime, catalog, lake, DB, "lr");
            }
            long events = Workloads.total(Workloads.toKafka(GeneratorConfig.defaults(p.patients(), p.hours(), 7), 2, 0,
                    runtime.bootstrap(), p.topics(), System.out));
            Memory before = Memory.now();
            System.out.printf("bench: phase 2/3, the online job (%s state backend, lakehouse path %s) over %,d events ...%n",
                    p.stateBackend(), p.lakehouse() ? "on" : "off", events);
            long started = System.nanoTime();
            JobClient job = PipelineJobs.startOnline(conf -> {
                conf.set(StateBackendOptions.STATE_BACKEND, p.stateBackend());
                return runtime.flink().environment(conf);
            }, s, p.features().withRedis(RedisFeatureSink.standard(runtime.redisUri(), Duration.ofHours(48), Duration.ofMillis(200))),
                    RiskPolicy.defaults(), new ScoringJob.Sinks(runtime.redisUri(), Duration.ofHours(48), null, null), p.lakehouse());
            // The Kafka source commits its offsets when a checkpoint completes: no lag means a completed checkpoint
            // holds the state after every event.
            Await.progress(() -> events - lag(runtime.bootstrap(), p.topics()), events, Await.Patience.of(p.timeout()),
                    n -> System.out.printf("bench: %,d of %,d events processed and checkpointed%n", n, events),
                    () -> "the online job to process and checkpoint every event");
            double seconds = (System.nanoTime() - started) / 1e9;
            JobMetrics.Checkpoint checkpoint = new JobMetrics(runtime.flink().restAddress()).lastCompletedCheckpoint(job.getJobID());
            System.out.println("bench: phase 3/3, measuring memory ...");
            Memory after = Memory.now();
            job.cancel().get();
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("state_backend", p.stateBackend());
            figures.put("patients", p.patients());
            figures.put("hours", p.hours().toHours());
            figures.put("events", events);
            figures.put("events_per_s", events / seconds);
            figures.put("checkpoint_state_bytes", checkpoint.stateSize());
            figures.put("checkpoint_bytes_per_patient", checkpoint.stateSize() / p.patients());
            figures.put("checkpoint_duration_ms", checkpoint.durationMs());
            figures.put("heap_baseline_bytes", before.heap());
            figures.put("heap_added_bytes", after.heap() - before.heap());
            figures.put("rss_baseline_bytes", before.rss());
            figures.put("rss_added_bytes", after.rss() - before.rss());
            print(figures);
            if (p.summary() != null) {
                write(figures, p.summary());
            }
        }
    }

    private static long lag(String bootstrap, Topics topics) {
        try {
            return KafkaTopics.groupLag(bootstrap, PipelineJobs.ONLINE_GROUP, topics);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the online job's consumer group offsets: " + e.getMessage(), e);
        }
    }

    /** Heap in use after a full collection, and the process's resident memory (heap, metaspace, RocksDB's native memory). */
    private record Memory(long heap, long rss) {
        static Memory now() throws IOException {
            ManagementFactory.getMemoryMXBean().gc();
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            long rss = 0;
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
            return new Memory(heap, rss);
        }
    }

    private static void print(Map<String, Object> f) {
        double mb = 1024 * 1024;
        System.out.println();
        System.out.printf("bench state (%s state backend, %,d patients x %d h, %,d events at %,.0f events/s):%n",
                f.get("state_backend"), f.get("patients"), f.get("hours"), f.get("events"), f.get("events_per_s"));
        System.out.printf("  checkpoint after every event   %,8.1f MB  (%,d bytes per patient, taken in %,d ms)%n",
                (long) f.get("checkpoint_state_bytes") / mb, f.get("checkpoint_bytes_per_patient"), f.get("checkpoint_duration_ms"));
        System.out.printf("  heap after GC                  %,8.1f MB added to a baseline of %,.1f MB%n",
                (long) f.get("heap_added_bytes") / mb, (long) f.get("heap_baseline_bytes") / mb);
        System.out.printf("  resident memory                %,8.1f MB added to a baseline of %,.1f MB%n",
                (long) f.get("rss_added_bytes") / mb, (long) f.get("rss_baseline_bytes") / mb);
    }

    private static void write(Map<String, Object> figures, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), figures);
        System.out.println("bench: summary written to " + file.toAbsolutePath());
    }
}
