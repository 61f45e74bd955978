package io.clinicalpipeline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clinicalpipeline.events.Topics;
import io.clinicalpipeline.features.FeatureJob;
import io.clinicalpipeline.features.RedisFeatureSink;
import io.clinicalpipeline.generator.EventGenerator;
import io.clinicalpipeline.generator.GeneratorConfig;
import io.clinicalpipeline.generator.KafkaEventWriter;
import io.clinicalpipeline.generator.Workloads;
import io.clinicalpipeline.jobs.JobSettings;
import io.clinicalpipeline.jobs.PipelineJobs;
import io.clinicalpipeline.kafka.KafkaTopics;
import io.clinicalpipeline.lake.Lakehouse;
import io.clinicalpipeline.online.KeyspaceWatch;
import io.clinicalpipeline.online.RedisFeatureStore;
import io.clinicalpipeline.runtime.Await;
import io.clinicalpipeline.runtime.JobMetrics;
import io.clinicalpipeline.runtime.JsonSummary;
import io.clinicalpipeline.runtime.LocalRuntime;
import io.clinicalpipeline.runtime.Scratch;
import io.clinicalpipeline.scoring.RiskPolicy;
import io.clinicalpipeline.scoring.ScoringJob;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.paimon.catalog.Catalog;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code bench online}: live events at a fixed rate into the online job (with its lakehouse path and checkpoints), and
 * for each event the time from its Kafka send until Redis {@code features:{id}} holds it, until {@code risk:{id}} does,
 * and, for events that raise one, until the alert is on the alerts topic. Whether the job keeps up is read from the
 * latencies themselves: a job that falls behind shows them growing through the measurement.
 */
