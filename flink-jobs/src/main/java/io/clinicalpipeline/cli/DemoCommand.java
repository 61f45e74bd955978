package io.clinicalpipeline.cli;

import io.clinicalpipeline.demo.Demo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "demo", header = "runs the whole pipeline locally on embedded Kafka, Redis and Flink", defaultValueProvider = DemoCommand.Defaults.class, description = "Runs the pipeline end to end on a local "
        + "Kafka broker (KRaft), Redis server and Flink MiniCluster with its web dashboard: ingest, silver and streaming "
        + "features into Paimon and Redis, then trains a risk model on the history (compared with NEWS2), registers and "
        + "promotes it, and scores every feature row with the streaming scoring job. Starts from an empty --database. "
        + "--input-format fhir or hl7v2 sends the simulated ward as a hospital's FHIR R4 and HL7 v2 feeds would.")
final class DemoCommand implements Callable<Integer> {

    /** A demo is a few minutes of simulated ward on a laptop: more patients and hours, checkpoints more often. */
    static final class Defaults extends CommandDefaults {
        Defaults() {
            super(Map.of("--patients", "400", "--hours", "24", "--checkpoint-interval", "2s", "--data-dir", "data/runtime",
                    "--timeout", "15m"));
        }
    }

    @Mixin
    JobOptions job;

    @Mixin
    WorkloadOptions workload;

    @Mixin
    InputFormatOption input;

    @Mixin
    DedupOptions dedup;

    @Mixin
    CodeMappingOption codes;

    @Mixin
    RedisOptions redis;

    @Mixin
    EventTimeOptions eventTime;

    @Mixin
    RunOptions run;

    @Option(names = "--rest-port", paramLabel = "PORT", defaultValue = "8081", description = "Flink web dashboard and REST port "
            + "(0: any free port)")
    int restPort;

    @Option(names = "--prometheus-port", paramLabel = "PORT[-PORT]", defaultValue = "9249", description = "Prometheus metrics port "
            + "or range")
    String prometheusPort;

    @Option(names = "--summary", paramLabel = "FILE", description = "also write the reconciliation as JSON")
    Path summary;

    @Option(names = "--no-model", description = "skip training, registering and scoring a model")
    boolean noModel;

    @Option(names = "--keep-running", description = "keep the jobs following Kafka after the workload is processed, until Ctrl-C")
    boolean keepRunning;

    @Override
    public Integer call() throws Exception {
        return Demo.run(new Demo.Settings(run.dataDir, codes.applyTo(job.settings(null, dedup.ttl)), job.kafka.bootstrap,
                redis.uri(), restPort, prometheusPort, workload.config(), workload.partitions, workload.rate,
                eventTime.settings(null, redis.ttl), redis.ttl, eventTime.redisMaxDelay, run.timeout, summary, !noModel, keepRunning,
                input.format));
    }
}
