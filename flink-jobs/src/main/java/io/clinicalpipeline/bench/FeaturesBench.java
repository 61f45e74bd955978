package io.clinicalpipeline.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.clinicalpipeline.events.EventKind;
import io.clinicalpipeline.events.Topics;
import io.clinicalpipeline.features.FeatureJob;
import io.clinicalpipeline.features.RedisFeatureSink;
import io.clinicalpipeline.generator.EventGenerator;
import io.clinicalpipeline.generator.Expected;
import io.clinicalpipeline.generator.GeneratorConfig;
import io.clinicalpipeline.generator.KafkaEventWriter;
import io.clinicalpipeline.generator.Workloads;
import io.clinicalpipeline.jobs.JobSettings;
import io.clinicalpipeline.jobs.PipelineJobs;
import io.clinicalpipeline.kafka.KafkaTopics;
import io.clinicalpipeline.lake.Lakehouse;
import io.clinicalpipeline.lake.PaimonCounts;
import io.clinicalpipeline.lake.TableStreams;
import io.clinicalpipeline.online.OnlineFeatureStore;
import io.clinicalpipeline.online.KeyspaceWatch;
import io.clinicalpipeline.online.RedisFeatureStore;
import io.clinicalpipeline.runtime.Await;
import io.clinicalpipeline.runtime.JobMetrics;
import io.clinicalpipeline.runtime.LocalRuntime;
import io.clinicalpipeline.runtime.Scratch;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.paimon.catalog.Catalog;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bin/pipeline bench features}: the feature pipeline on the local runtime, each figure next to a
 * baseline measured in the same run. Throughput: a generated history replayed from Kafka through bronze,
 * silver and the feature job into Redis, against the feature definitions run in one thread over the same
 * silver events. Latency: live events at a fixed rate, from the producer's send to the patient's hash in
 * Redis holding their event time (seen through keyspace notifications). Redis: the sink job's updates/s
 * against {@code redis-benchmark -P 16 -t set} on the same server. Lookups: {@link OnlineFeatureStore#get}
 * against a bare HGETALL of the same keys.
 */
public final class FeaturesBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REDIS_BENCHMARK = "redis-benchmark";

    private FeaturesBench() {}

    /**
     * @param events approximate number of historical events replayed for the throughput figure
     * @param patients simulated patients of the history
     * @param liveRate fixed input rate (events/s) while latency is measured
     * @param livePatients simulated patients sending live events
     * @param liveSeconds how long latency is measured, after a 10 s warm-up
     * @param lookups online lookups timed
     * @param features the feature job's event-time settings (the bench adds the Redis sink)
     * @param bootstrap an existing Kafka, or null for the local broker
     */
    public record Settings(long events, int patients, double liveRate, int livePatients, int liveSeconds, int lookups,
                           Duration redisTtl, Duration redisMaxDelay, FeatureJob.Settings features, Duration checkpointInterval,
                           Path dataDir, Duration timeout, String bootstrap, Topics topics) {
        FeatureJob.Settings featuresInto(String redisUri) {
            return features.withRedis(RedisFeatureSink.standard(redisUri, redisTtl, redisMaxDelay));
        }
    }

    public static void run(Settings p) throws Exception {
        Path dataDir = Scratch.emptied(p.dataDir());
        Topics topics = p.topics();
        List<String> report = new ArrayList<>();
        try (LocalRuntime runtime = LocalRuntime.start(dataDir, p.bootstrap(), null, 0, "9450-9499", 8)) {
            JobSettings s = new JobSettings(runtime.bootstrap(), topics, new Lakehouse(dataDir.resolve("warehouse").toString()),
                    Lakehouse.DEFAULT_DATABASE, p.checkpointInterval(),
                    dataDir.resolve("checkpoints").toUri().toString(), Duration.ZERO);
            Duration timeout = p.timeout();
            History history = generateHistory(p, runtime.bootstrap(), topics);

            System.out.println("bench: phase 1/5, replaying the history through ingest, silver and features into Redis ...");
            long started = System.nanoTime();
            JobClient ingest = PipelineJobs.startIngest(runtime.flink()::environment, s, false);
            JobClient silver = PipelineJobs.startSilver(runtime.flink()::environment, s, RuntimeExecutionMode.STREAMING, s.database());
            JobClient features = PipelineJobs.startFeatures(runtime.flink()::environment, s, RuntimeExecutionMode.STREAMING,
                    s.database(), p.featuresInto(runtime.redisUri()));
            awaitOnline(runtime.redisUri(), history.newest, timeout);
            double seconds = (System.nanoTime() - started) / 1e9;
            double pipelineRate = history.rows / seconds;
            // Coalesced corrections of older rows go on for up to --max-wait after Redis is current.
            long[] counters = settled(new JobMetrics(runtime.flink().restAddress()), features,
                    p.features().maxWait().plusSeconds(3), "featureUpdates", "featureCorrectedRows",
                    "redisFeatureWrites", "redisFeatureWritesRefusedAsOlder");
            report.add(String.format("end to end, Kafka -> bronze -> silver -> features -> Redis: %,d events of %,d patients, "
                            + "%,d feature rows in %.1f s = %,.0f rows/s",
                    history.events, history.newest.size(), history.rows, seconds, pipelineRate));
            report.add(String.format("  the operator emitted %,d rows (%,d of them from corrections behind rows already out); "
                    + "Redis applied %,d and refused %,d as older", counters[0], counters[1], counters[2], counters[3]));

            System.out.println("bench: phase 2/5, live events at a fixed rate, Kafka -> Redis latency ...");
            report.add(liveLatency(p, runtime, topics));
            features.cancel().get();
            silver.cancel().get();
            ingest.cancel().get();

            System.out.println("bench: phase 3/5, the Redis sink job against redis-benchmark ...");
            report.addAll(redisWrites(s, runtime, p.redisTtl()));

            System.out.println("bench: phase 4/5, online lookups ...");
            report.add(lookups(runtime.redisUri(), p.lookups()));

            System.out.println("bench: phase 5/5, the feature definitions in one thread over the same silver events ...");
            SingleThreadFeatures baseline = SingleThreadFeatures.fromSilver(
                    runtime.flink().environment(s.flinkConfig(RuntimeExecutionMode.BATCH)), s.lakehouse(), s.database());
            baseline.computeAll();
            long computeStarted = System.nanoTime();
            long baselineRows = baseline.computeAll();
            double baselineRate = baselineRows / ((System.nanoTime() - computeStarted) / 1e9);
            report.add(String.format("single-thread feature definitions over the same %,d silver events: %,d rows at %,.0f rows/s "
                    + "(second pass; the first warms the JIT)", baseline.events(), baselineRows, baselineRate));
            report.add(String.format("  end-to-end rate / single-thread rate = %.3f", pipelineRate / baselineRate));
        }
        report.add(String.format("peak heap %,d MiB (this JVM runs Kafka, the Flink MiniCluster and the clients)",
                Measure.peakHeapBytes() / (1024 * 1024)));
        System.out.println();
        System.out.printf("bench features (parallelism 2, checkpoints every %.1f s, out-of-orderness %.1f s, Redis max delay %d ms):%n",
                p.checkpointInterval().toMillis() / 1000.0, p.features().outOfOrderness().toMillis() / 1000.0, p.redisMaxDelay().toMillis());
        report.forEach(line -> System.out.println("  " + line));
    }

    /** What the replayed history must produce: per patient the newest event time, and the number of rows. */
    private record History(long events, Map<String, Long> newest, long rows) {}

    private static History generateHistory(Settings p, String bootstrap, Topics topics) throws Exception {
        int patients = p.patients();
        // About 5.7 events per patient per simulated hour (see the generator's rates).
        double hours = Math.max(1, p.events() / (patients * 5.7));
        GeneratorConfig workload = GeneratorConfig.defaults(patients, Duration.ofMinutes(Math.round(hours * 60)), 1);
        Map<String, Long> newest = new ConcurrentHashMap<>();
        Map<String, Boolean> rowKeys = new ConcurrentHashMap<>();
        KafkaTopics.createTopics(bootstrap, topics, 2);
        Map<EventKind, Long> sent;
        try (KafkaEventWriter writer = new KafkaEventWriter(bootstrap, topics)) {
            sent = writer.write(new EventGenerator(workload), 0,
                    sofar -> System.out.printf("bench: %,d events sent%n", Workloads.total(sofar)),
                    (e, metadata) -> {
                        // What reaches silver and feeds the feature job gives a row at its event time.
                        if (e.expected() == Expected.SILVER && FeatureJob.INPUTS.containsKey(e.kind())) {
                            long time = eventTime(e.value());
                            newest.merge(e.patientId(), time, Math::max);
                            rowKeys.put(e.patientId() + "|" + time, Boolean.TRUE);
                        }
                    });
        }
        long total = Workloads.total(sent);
        System.out.printf("bench: %,d events of %,d patients in Kafka%n", total, patients);
        return new History(total, newest, rowKeys.size());
    }

    private static long eventTime(byte[] json) {
        try {
            return Instant.parse(JSON.readTree(json).get("event_time").asText()).toEpochMilli();
        } catch (IOException e) {
            throw new IllegalStateException("the generator produced an event the bench cannot read", e);
        }
    }

    /** Waits until every patient's hash in Redis is valid at their newest event. */
    private static void awaitOnline(String redisUri, Map<String, Long> newest, Duration timeout) throws Exception {
        try (JedisPooled redis = new JedisPooled(URI.create(redisUri))) {
            int[] last = {-1};
            Await.until(() -> {
                int current = 0;
                List<Map.Entry<String, Response<String>>> answers = new ArrayList<>();
                try (Pipeline p = redis.pipelined()) {
                    newest.keySet().forEach(id -> answers.add(Map.entry(id,
                            p.hget(RedisFeatureStore.KEY_PREFIX + id, RedisFeatureStore.EVENT_TIME))));
                    p.sync();
                }
                for (Map.Entry<String, Response<String>> a : answers) {
                    String stored = a.getValue().get();
                    if (stored != null && Long.parseLong(stored) >= newest.get(a.getKey())) {
                        current++;
                    }
                }
                if (current != last[0]) {
                    last[0] = current;
                    System.out.printf("bench: %,d of %,d patients current in Redis%n", current, newest.size());
                }
                return current == newest.size();
            }, timeout, Duration.ofSeconds(1), () -> "every patient's newest event to reach Redis; "
                    + "open the Flink dashboard to see which job is behind or failing");
        }
    }

    /** The job's counters once they have not moved for {@code quiet} (REST metrics also lag by a fetch interval). */
    private static long[] settled(JobMetrics metrics, JobClient job, Duration quiet, String... names) throws Exception {
        long[] previous = null;
        long since = System.nanoTime();
        while (true) {
            long[] now = new long[names.length];
            for (int i = 0; i < names.length; i++) {
                now[i] = metrics.sum(job.getJobID(), names[i]);
            }
            if (!Arrays.equals(now, previous)) {
                previous = now;
                since = System.nanoTime();
            } else if (System.nanoTime() - since >= quiet.toNanos()) {
                return now;
            }
            Thread.sleep(1_000);
        }
    }

    private static String liveLatency(Settings p, LocalRuntime runtime, Topics topics) throws Exception {
        double rate = p.liveRate();
        int livePatients = p.livePatients();
        long warmupNanos = TimeUnit.SECONDS.toNanos(10);
        long measureNanos = TimeUnit.SECONDS.toNanos(p.liveSeconds());
        // Long enough for the watermark to pass the last measured event while events keep flowing.
        long drainNanos = p.features().outOfOrderness().toNanos() + 4 * p.checkpointInterval().toNanos() + TimeUnit.SECONDS.toNanos(60);
        double simulatedHours = rate * (warmupNanos + measureNanos + drainNanos) / 1e9 / (livePatients * 5.7) * 2 + 1;
        GeneratorConfig workload = GeneratorConfig.defaults(livePatients, Duration.ofMinutes(Math.round(simulatedHours * 60)), 7)
                .withStart(Instant.now()).withFaultRates(0, 0, 0, 0, 0, 0);
        LiveEvents live = new LiveEvents(new EventGenerator(workload), System.nanoTime() + warmupNanos, measureNanos, drainNanos, 1);
        try (KeyspaceWatch watch = KeyspaceWatch.start(runtime.redisUri(), RedisFeatureStore.KEY_PREFIX,
                (patient, time, seen) -> live.online(0, patient, time, seen));
             KafkaEventWriter writer = new KafkaEventWriter(runtime.bootstrap(), topics)) {
            writer.write(live, rate, sofar -> System.out.printf("bench: %,d live events sent, %,d of %,d measured ones online%n",
                    Workloads.total(sofar), live.online(0), live.measured()), (e, metadata) -> { });
        }
        long[] latencies = live.latenciesNanos(0);
        Arrays.sort(latencies);
        return String.format("Kafka -> Redis latency at %,.0f events/s (%,d live patients, %,d events measured, %,d not online in time): "
                        + "p50 %,.0f ms, p99 %,.0f ms, max %,.0f ms",
                rate, livePatients, live.measured(), live.measured() - latencies.length,
                Measure.percentile(latencies, 0.50) / 1e6, Measure.percentile(latencies, 0.99) / 1e6,
                latencies.length == 0 ? Double.NaN : latencies[latencies.length - 1] / 1e6);
    }

    /** Every row of patient_features through the Redis sink in a batch job, then redis-benchmark on the same server. */
    private static List<String> redisWrites(JobSettings s, LocalRuntime runtime, Duration ttl) throws Exception {
        long rows;
        try (Catalog catalog = s.lakehouse().openCatalog()) {
            rows = new PaimonCounts(catalog, s.database()).count(FeatureJob.FEATURES_TABLE);
        }
        // Database 1: the latency phase's hashes in database 0 are left as they are for the lookups.
        String target = runtime.redisUri() + "/1";
        StreamExecutionEnvironment env = runtime.flink().environment(s.flinkConfig(RuntimeExecutionMode.BATCH));
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        s.lakehouse().createTables(tEnv, s.database());
        new TableStreams(tEnv, s.database()).read(FeatureJob.FEATURES_TABLE)
                .sinkTo(RedisFeatureSink.standard(target, ttl, Duration.ZERO))
                .name("redis-online-features");
        long started = System.nanoTime();
        env.execute("bench-redis-sink");
        double seconds = (System.nanoTime() - started) / 1e9;
        double sinkRate = rows / seconds;
        List<String> lines = new ArrayList<>();
        lines.add(String.format("Redis sink job, patient_features -> Redis (guarded Lua replace of each patient's hash, its "
                        + "values one JSON field; pipelines of 500, each patient's rows folded to the newest per pipeline): %,d rows "
                        + "in %.1f s = %,.0f rows/s (job start-up and the Paimon read included)", rows, seconds, sinkRate));
        URI redis = URI.create(runtime.redisUri());
        Double setRate = redisBenchmark(redis.getHost(), redis.getPort());
        lines.add(setRate == null
                ? "redis-benchmark not found on PATH: apt-get install -y redis-tools (Debian), then run the bench again for the ratio"
                : String.format("redis-benchmark -P 16 -t set on the same server: %,.0f SET/s; sink rows / SET = %.4f",
                setRate, sinkRate / setRate));
        return lines;
    }

    private static Double redisBenchmark(String host, int port) throws Exception {
        Path executable = null;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, REDIS_BENCHMARK);
            if (Files.isExecutable(candidate)) {
                executable = candidate;
                break;
            }
        }
        if (executable == null) {
            return null;
        }
        Process p = new ProcessBuilder(executable.toString(), "-h", host, "-p", Integer.toString(port), "--dbnum", "2",
                "-P", "16", "-t", "set", "-n", "1000000", "-q").redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(REDIS_BENCHMARK + " failed: " + output);
        }
        Matcher m = Pattern.compile("SET: ([\\d.]+) requests per second").matcher(output);
        if (!m.find()) {
            throw new IllegalStateException("cannot read the SET rate from " + REDIS_BENCHMARK + "'s output: " + output);
        }
        return Double.valueOf(m.group(1));
    }

    /** Alternates the store's typed lookup and a bare HGETALL of the same random patient, so both see the same noise. */
    private static String lookups(String redisUri, int n) {
        try (OnlineFeatureStore store = new OnlineFeatureStore(redisUri);
             JedisPooled bare = new JedisPooled(URI.create(redisUri))) {
            List<String> patients = store.patients();
            SplittableRandom random = new SplittableRandom(3);
            int warmup = Math.max(1000, n / 10);
            long[] typed = new long[n];
            long[] raw = new long[n];
            for (int i = -warmup; i < n; i++) {
                String patient = patients.get(random.nextInt(patients.size()));
                long t0 = System.nanoTime();
                Map<String, String> hash = bare.hgetAll(RedisFeatureStore.KEY_PREFIX + patient);
                long t1 = System.nanoTime();
                OnlineFeatureStore.Features features = store.get(patient).orElseThrow(
                        () -> new IllegalStateException("patient " + patient + " has no online features"));
                long t2 = System.nanoTime();
                if (hash.isEmpty() || features.values().isEmpty()) {
                    throw new IllegalStateException("empty features for " + patient);
                }
                if (i >= 0) {
                    raw[i] = t1 - t0;
                    typed[i] = t2 - t1;
                }
            }
            Arrays.sort(typed);
            Arrays.sort(raw);
            return String.format("online lookup OnlineFeatureStore.get over %,d patients: p50 %,.0f us, p99 %,.0f us; "
                            + "bare HGETALL p50 %,.0f us, p99 %,.0f us; ratio at p50 %.2f",
                    patients.size(), Measure.percentile(typed, 0.5) / 1e3, Measure.percentile(typed, 0.99) / 1e3,
                    Measure.percentile(raw, 0.5) / 1e3, Measure.percentile(raw, 0.99) / 1e3, Measure.percentile(typed, 0.5) / Measure.percentile(raw, 0.5));
        }
    }
}
