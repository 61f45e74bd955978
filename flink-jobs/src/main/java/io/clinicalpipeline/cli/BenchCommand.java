package io.clinicalpipeline.cli;

import io.clinicalpipeline.bench.FeaturesBench;
import io.clinicalpipeline.bench.FormatsBench;
import io.clinicalpipeline.bench.IngestBench;
import io.clinicalpipeline.bench.IngestSoak;
import io.clinicalpipeline.bench.OnlineBench;
import io.clinicalpipeline.bench.ScoreBench;
import io.clinicalpipeline.scoring.RiskPolicy;
import io.clinicalpipeline.bench.ServeBench;
import io.clinicalpipeline.bench.StateBench;
import io.clinicalpipeline.bench.TrainBench;
import io.clinicalpipeline.events.Topics;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code bin/pipeline bench ingest|ingest-soak|online|state|features|train|score|serve|formats}. Every figure is printed next to a baseline
 * measured in the same run, so the ratio means something on a noisy machine.
 */
@Command(name = "bench", header = "benchmarks: ingest, ingest-soak, online, state, features, train, score, serve, formats", description = "Benchmarks, each against a baseline measured in the same run; they write only under "
        + "--data-dir.",
        subcommands = {BenchCommand.Ingest.class, BenchCommand.Soak.class, BenchCommand.Online.class, BenchCommand.State.class,
                BenchCommand.Features.class, BenchCommand.Train.class, BenchCommand.Score.class, BenchCommand.Serve.class,
                BenchCommand.Formats.class})
final class BenchCommand extends CommandGroup {

    /** Benchmarks commit often, so a run is mostly work rather than waiting for checkpoints. */
    static class Defaults extends CommandDefaults {
        Defaults(String timeout) {
            super(Map.of("--checkpoint-interval", "5s", "--timeout", timeout));
        }
    }

    static final class IngestDefaults extends Defaults {
        IngestDefaults() {
            super("60m");
        }
    }

    static final class ScoreDefaults extends Defaults {
        ScoreDefaults() {
            super("20m");
        }
    }

    static final class FeaturesDefaults extends Defaults {
        FeaturesDefaults() {
            super("30m");
        }
    }

    @Command(name = "ingest", header = "events/s through ingest and silver vs a plain Kafka consumer", defaultValueProvider = IngestDefaults.class, description = "Fills Kafka with --events generated "
            + "events, reads them once with a plain consumer (the baseline) and once through ingest + silver, and prints "
            + "both rates, their ratio and the peak heap; --input-format fhir or hl7v2 sends the events as a hospital's "
            + "messages, which silver translates first.")
    static final class Ingest implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Mixin
        InputFormatOption input;

        @Mixin
        CheckpointOptions checkpoints;

        @Mixin
        RunOptions run;

        @Option(names = "--events", paramLabel = "N", defaultValue = "1000000", description = "approximate number of events to "
                + "generate")
        long events;

