package io.clinicalpipeline.bench;

import io.clinicalpipeline.events.Topics;
import io.clinicalpipeline.features.FeatureJob;
import io.clinicalpipeline.features.RedisFeatureSink;
import io.clinicalpipeline.generator.GeneratorConfig;
import io.clinicalpipeline.generator.Workloads;
import io.clinicalpipeline.jobs.JobSettings;
import io.clinicalpipeline.jobs.PipelineJobs;
import io.clinicalpipeline.kafka.KafkaTopics;
import io.clinicalpipeline.runtime.Await;
import io.clinicalpipeline.runtime.JobMetrics;
import io.clinicalpipeline.runtime.JsonSummary;
import io.clinicalpipeline.runtime.LocalRuntime;
import io.clinicalpipeline.runtime.Scratch;
import io.clinicalpipeline.scoring.RiskPolicy;
import io.clinicalpipeline.scoring.ScoringJob;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.JobClient;

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
    /** @param stateBackend {@code hashmap} (state on the heap) or {@code rocksdb} (off heap, on local disk) */
    public record Settings(int patients, Duration hours, String stateBackend, Duration checkpointInterval, boolean lakehouse,
                           FeatureJob.Settings features, Path dataDir, Duration timeout, Path summary, Topics topics) {}

    private StateBench() {}

    public static void run(Settings p) throws Exception {
        Path dataDir = Scratch.emptied(p.dataDir());
        try (LocalRuntime runtime = LocalRuntime.start(dataDir, null, null, 0, "9450-9499", 8)) {
            System.out.println("bench: phase 1/3, training a model and generating " + p.patients() + " patients x "
                    + p.hours().toHours() + " h into Kafka ...");
            JobSettings s = OnlineBench.withProductionModel(runtime, dataDir, p.topics(), p.checkpointInterval());
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
            Figures f = new Figures(p, events, events / seconds, checkpoint, before, Memory.now());
            job.cancel().get();
            f.print();
            if (p.summary() != null) {
                JsonSummary.write(p.summary(), f.json());
                System.out.println("bench: summary written to " + p.summary().toAbsolutePath());
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

    private record Figures(Settings p, long events, double eventsPerSecond, JobMetrics.Checkpoint checkpoint,
                           Memory before, Memory after) {
        private static final double MB = 1024 * 1024;

        void print() {
            System.out.println();
            System.out.printf("bench state (%s state backend, %,d patients x %d h, %,d events at %,.0f events/s):%n",
                    p.stateBackend(), p.patients(), p.hours().toHours(), events, eventsPerSecond);
            System.out.printf("  checkpoint after every event   %,8.1f MB  (%,d bytes per patient, taken in %,d ms)%n",
                    checkpoint.stateSize() / MB, checkpoint.stateSize() / p.patients(), checkpoint.durationMs());
            System.out.printf("  heap after GC                  %,8.1f MB added to a baseline of %,.1f MB%n",
                    (after.heap() - before.heap()) / MB, before.heap() / MB);
            System.out.printf("  resident memory                %,8.1f MB added to a baseline of %,.1f MB%n",
                    (after.rss() - before.rss()) / MB, before.rss() / MB);
        }

        Map<String, Object> json() {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("state_backend", p.stateBackend());
            doc.put("patients", p.patients());
            doc.put("hours", p.hours().toHours());
            doc.put("events", events);
            doc.put("events_per_s", eventsPerSecond);
            doc.put("checkpoint_state_bytes", checkpoint.stateSize());
            doc.put("checkpoint_bytes_per_patient", checkpoint.stateSize() / p.patients());
            doc.put("checkpoint_duration_ms", checkpoint.durationMs());
            doc.put("heap_baseline_bytes", before.heap());
            doc.put("heap_added_bytes", after.heap() - before.heap());
            doc.put("rss_baseline_bytes", before.rss());
            doc.put("rss_added_bytes", after.rss() - before.rss());
            return doc;
        }
    }
}
