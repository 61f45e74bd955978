package io.clinicalpipeline.cli;

import io.clinicalpipeline.events.EventKind;
import io.clinicalpipeline.events.Topics;
import io.clinicalpipeline.generator.GeneratorConfig;
import io.clinicalpipeline.jobs.JobSettings;
import io.clinicalpipeline.jobs.PipelineJobs;
import io.clinicalpipeline.lake.Lakehouse;
import io.clinicalpipeline.lake.PaimonCounts;
import io.clinicalpipeline.reconcile.Reconciler;
import io.clinicalpipeline.runtime.LocalRuntime;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.paimon.catalog.Catalog;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bin/pipeline bench ingest-soak}: the bounded ingest, again and again on fresh small workloads, each run
 * compared partition by partition with Kafka. A bounded job that reports FINISHED with a partition short in
 * bronze is a silent loss that one run rarely shows; this counts how often it happens.
 */
final class IngestSoak {

    private IngestSoak() {}

    static int run(String[] args) throws Exception {
        Options o = new Options("bench ingest-soak",
                "Runs the bounded ingest --runs times, each on fresh topics and a fresh database with a small generated\n"
                        + "workload, and compares bronze with Kafka partition by partition after every run. Prints each run\n"
                        + "that finished short and exits 1 if any did.")
                .option("runs", "N", "50", "number of bounded ingest runs")
                .option("patients", "N", "20", "patients per workload")
                .option("hours", "H", "1", "simulated hours per workload")
                .option("checkpoint-interval", "MILLIS", "300", "checkpoint interval: short, so checkpoints cross the end of input")
                .option("load", "silver|none", "silver", "what else runs meanwhile: a streaming silver job following bronze, or nothing")
                .option("data-dir", "DIR", "data/bench-soak", "scratch directory (emptied at start)");
        if (!o.parse(args)) {
            return 0;
        }
        boolean withSilver = switch (o.get("load")) {
            case "silver" -> true;
            case "none" -> false;
            default -> throw new Options.UsageException("--load must be silver or none", o);
        };
        int runs = o.getInt("runs");
        Path dataDir = BenchCommand.scratch(o);
        Lakehouse lakehouse = new Lakehouse(dataDir.resolve("warehouse").toString());
        List<String> shortRuns = new ArrayList<>();
        try (LocalRuntime runtime = LocalRuntime.start(dataDir, null, null, 0, "9400-9449", 8)) {
            for (int run = 1; run <= runs; run++) {
                Topics topics = topicsOf(run);
                GeneratorConfig workload = GeneratorConfig.defaults(o.getInt("patients"),
                        Duration.ofMinutes(Math.round(o.getDouble("hours") * 60)), run);
                GenerateCommand.generate(workload, 2, 0, runtime.bootstrap(), topics);
                JobSettings s = new JobSettings(runtime.bootstrap(), topics, lakehouse, "soak_" + run,
                        Duration.ofMillis(o.getLong("checkpoint-interval")),
                        dataDir.resolve("checkpoints").toUri().toString(), Duration.ZERO);
                long started = System.nanoTime();
                JobClient silver = withSilver
                        ? PipelineJobs.startSilver(runtime.flink()::environment, s, RuntimeExecutionMode.STREAMING, s.database())
                        : null;
                String audit = "the job's own audit passed";
                try {
                    PipelineJobs.awaitBoundedIngest(PipelineJobs.startIngest(runtime.flink()::environment, s, true), s);
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
                    String line = "run " + run + ": " + String.join("; ", missing) + " (" + audit + ")";
                    shortRuns.add(line);
                    System.out.printf("soak: run %d of %d FINISHED SHORT: %s%n", run, runs, line);
                }
            }
        }
        System.out.printf("soak: %d of %d bounded ingest runs finished with bronze short of Kafka%n", shortRuns.size(), runs);
        shortRuns.forEach(line -> System.out.println("  " + line));
        return shortRuns.isEmpty() ? 0 : 1;
    }

    private static Topics topicsOf(int run) {
        Map<EventKind, String> names = new EnumMap<>(EventKind.class);
        for (EventKind kind : EventKind.values()) {
            names.put(kind, kind.defaultTopic() + "-soak" + run);
        }
        return Topics.withOverrides(names);
    }

    /** Every partition whose bronze rows differ from its Kafka records, as "topic/partition kafka N bronze M". */
    private static List<String> compare(String bootstrap, Topics topics, Lakehouse lakehouse, String database) throws Exception {
        Map<List<String>, Long> kafka = Reconciler.kafkaPartitionCounts(bootstrap, topics);
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