        @Override
        public Integer call() throws Exception {
            IngestBench.run(new IngestBench.Settings(events, run.dataDir, checkpoints.interval, kafka.bootstrap, kafka.topics(),
                    input.format));
            return 0;
        }
    }

    static final class SoakDefaults extends CommandDefaults {
        SoakDefaults() {
            // Checkpoints short enough to cross the end of input, where the race this soak looks for lives.
            super(Map.of("--checkpoint-interval", "300ms", "--data-dir", "data/bench-soak", "--timeout", "5m"));
        }
    }

    @Command(name = "ingest-soak", header = "the bounded ingest again and again; every run whose bronze differs from Kafka", defaultValueProvider = SoakDefaults.class, description = "Runs the bounded ingest --runs times, "
            + "each on fresh topics and a fresh database with a small generated workload, and compares bronze with Kafka "
            + "partition by partition after every run. Prints each run that finished short and exits 1 if any did. "
            + "--timeout applies to each run.")
    static final class Soak implements Callable<Integer> {
        enum Load { SILVER, NONE }

        @Mixin
        CheckpointOptions checkpoints;

        @Mixin
        RunOptions run;

        @Option(names = "--runs", paramLabel = "N", defaultValue = "50", description = "number of bounded ingest runs")
        int runs;

        @Option(names = "--patients", paramLabel = "N", defaultValue = "20", description = "patients per workload")
        int patients;

        @Option(names = "--hours", paramLabel = "H", defaultValue = "1", description = "simulated hours per workload")
        double hours;

        @Option(names = "--load", paramLabel = "silver|none", defaultValue = "silver",
                description = "what else runs meanwhile: a streaming silver job following bronze, or nothing")
        Load load;

        @Override
        public Integer call() throws Exception {
            int failed = IngestSoak.run(new IngestSoak.Settings(runs, patients, hours, checkpoints.interval, load == Load.SILVER,
                    run.dataDir, run.timeout));
            return failed == 0 ? 0 : 1;
        }
    }

    static final class OnlineDefaults extends CommandDefaults {
        OnlineDefaults() {
            super(Map.of("--checkpoint-interval", "10s", "--timeout", "10m"));
        }
    }

    @Command(name = "online", header = "Kafka send -> Redis features, risk and alert latency of the online job", defaultValueProvider = OnlineDefaults.class, description = "Live events at --rate into the online "
            + "job (lakehouse path and checkpoints on), and for each the time from its Kafka send until Redis features:{id} "
            + "holds it, until risk:{id} does, and until its alert is on risk-alerts; p50, p99 and max, what is missing, and "
            + "whether the job kept up. Exits 1 if it fell behind.")
    static final class Online implements Callable<Integer> {
        @Mixin
        CheckpointOptions checkpoints;

        @Mixin
        EventTimeOptions eventTime;

        @Mixin
        RunOptions run;

        @Option(names = "--rate", paramLabel = "EVENTS/S", defaultValue = "2000", description = "live events sent per second")
        double rate;

        @Option(names = "--seconds", paramLabel = "N", defaultValue = "30", description = "how long latency is measured, after the warm-up")
        int seconds;

        @Option(names = "--warmup", paramLabel = "DURATION", defaultValue = "60s", description = "events are sent at --rate this "
                + "long before latency is measured: for about a minute after the job starts, compiling its code takes a "
                + "large share of the CPU")
        Duration warmup;

        @Option(names = "--patients", paramLabel = "N", defaultValue = "2000", description = "simulated patients sending events")
        int patients;

        @Option(names = "--lakehouse", paramLabel = "in-job|jobs|off", defaultValue = "in-job", converter = LakehousePaths.class,
                description = "where the lakehouse path runs: in the online job, as the ingest, silver, features and "
                        + "scoring jobs beside it, or not at all")
        OnlineBench.LakehousePath lakehouse;

        @Option(names = "--summary", paramLabel = "FILE", description = "also write the figures as JSON")
        Path summary;

        @Override
        public Integer call() throws Exception {
            boolean keptUp = OnlineBench.run(new OnlineBench.Settings(rate, seconds, warmup, patients, checkpoints.interval,
                    eventTime.settings(null, Duration.ZERO), eventTime.redisMaxDelay, lakehouse, run.dataDir, run.timeout,
                    summary, Topics.defaults()));
            return keptUp ? 0 : 1;
        }
    }

    /** {@code in-job}, {@code jobs}, {@code off}. */
    static final class LakehousePaths implements CommandLine.ITypeConverter<OnlineBench.LakehousePath> {
        @Override
        public OnlineBench.LakehousePath convert(String value) {
            return switch (value) {
                case "in-job" -> OnlineBench.LakehousePath.IN_JOB;
                case "jobs" -> OnlineBench.LakehousePath.JOBS;
                case "off" -> OnlineBench.LakehousePath.OFF;
                default -> throw new CommandLine.TypeConversionException("expected in-job, jobs or off, got " + value);
            };
        }
    }

    static final class StateDefaults extends CommandDefaults {
        StateDefaults() {
            super(Map.of("--checkpoint-interval", "10s", "--timeout", "60m"));
        }
    }

    @Command(name = "state", header = "the online job's state size and memory at --patients x --hours of history", defaultValueProvider = StateDefaults.class,
            description = "Generates --patients patients with --hours of history each, runs the online job over them with the "
            + "given state backend, and prints the size of a checkpoint taken after every event and the heap and resident "
            + "memory the job added to the JVM.")
    static final class State implements Callable<Integer> {
        @Mixin
        CheckpointOptions checkpoints;

        @Mixin
        EventTimeOptions eventTime;

        @Mixin
        RunOptions run;

        @Option(names = "--patients", paramLabel = "N", defaultValue = "10000", description = "simulated patients")
        int patients;

        @Option(names = "--hours", paramLabel = "DURATION", defaultValue = "24h", description = "history per patient")
        Duration hours;

        @Option(names = "--state-backend", paramLabel = "hashmap|rocksdb", defaultValue = "hashmap", description = "where the "
                + "job keeps its state: on the heap, or in RocksDB (off heap, on local disk)")
        String stateBackend;

        @Option(names = "--lakehouse", description = "the online job also writes Paimon (slower; its writers' state is small)")
        boolean lakehouse;

        @Option(names = "--summary", paramLabel = "FILE", description = "also write the figures as JSON")
        Path summary;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (!List.of("hashmap", "rocksdb").contains(stateBackend)) {
                throw new ParameterException(spec.commandLine(), "--state-backend must be hashmap or rocksdb, got " + stateBackend);
            }
            StateBench.run(new StateBench.Settings(patients, hours, stateBackend, checkpoints.interval, lakehouse,
                    eventTime.settings(null, Duration.ZERO), run.dataDir, run.timeout, summary, Topics.defaults()));
            return 0;
        }
    }

    @Command(name = "features", header = "feature rows/s, Kafka -> Redis latency, Redis sink, lookups", defaultValueProvider = FeaturesDefaults.class, description = "Measures the feature pipeline on the "
            + "local runtime: end-to-end feature rows/s against the feature definitions in one thread, Kafka -> Redis "
            + "latency at a fixed input rate, the Redis sink against redis-benchmark (Debian package redis-tools), and "
            + "online lookups against a bare HGETALL.")
    static final class Features implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Mixin
        CheckpointOptions checkpoints;

        @Mixin
        EventTimeOptions eventTime;

        @Mixin
        RunOptions run;

        @Option(names = "--events", paramLabel = "N", defaultValue = "300000", description = "approximate number of historical "
                + "events replayed for the throughput figure")
        long events;

        @Option(names = "--patients", paramLabel = "N", defaultValue = "2000", description = "simulated patients of the history")
        int patients;

        @Option(names = "--live-rate", paramLabel = "EVENTS/S", defaultValue = "200", description = "fixed input rate while "
                + "latency is measured")
        double liveRate;

        @Option(names = "--live-patients", paramLabel = "N", defaultValue = "500", description = "simulated patients sending live "
                + "events")
        int livePatients;

        @Option(names = "--live-seconds", paramLabel = "SECONDS", defaultValue = "60", description = "how long latency is "
                + "measured, after a 10 s warm-up")
        int liveSeconds;

        @Option(names = "--lookups", paramLabel = "N", defaultValue = "20000", description = "online lookups timed")
        int lookups;

        @Option(names = "--redis-ttl", paramLabel = "DURATION", defaultValue = "48h", description = "TTL of the online features")
        Duration redisTtl;

        @Override
        public Integer call() throws Exception {
            FeaturesBench.run(new FeaturesBench.Settings(events, patients, liveRate, livePatients, liveSeconds, lookups, redisTtl,
                    eventTime.redisMaxDelay, eventTime.settings(null, redisTtl), checkpoints.interval, run.dataDir, run.timeout,
                    kafka.bootstrap, kafka.topics()));
            return 0;
        }
    }

    @Command(name = "train", header = "Flink fits vs the same solvers in one thread", description = "Fits logistic regression and boosted trees on generated rows twice: with the Flink "
            + "jobs train uses, and with the same solver in one thread over the rows in memory; prints time, rounds, rows/s "
            + "per round, peak heap and held-out AUROC of both.")
    static final class Train implements Callable<Integer> {
        @Option(names = "--rows", paramLabel = "N", defaultValue = "1000000", description = "training rows")
        int rows;

        @Option(names = "--features", paramLabel = "N", defaultValue = "30", description = "features per row (plus a constant "
                + "intercept term)")
        int features;

        @Option(names = "--held-out", paramLabel = "N", defaultValue = "100000", description = "rows scored for the AUROC of each "
                + "fit")
        long heldOut;

        @Option(names = "--algorithms", paramLabel = "lr,gbt", split = ",", defaultValue = "lr,gbt", description = "which "
                + "estimators to measure")
        List<String> algorithms;

        @Option(names = "--trees", paramLabel = "N", defaultValue = "20", description = "gbt: trees")
        int trees;

        @Option(names = "--max-depth", paramLabel = "N", defaultValue = "5", description = "gbt: depth of each tree")
        int maxDepth;

        @Option(names = "--parallelism", paramLabel = "N", defaultValue = "2", description = "parallel subtasks of the Flink fit")
        int parallelism;

        @Option(names = "--seed", paramLabel = "N", defaultValue = "7", description = "seed of the generated rows")
        long seed;

        @Option(names = "--scratch-dir", paramLabel = "DIR", defaultValue = "", description = "where the Flink fit caches its "
                + "points (default: the temp directory)")
        String scratchDir;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (rows < 100 || features < 4) {
                throw new ParameterException(spec.commandLine(), "--rows must be at least 100 and --features at least 4");
            }
            if (!List.of("lr", "gbt").containsAll(algorithms)) {
                throw new ParameterException(spec.commandLine(), "--algorithms takes lr and gbt, got " + algorithms);
            }
            TrainBench.run(new TrainBench.Settings(rows, features, heldOut, algorithms, trees, maxDepth, parallelism, seed, scratchDir));
            return 0;
        }
    }

    @Command(name = "formats", header = "FHIR R4 and HL7 v2 parse-and-map events/s vs the JSON path", description = "Generates a "
            + "ward, writes its events as FHIR R4 (and its vitals and labs as HL7 v2 ORU^R01), and times, in one thread, "
            + "each format parsed, mapped and through the silver rules against the JSON path on the same events.")
    static final class Formats implements Callable<Integer> {
        @Option(names = "--patients", paramLabel = "N", defaultValue = "200", description = "simulated patients")
        int patients;

        @Option(names = "--hours", paramLabel = "DURATION", defaultValue = "24h",
                description = "simulated time")
        Duration hours;

        @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "generator seed")
        long seed;

        @Override
        public Integer call() throws Exception {
            FormatsBench.run(new FormatsBench.Settings(patients, hours, seed));
            return 0;
        }
    }

    @Command(name = "score", header = "batch and streaming scoring vs the scorer in one thread", defaultValueProvider = ScoreDefaults.class, description = "Registers a model and measures batch and "
            + "streaming scoring rows/s against the scorer in one thread, and the latency from a committed feature row to "
            + "its risk in Redis.")
    static final class Score implements Callable<Integer> {
        @Mixin
        CheckpointOptions checkpoints;

        @Mixin
        RunOptions run;

        @Option(names = "--patients", paramLabel = "N", defaultValue = "100000", description = "patients; the batch cohort is each "
                + "one's newest row")
        int patients;

        @Option(names = "--rows-per-patient", paramLabel = "N", defaultValue = "2", description = "feature rows per patient, all "
                + "scored by the streaming job")
        int rowsPerPatient;

        @Option(names = "--algorithm", paramLabel = "lr|gbt", defaultValue = "lr", description = "the model: logistic regression "
                + "or 50 boosted trees of depth 5")
        String algorithm;

        @Option(names = "--live-rate", paramLabel = "ROWS/S", defaultValue = "200", description = "feature rows committed per "
                + "second while latency is measured")
        int liveRate;

        @Option(names = "--live-seconds", paramLabel = "SECONDS", defaultValue = "30", description = "how long latency is measured")
        int liveSeconds;

        @Option(names = "--explain-top", paramLabel = "N", defaultValue = "" + RiskPolicy.DEFAULT_EXPLAIN_TOP,
                description = "contributions each score of the jobs carries (0: the jobs explain nothing); the one-thread "
                        + "cost with and without explanations is measured either way")
        int explainTop;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (explainTop < 0) {
                throw new ParameterException(spec.commandLine(), "--explain-top must be 0 or more");
            }
            if (!List.of("lr", "gbt").contains(algorithm)) {
                throw new ParameterException(spec.commandLine(), "--algorithm must be lr or gbt");
            }
            ScoreBench.run(new ScoreBench.Settings(patients, rowsPerPatient, algorithm, liveRate, liveSeconds, checkpoints.interval,
                    run.dataDir, run.timeout, explainTop));
            return 0;
        }
    }

    @Command(name = "serve", header = "POST /predict p50/p99 at a fixed rate per concurrency vs a bare HGETALL", description = "Registers "
            + "a model, writes --patients patients' online features to a local Redis, starts bin/pipeline serve in a JVM "
            + "of its own and asks it for random patients at --rate requests/s (open loop) from a real HTTP client, for "
            + "each --concurrency; next to it, HGETALL of the same keys at the same rate and concurrency.")
    static final class Serve implements Callable<Integer> {
        @Mixin
        RunOptions run;

        @Option(names = "--concurrency", paramLabel = "N,N,...", split = ",", defaultValue = "1,8,32", description = "client "
                + "connections, one level each")
        List<Integer> concurrency;

        @Option(names = "--rate", paramLabel = "REQUESTS/S", defaultValue = "1000", description = "requests per second at each level")
        int rate;

        @Option(names = "--seconds", paramLabel = "N", defaultValue = "20", description = "how long each level is measured")
        int seconds;

        @Option(names = "--warmup", paramLabel = "DURATION", defaultValue = "15s", description = "requests at --rate before the "
                + "first level, to compile both JVMs' hot paths")
        Duration warmup;

        @Option(names = "--patients", paramLabel = "N", defaultValue = "10000", description = "patients with online features")
        int patients;

        @Option(names = "--algorithm", paramLabel = "lr|gbt", defaultValue = "gbt", description = "the model served: logistic "
                + "regression or 50 boosted trees of depth 5")
        String algorithm;

        @Option(names = "--server-threads", paramLabel = "N", defaultValue = "16", description = "the service's --threads")
        int serverThreads;

        @Option(names = "--server-jvm-option", paramLabel = "OPTION", description = "an option of the service's JVM, e.g. "
                + "-XX:StartFlightRecording=filename=serve.jfr to profile it (repeatable)")
        List<String> serverJvmOptions = new ArrayList<>();

        @Option(names = "--summary", paramLabel = "FILE", description = "also write the figures as JSON")
        Path summary;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (!List.of("lr", "gbt").contains(algorithm)) {
                throw new ParameterException(spec.commandLine(), "--algorithm must be lr or gbt");
            }
            if (rate < 1 || seconds < 1 || patients < 1 || concurrency.stream().anyMatch(c -> c < 1)) {
                throw new ParameterException(spec.commandLine(), "--rate, --seconds, --patients and --concurrency must be positive");
            }
            ServeBench.run(new ServeBench.Settings(patients, algorithm, concurrency, rate, Duration.ofSeconds(seconds), warmup,
                    serverThreads, serverJvmOptions, run.dataDir, summary, run.timeout));
            return 0;
        }
    }
}