public final class OnlineBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DB = "clinical";
    private static final String ALERTS = "risk-alerts";
    private static final int FEATURES = 0;
    private static final int RISK = 1;

    /**
     * @param rate events per second sent
     * @param seconds how long latency is measured, after a warm-up
     * @param warmup how long events are sent before that
     * @param patients simulated patients sending events
     * @param features the feature job's event-time settings (the bench adds the Redis sink)
     * @param redisMaxDelay longest a Redis update waits to be batched into a pipeline
     * @param lakehouse where the lakehouse path runs while latency is measured
     * @param summary where to write the figures as JSON, or null
     */
    public record Settings(double rate, int seconds, Duration warmup, int patients, Duration checkpointInterval, FeatureJob.Settings features,
                           Duration redisMaxDelay, LakehousePath lakehouse, Path dataDir, Duration timeout, Path summary, Topics topics) {}

    /** Where the lakehouse path runs beside the online path. */
    public enum LakehousePath {
        /** the online job's operators also write Paimon at checkpoints (one graph) */
        IN_JOB,
        /** the sibling jobs: ingest, silver, features and scoring, each reading the layer before it */
        JOBS,
        /** none: Redis and Kafka only */
        OFF
    }

    private OnlineBench() {}

    /** @return whether the job kept up: nothing missing and latencies not growing */
    public static boolean run(Settings p) throws Exception {
        Path dataDir = Scratch.emptied(p.dataDir());
        // Five jobs of two subtasks each when the lakehouse path is the sibling jobs.
        try (LocalRuntime runtime = LocalRuntime.start(dataDir, null, null, 0, "9450-9499", 12)) {
            KafkaTopics.createTopics(runtime.bootstrap(), p.topics(), 2);
            System.out.println("bench: phase 1/3, training and registering a model ...");
            JobSettings s = withProductionModel(runtime, dataDir, p.topics(), p.checkpointInterval());
            System.out.println("bench: phase 2/3, starting the online job, lakehouse path " + describe(p.lakehouse()) + " ...");
            String redis = runtime.redisUri();
            JobClient job = PipelineJobs.startOnline(runtime.flink()::environment, s,
                    p.features().withRedis(RedisFeatureSink.standard(redis, Duration.ofHours(48), p.redisMaxDelay())),
                    RiskPolicy.defaults(), new ScoringJob.Sinks(redis, Duration.ofHours(48), runtime.bootstrap(), ALERTS, p.redisMaxDelay()),
                    p.lakehouse() == LakehousePath.IN_JOB);
            if (p.lakehouse() == LakehousePath.JOBS) {
                PipelineJobs.startIngest(runtime.flink()::environment, s, false);
                PipelineJobs.startSilver(runtime.flink()::environment, s, RuntimeExecutionMode.STREAMING, DB);
                PipelineJobs.startFeatures(runtime.flink()::environment, s, RuntimeExecutionMode.STREAMING, DB, p.features());
                PipelineJobs.startScoring(runtime.flink()::environment, s, DB, RiskPolicy.defaults(),
                        new ScoringJob.Sinks(null, Duration.ZERO, null, null));
            }
            Await.until(() -> status(job) == JobStatus.RUNNING, p.timeout(), () -> "the online job to run");
            System.out.printf("bench: phase 3/3, %,.0f events/s for %d s after a %d s warm-up ...%n", p.rate(), p.seconds(),
                    p.warmup().toSeconds());
            Figures f = measure(p, runtime);
            JobMetrics metrics = new JobMetrics(runtime.flink().restAddress());
            // The REST API lists a job's metrics only once its fetcher has polled them: the first read may find none.
            Await.until(() -> metrics.sumOrZero(job.getJobID(), "featureUpdates") > 0, Duration.ofSeconds(30), Duration.ofSeconds(1),
                    () -> "the feature operator's featureUpdates counter on the Flink REST API");
            long rows = metrics.sumOrZero(job.getJobID(), "featureUpdates");
            long corrected = metrics.sumOrZero(job.getJobID(), "featureCorrectedRows");
            job.cancel().get();
            f.print(p);
            // Corrections are the feature operator's main cost beyond one row per event: a straggler recomputes the
            // rows emitted after it.
            System.out.printf("  feature rows emitted: %,d, of them %,d corrections (%.0f%%)%n", rows, corrected,
                    rows == 0 ? 0.0 : 100.0 * corrected / rows);
            if (p.summary() != null) {
                f.write(p.summary(), p);
                System.out.println("bench: summary written to " + p.summary().toAbsolutePath());
            }
            return f.sustained();
        }
    }

    /**
     * The online job's settings over a fresh warehouse under {@code dataDir}: the pipeline's tables, checkpoints beside
     * them, and a logistic regression trained and promoted to production so the job scores from its first row.
     */
    static JobSettings withProductionModel(LocalRuntime runtime, Path dataDir, Topics topics, Duration checkpointInterval)
            throws Exception {
        Lakehouse lake = new Lakehouse(dataDir.resolve("warehouse").toString());
        lake.createTables(DB);
        try (Catalog catalog = lake.openCatalog()) {
            ScoreBench.registerProduction(runtime.flink(), catalog, lake, DB, "lr");
        }
        return new JobSettings(runtime.bootstrap(), topics, lake, DB, checkpointInterval,
                dataDir.resolve("checkpoints").toUri().toString(), Duration.ofHours(168));
    }

    private static String describe(LakehousePath path) {
        return switch (path) {
            case IN_JOB -> "in the online job";
            case JOBS -> "as the ingest, silver, features and scoring jobs";
            case OFF -> "off";
        };
    }

    private static JobStatus status(JobClient job) {
        try {
            return job.getJobStatus().get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the online job's status: " + e.getMessage(), e);
        }
    }

    private static Figures measure(Settings p, LocalRuntime runtime) throws Exception {
        long warmupNanos = p.warmup().toNanos();
        long measureNanos = TimeUnit.SECONDS.toNanos(p.seconds());
        long drainNanos = TimeUnit.SECONDS.toNanos(30);
        double simulatedHours = p.rate() * (warmupNanos + measureNanos + drainNanos) / 1e9 / (p.patients() * 5.7) * 2 + 1;
        GeneratorConfig workload = GeneratorConfig.defaults(p.patients(), Duration.ofMinutes(Math.round(simulatedHours * 60)), 7)
                .withStart(Instant.now()).withFaultRates(0, 0, 0, 0, 0, 0);
        long measureFrom = System.nanoTime() + warmupNanos;
        LiveEvents live = new LiveEvents(new EventGenerator(workload), measureFrom, measureNanos, drainNanos, 2);
        CpuMeter meter = new CpuMeter(Thread.currentThread());
        AtomicReference<CpuMeter.Usage> cpu = new AtomicReference<>();
        Thread cpuWatch = new Thread(() -> cpu.set(cpuWhileMeasured(meter, measureFrom, measureNanos)), "bench-cpu");
        cpuWatch.setDaemon(true);
        cpuWatch.start();
        List<Long> alertLatencies = new ArrayList<>();
        AtomicBoolean sending = new AtomicBoolean(true);
        Thread alerts = new Thread(() -> consumeAlerts(runtime.bootstrap(), live, alertLatencies, sending), "bench-alerts");
        alerts.setDaemon(true);
        alerts.start();
        try (KeyspaceWatch features = KeyspaceWatch.start(runtime.redisUri(), RedisFeatureStore.KEY_PREFIX,
                     (patient, time, seen) -> live.online(FEATURES, patient, time, seen));
             KeyspaceWatch risk = KeyspaceWatch.start(runtime.redisUri(), ScoringJob.RISK_KEY_PREFIX,
                     (patient, time, seen) -> live.online(RISK, patient, time, seen));
             KafkaEventWriter writer = new KafkaEventWriter(runtime.bootstrap(), p.topics())) {
            writer.write(live, p.rate(), sofar -> System.out.printf("bench: %,d live events sent; of %,d measured, %,d have "
                    + "features and %,d risk online%n", Workloads.total(sofar), live.measured(), live.online(FEATURES),
                    live.online(RISK)), (e, metadata) -> { });
        } finally {
            sending.set(false);
            alerts.join(10_000);
            cpuWatch.join(10_000);
        }
        synchronized (alertLatencies) {
            return new Figures(p.rate(), live.measured(), live.latenciesNanos(FEATURES), live.latenciesNanos(RISK),
                    alertLatencies.stream().mapToLong(Long::longValue).toArray(), cpu.get());
        }
    }

    /** CPU over the measurement window, or null if the run ended before it did. */
    private static CpuMeter.Usage cpuWhileMeasured(CpuMeter meter, long from, long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(from - System.nanoTime());
            CpuMeter.Reading start = meter.read();
            TimeUnit.NANOSECONDS.sleep(nanos);
            return CpuMeter.between(start, meter.read(), nanos / 1e9);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Alerts raised by measured events, timed from the send of the event whose row raised them. */
    private static void consumeAlerts(String bootstrap, LiveEvents live, List<Long> latencies, AtomicBoolean sending) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-alerts");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(ALERTS));
            while (sending.get()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    long seen = System.nanoTime();
                    JsonNode alert = JSON.readTree(r.value());
                    Long sent = live.sentNanos(alert.get("patientId").asText(), alert.get("eventTime").asLong());
                    if (sent != null) {
                        synchronized (latencies) {
                            latencies.add(seen - sent);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("an alert on " + ALERTS + " is not the JSON the scoring job writes", e);
        }
    }

    /** The latencies, in the order their events were sent, and what they say. */
    private record Figures(double rate, int measured, long[] features, long[] risk, long[] alerts, CpuMeter.Usage cpu) {

        int missing() {
            return Math.max(measured - features.length, measured - risk.length);
        }

        /** Kept up: every event arrived, and the last tenth of the events waited not much longer than the first tenth. */
        boolean sustained() {
            if (missing() > 0 || risk.length < 20) {
                return false;
            }
            int tenth = risk.length / 10;
            double early = median(Arrays.copyOfRange(risk, 0, tenth));
            double late = median(Arrays.copyOfRange(risk, risk.length - tenth, risk.length));
            return late <= 1.5 * early + TimeUnit.MILLISECONDS.toNanos(250);
        }

        private static double median(long[] values) {
            long[] sorted = values.clone();
            Arrays.sort(sorted);
            return Measure.percentile(sorted, 0.5);
        }

        private static double ms(long[] values, double q) {
            long[] sorted = values.clone();
            Arrays.sort(sorted);
            return q >= 1 ? (sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6) : Measure.percentile(sorted, q) / 1e6;
        }

        void print(Settings p) {
            System.out.println();
            System.out.printf("bench online (%,.0f events/s, %,d patients, checkpoints every %d s, lakehouse path %s, Redis max delay %d ms):%n",
                    rate, p.patients(), p.checkpointInterval().toSeconds(), describe(p.lakehouse()), p.redisMaxDelay().toMillis());
            System.out.printf("  %,d feature events measured, %,d missing%n", measured, missing());
            System.out.printf("  Kafka send -> Redis features:{id}  p50 %,7.0f ms  p99 %,7.0f ms  max %,7.0f ms%n",
                    ms(features, 0.5), ms(features, 0.99), ms(features, 1));
            System.out.printf("  Kafka send -> Redis risk:{id}      p50 %,7.0f ms  p99 %,7.0f ms  max %,7.0f ms%n",
                    ms(risk, 0.5), ms(risk, 0.99), ms(risk, 1));
            System.out.printf("  Kafka send -> alert on %s  p50 %,7.0f ms  p99 %,7.0f ms  (%,d alerts)%n", ALERTS,
                    ms(alerts, 0.5), ms(alerts, 0.99), alerts.length);
            System.out.println("  " + (sustained() ? "kept up: nothing missing and latencies did not grow"
                    : "FELL BEHIND: events missing or latencies growing through the measurement"));
            if (cpu != null) {
                System.out.printf("  CPU while measured: this JVM %.2f cores, of them the load generator %.2f, the JIT compilers "
                                + "%.2f and GC %.2f; machine %.0f%% busy, %.0f%% stolen by the hypervisor; %,.0f µs of this JVM's CPU "
                                + "per event besides the generator%n",
                        cpu.processCores(), cpu.threadCores(), cpu.jitCores(), cpu.gcCores(), 100 * cpu.machineBusy(),
                        100 * cpu.machineSteal(),
                        cpu.pipelineMicrosPerEvent(p.seconds(), rate * p.seconds()));
            }
        }

        /** JSON has no NaN: a figure with nothing to measure is null. */
        private static Double finite(double value) {
            return Double.isNaN(value) ? null : value;
        }

        void write(Path file, Settings p) throws IOException {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("rate", rate);
            doc.put("measured", measured);
            doc.put("missing", missing());
            doc.put("features_p50_ms", finite(ms(features, 0.5)));
            doc.put("features_p99_ms", finite(ms(features, 0.99)));
            doc.put("risk_p50_ms", finite(ms(risk, 0.5)));
            doc.put("risk_p99_ms", finite(ms(risk, 0.99)));
            doc.put("alert_p99_ms", finite(ms(alerts, 0.99)));
            doc.put("sustained", sustained());
            doc.put("sustained_rate", sustained() ? rate : 0);
            if (cpu != null) {
                doc.put("jvm_cores", cpu.processCores());
                doc.put("generator_cores", cpu.threadCores());
                doc.put("jit_cores", cpu.jitCores());
                doc.put("gc_cores", cpu.gcCores());
                doc.put("machine_busy", finite(cpu.machineBusy()));
                doc.put("machine_steal", finite(cpu.machineSteal()));
                doc.put("pipeline_cpu_us_per_event", cpu.pipelineMicrosPerEvent(p.seconds(), rate * p.seconds()));
            }
            JsonSummary.write(file, doc);
        }
    }
}
