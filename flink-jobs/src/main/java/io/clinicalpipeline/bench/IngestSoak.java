package io.clinicalpipeline.bench;

import io.clinicalpipeline.events.EventKind;
import io.clinicalpipeline.events.Topics;
import io.clinicalpipeline.generator.GeneratorConfig;
import io.clinicalpipeline.generator.Workloads;
import io.clinicalpipeline.jobs.JobSettings;
import io.clinicalpipeline.jobs.PipelineJobs;
import io.clinicalpipeline.kafka.KafkaTopics;
import io.clinicalpipeline.lake.Lakehouse;
import io.clinicalpipeline.lake.PaimonCounts;
import io.clinicalpipeline.runtime.LocalRuntime;
import io.clinicalpipeline.runtime.Scratch;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.paimon.catalog.Catalog;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code bin/pipeline bench ingest-soak}: the bounded ingest, again and again on fresh small workloads, each run
 * compared partition by partition with Kafka. A bounded job that reports FINISHED with a partition short in
 * bronze is a silent loss that one run rarely shows; this counts how often it happens.
 */
public final class IngestSoak {

    private IngestSoak() {}

    /**
     * @param runs bounded ingest runs
     * @param patients patients per workload
     * @param hours simulated hours per workload
     * @param checkpointInterval short, so checkpoints cross the end of input
     * @param withSilver whether a streaming silver job follows bronze meanwhile (load, as in the demo)
     * @param timeout longest one run may take
     */
    public record Settings(int runs, int patients, double hours, Duration checkpointInterval, boolean withSilver, Path dataDir,
                           Duration timeout) {}

    /** @return how many runs finished with bronze short of Kafka */
    public static int run(Settings p) throws Exception {
        int runs = p.runs();
        Path dataDir = Scratch.emptied(p.dataDir());
        Lakehouse lakehouse = new Lakehouse(dataDir.resolve("warehouse").toString());
        List<String> shortRuns = new ArrayList<>();
        try (LocalRuntime runtime = LocalRuntime.start(dataDir, null, null, 0, "9400-9449", 8)) {
            for (int run = 1; run <= runs; run++) {
                Topics topics = topicsOf(run);
                GeneratorConfig workload = GeneratorConfig.defaults(p.patients(), Duration.ofMinutes(Math.round(p.hours() * 60)), run);
                Workloads.toKafka(workload, 2, 0, runtime.bootstrap(), topics, System.out);
                JobSettings s = new JobSettings(runtime.bootstrap(), topics, lakehouse, "soak_" + run,
                        p.checkpointInterval(), dataDir.resolve("checkpoints").toUri().toString(), Duration.ZERO);
                long started = System.nanoTime();
                JobClient silver = p.withSilver()
                        ? PipelineJobs.startSilver(runtime.flink()::environment, s, RuntimeExecutionMode.STREAMING, s.database())
                        : null;
                String audit = "the job's own audit passed";
                try {
                    PipelineJobs.awaitBoundedIngest(PipelineJobs.startIngest(runtime.flink()::environment, s, true), s, p.timeout());
                } catch (IllegalStateException e) {
                    audit = "the job's own audit failed: " + e.getMessage();
                }
                long millis = (System.nanoTime() - started) / 1_000_000;
                if (silver != null) {
                    silver.cancel().get();
                }
                // Compared with Kafka itself, not with what the job says it read: the audit is under test too.
                List<String> missing = compare(runtime.bootstrap(), topics, lakehouse, s.database());
                if (missing.isEmpty()) {
                    System.out.printf("soak: run %d of %d: bronze = Kafka (%,d ms)%n", run, runs, millis);
                } else {
                    String what = String.join("; ", missing) + " (" + audit + ")";
                    shortRuns.add("run " + run + ": " + what);
                    System.out.printf("soak: run %d of %d FINISHED SHORT: %s%n", run, runs, what);
                }
            }
        }
        System.out.printf("soak: %d of %d bounded ingest runs finished with bronze short of Kafka%n", shortRuns.size(), runs);
        shortRuns.forEach(line -> System.out.println("  " + line));
        return shortRuns.size();
    }

    private static Topics topicsOf(int run) {
        return Topics.withPrefix("soak" + run);
    }

    /** Every partition whose bronze rows differ from its Kafka records, as "topic/partition kafka N bronze M". */
    private static List<String> compare(String bootstrap, Topics topics, Lakehouse lakehouse, String database) throws Exception {
        Map<List<String>, Long> kafka = KafkaTopics.recordsPerPartition(bootstrap, topics);
        List<String> out = new ArrayList<>();
        try (Catalog catalog = lakehouse.openCatalog()) {
            PaimonCounts counts = new PaimonCounts(catalog, database);
            Map<List<String>, Long> bronze = new java.util.HashMap<>();
            for (EventKind kind : EventKind.values()) {
                bronze.putAll(counts.countBy(kind.bronzeTable(), "topic", "kafka_partition"));
            }
            kafka.forEach((partition, n) -> {
                long landed = bronze.getOrDefault(partition, 0L);
                if (landed != n) {
                    out.add(partition.get(0) + "/" + partition.get(1) + " kafka " + n + " bronze " + landed);
                }
            });
        }
        return out;
    }
}
