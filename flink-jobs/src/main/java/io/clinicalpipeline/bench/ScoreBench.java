package io.clinicalpipeline.bench;

import io.clinicalpipeline.features.FeatureJob;
import io.clinicalpipeline.jobs.JobSettings;
import io.clinicalpipeline.jobs.PipelineJobs;
import io.clinicalpipeline.lake.Lakehouse;
import io.clinicalpipeline.lake.PaimonWrites;
import io.clinicalpipeline.model.ml.Explanation;
import io.clinicalpipeline.model.ml.RiskScorer;
import io.clinicalpipeline.model.ml.classification.GbtClassifier;
import io.clinicalpipeline.model.ml.classification.LogisticRegression;
import io.clinicalpipeline.model.ml.feature.StandardScaler;
import io.clinicalpipeline.model.ml.feature.TabularEncoder;
import io.clinicalpipeline.online.KeyspaceWatch;
import io.clinicalpipeline.registry.ModelRegistry;
import io.clinicalpipeline.registry.ModelVersion;
import io.clinicalpipeline.runtime.Await;
import io.clinicalpipeline.runtime.JobMetrics;
import io.clinicalpipeline.runtime.LocalFlink;
import io.clinicalpipeline.runtime.LocalRuntime;
import io.clinicalpipeline.runtime.Scratch;
import io.clinicalpipeline.scoring.BatchScoring;
import io.clinicalpipeline.scoring.Explanations;
import io.clinicalpipeline.scoring.RiskPolicy;
import io.clinicalpipeline.scoring.ScoreFeatures;
import io.clinicalpipeline.scoring.ScoringJob;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.RowTypeInfo;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.ml.api.Stage;
import org.apache.flink.ml.builder.Pipeline;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.paimon.catalog.Catalog;
import org.apache.paimon.catalog.Identifier;
import org.apache.paimon.data.BinaryString;
import org.apache.paimon.data.GenericRow;
import org.apache.paimon.data.Timestamp;
import org.apache.paimon.table.Table;
import org.apache.paimon.table.sink.StreamTableCommit;
import org.apache.paimon.table.sink.StreamTableWrite;
import org.apache.paimon.table.sink.StreamWriteBuilder;
import org.apache.paimon.types.DataField;
import org.apache.paimon.types.DataTypeRoot;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * {@code bin/pipeline bench score}: a registered model scoring generated feature rows on the local runtime —
 * batch scoring of a whole cohort and the streaming job's backlog, each in rows/s next to the same scorer in one
 * thread over the same rows in memory, then live rows committed to {@code patient_features} at a fixed rate and
 * the time until each patient's {@code risk:} hash in Redis holds them (p50/p99), next to the Paimon source's
 * discovery interval that bounds it below.
 */
public final class ScoreBench {

    private static final String DB = "clinical";
    /** The model's inputs: real {@code patient_features} columns of three types. */
    static final List<String> COLUMNS = List.of("news2_total", "heart_rate_1h_mean", "respiratory_rate_1h_mean",
            "spo2_1h_min", "systolic_bp_1h_mean", "temperature_c_1h_max", "lactate_latest", "creatinine_latest",
            "wbc_latest", "shock_index_last", "age", "gender");
    private static final Duration DISCOVERY_INTERVAL = Duration.ofSeconds(1);

    private ScoreBench() {}

    /**
     * @param patients patients; the batch cohort is each one's newest row
     * @param rowsPerPatient feature rows per patient, all scored by the streaming job
     * @param algorithm the model: lr (logistic regression) or gbt (50 boosted trees of depth 5)
     * @param liveRate feature rows committed per second while latency is measured
     * @param liveSeconds how long latency is measured
     * @param explainTop contributions each score of the jobs carries (0: none)
     */
    public record Settings(int patients, int rowsPerPatient, String algorithm, int liveRate, int liveSeconds,
                           Duration checkpointInterval, Path dataDir, Duration timeout, int explainTop) {}

    public static void run(Settings p) throws Exception {
        int patients = p.patients();
        int perPatient = p.rowsPerPatient();
        String algorithm = p.algorithm();
        if (!algorithm.equals("lr") && !algorithm.equals("gbt")) {
            throw new IllegalArgumentException("--algorithm must be lr or gbt");
        }
        Duration timeout = p.timeout();
        Path dataDir = Scratch.emptied(p.dataDir());
        List<String> report = new ArrayList<>();
        try (LocalRuntime runtime = LocalRuntime.start(dataDir, null, null, 0, "9450-9499", 4)) {
            Lakehouse lake = new Lakehouse(dataDir.resolve("warehouse").toString());
            lake.createTables(DB);
            JobSettings s = new JobSettings(runtime.bootstrap(), null, lake, DB,
                    p.checkpointInterval(), dataDir.resolve("checkpoints").toUri().toString(),
                    Duration.ZERO);
            try (Catalog catalog = lake.openCatalog()) {
                System.out.println("bench: phase 1/4, training and registering the " + algorithm + " model ...");
                String modelPath = registerProduction(runtime.flink(), catalog, lake, DB, algorithm);

                System.out.printf(Locale.ROOT, "bench: phase 2/4, writing %,d feature rows of %,d patients ...%n",
                        (long) patients * perPatient, patients);
                Table features = catalog.getTable(Identifier.create(DB, FeatureJob.FEATURES_TABLE));
                LocalDateTime start = LocalDateTime.of(2026, 1, 1, 0, 0);
                List<Object[]> newest = new ArrayList<>(patients);
                FeatureRows rows = new FeatureRows(features);
                long writeStarted = System.nanoTime();
                PaimonWrites.commit(features, sink -> {
                    for (int i = 0; i < patients; i++) {
                        for (int r = 0; r < perPatient; r++) {
                            Object[] values = values(i, r);
                            sink.write(rows.row("b" + i, start.plusHours(r), values));
                            if (r == perPatient - 1) {
                                newest.add(values);
                            }
                        }
                    }
                });
                double writeSeconds = (System.nanoTime() - writeStarted) / 1e9;
                report.add(String.format(Locale.ROOT, "wrote %,d feature rows to Paimon in %.1f s (Java API, one commit)",
                        (long) patients * perPatient, writeSeconds));

                RiskScorer.Bound scorer = RiskScorer.load(modelPath).bind(COLUMNS);
                double oneThread = oneThreadRate(scorer, newest);
                report.add(explanationCost(scorer, newest, Math.max(1, p.explainTop())));
                RiskPolicy policy = RiskPolicy.defaults().withExplainTop(p.explainTop());

                System.out.println("bench: phase 3/4, batch scoring of the cohort ...");
                commitConfig(catalog, dataDir.resolve("parquet").toUri().toString());
                StreamExecutionEnvironment batchEnv = runtime.flink().environment(s.flinkConfig(RuntimeExecutionMode.BATCH));
                long batchStarted = System.nanoTime();
                BatchScoring.Summary summary = BatchScoring.run(batchEnv, lake, DB, DB, "bench", policy);
                double batchSeconds = (System.nanoTime() - batchStarted) / 1e9;
                report.add(String.format(Locale.ROOT, "batch scoring (score-batch: newest row per patient, Paimon + Parquet "
                                + "out): %,d rows in %.1f s = %,.0f rows/s; one thread in memory %,.0f rows/s; ratio %.3f",
                        summary.rows(), batchSeconds, summary.rows() / batchSeconds, oneThread,
                        summary.rows() / batchSeconds / oneThread));

                System.out.println("bench: phase 4/4, the streaming scoring job: backlog, then live rows ...");
                long backlog = (long) patients * perPatient;
                long streamStarted = System.nanoTime();
                JobClient job = PipelineJobs.startScoring(runtime.flink()::environment, s, DB, policy,
                        new ScoringJob.Sinks(runtime.redisUri(), Duration.ofHours(1), runtime.bootstrap(), "risk-alerts"));
                JobMetrics metrics = new JobMetrics(runtime.flink().restAddress());
                Await.until(() -> metrics.sumOrZero(job.getJobID(), ScoreFeatures.SCORED_ROWS) >= backlog, timeout,
                        () -> "the scoring job to score the " + backlog + " backlog rows");
                double streamSeconds = (System.nanoTime() - streamStarted) / 1e9;
                report.add(String.format(Locale.ROOT, "streaming job, backlog from job start: %,d rows in %.1f s = %,.0f "
                                + "rows/s (Paimon source, keyed scoring, predictions table, Redis, alerts); ratio to one "
                                + "thread %.3f", backlog, streamSeconds, backlog / streamSeconds,
                        backlog / streamSeconds / oneThread));
                report.add(live(p, features, runtime.redisUri(), patients, timeout));
                job.cancel().get();
            }
        }
        report.add(String.format("peak heap %,d MiB (this JVM runs Kafka, the Flink MiniCluster and the clients)",
                Measure.peakHeapBytes() / (1024 * 1024)));
        System.out.println();
        System.out.printf("bench score (%s model over %d columns, parallelism 2, checkpoints every %.1f s, each score "
                        + "explained by its top %d contributions):%n", algorithm, COLUMNS.size(),
                p.checkpointInterval().toMillis() / 1000.0, p.explainTop());
        report.forEach(line -> System.out.println("  " + line));
    }

    /**
     * Feature rows committed at {@code --live-rate} for {@code --live-seconds}, event time the commit's wall-clock
     * time; each row's latency runs from its commit returning to its patient's risk hash holding its event time.
     */
    private static String live(Settings p, Table features, String redisUri, int patients, Duration timeout)
            throws Exception {
        int rate = p.liveRate();
        long measureNanos = Duration.ofSeconds(p.liveSeconds()).toNanos();
        Map<String, NavigableMap<Long, Long>> pending = new ConcurrentHashMap<>();
        List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        KeyspaceWatch.Listener online = (patient, eventTime, seen) -> {
            NavigableMap<Long, Long> waiting = pending.get(patient);
            if (waiting != null) {
                NavigableMap<Long, Long> arrived = waiting.headMap(eventTime, true);
                arrived.values().forEach(committed -> latencies.add(seen - committed));
                arrived.clear();
            }
        };
        SplittableRandom random = new SplittableRandom(99);
        int perTick = Math.max(1, rate / 10);
        long sent = 0;
        long lastEventTime = 0;
        double measured;
        StreamWriteBuilder builder = features.newStreamWriteBuilder();
        FeatureRows rows = new FeatureRows(features);
        try (KeyspaceWatch watch = KeyspaceWatch.start(redisUri, ScoringJob.RISK_KEY_PREFIX, online);
             StreamTableWrite write = builder.newWrite(); StreamTableCommit commit = builder.newCommit()) {
            long started = System.nanoTime();
            for (long tick = 0; System.nanoTime() - started < measureNanos; tick++) {
                long due = started + tick * 100_000_000L;
                while (System.nanoTime() < due) {
                    Thread.onSpinWait();
                }
                List<Object[]> batch = new ArrayList<>();
                for (int i = 0; i < perTick; i++) {
                    int patient = random.nextInt(patients);
                    long eventTime = Math.max(System.currentTimeMillis(), lastEventTime + 1);
                    lastEventTime = eventTime;
                    write.write(rows.row("b" + patient, LocalDateTime.ofEpochSecond(eventTime / 1000,
                            (int) (eventTime % 1000) * 1_000_000, ZoneOffset.UTC), values(patient, (int) tick + 100)));
                    batch.add(new Object[] {"b" + patient, eventTime});
                }
                commit.commit(tick, write.prepareCommit(false, tick));
                long committed = System.nanoTime();
                for (Object[] b : batch) {
                    pending.computeIfAbsent((String) b[0], k -> new ConcurrentSkipListMap<>()).put((Long) b[1], committed);
                }
                sent += batch.size();
            }
            measured = (System.nanoTime() - started) / 1e9;
            long expected = sent;
            Await.until(() -> latencies.size() >= expected, timeout,
                    () -> "every live row's risk in Redis (" + latencies.size() + " of " + expected + ")");
        }
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        double p50 = Measure.percentile(sorted, 0.5) / 1e6;
        double p99 = Measure.percentile(sorted, 0.99) / 1e6;
        return String.format(Locale.ROOT, "live: %,d rows in commits of %d every 100 ms (%.0f rows/s reached), commit -> "
                        + "risk in Redis p50 %.0f ms, p99 %.0f ms, max %.0f ms; p50 / the Paimon source's discovery interval "
                        + "(%d ms) = %.2f", sent, perTick, sent / measured, p50, p99, sorted[sorted.length - 1] / 1e6,
                DISCOVERY_INTERVAL.toMillis(), p50 / DISCOVERY_INTERVAL.toMillis());
    }

    /**
     * The one-thread cost of a row's score against the same score with its explanation as the jobs write it (every
     * column's contribution, the top {@code top} as JSON and the reason in words): the median of seven alternating
     * passes over the same rows, after one pass of each to warm up.
     */
    private static String explanationCost(RiskScorer.Bound scorer, List<Object[]> rows, int top) {
        double[] plain = new double[7];
        double[] explained = new double[7];
        double sink = 0;
        for (int pass = -1; pass < plain.length; pass++) {
            long started = System.nanoTime();
            for (Object[] values : rows) {
                sink += scorer.score(i -> values[i]);
            }
            long between = System.nanoTime();
            for (Object[] values : rows) {
                Explanation why = scorer.explain(i -> values[i]);
                sink += why.score() + Explanations.jsonText(why.top(top)).length() + Explanations.reason(why.contributions())
                        .length();
            }
            long done = System.nanoTime();
            if (pass >= 0) {
                plain[pass] = (between - started) / 1e3 / rows.size();
                explained[pass] = (done - between) / 1e3 / rows.size();
            }
        }
        if (Double.isNaN(sink)) {
            throw new IllegalStateException("the scorer returned NaN");
        }
        Arrays.sort(plain);
        Arrays.sort(explained);
        double a = plain[plain.length / 2];
        double b = explained[explained.length / 2];
        return String.format(Locale.ROOT, "one thread, %,d rows: score %.2f µs/row; score with explanation (all %d "
                + "contributions, top %d as JSON, reason) %.2f µs/row; ratio %.1f (median of 7 passes)", rows.size(), a,
                COLUMNS.size(), top, b, b / a);
    }

    private static double oneThreadRate(RiskScorer.Bound scorer, List<Object[]> rows) {
        double sink = 0;
        for (Object[] values : rows) {
            sink += scorer.score(i -> values[i]);
        }
        long started = System.nanoTime();
        for (Object[] values : rows) {
            sink += scorer.score(i -> values[i]);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        if (Double.isNaN(sink)) {
            throw new IllegalStateException("the scorer returned NaN");
        }
        return rows.size() / seconds;
    }

    /** Values of {@link #COLUMNS} for patient p's r-th row: vitals and labs that worsen together with NEWS2. */
    static Object[] values(int p, int r) {
        SplittableRandom random = new SplittableRandom(p * 1_000_003L + r);
        int news2 = (int) Math.min(15, Math.floor(-Math.log(1 - random.nextDouble()) * 2.5));
        return new Object[] {news2, 75 + 3.0 * news2 + random.nextGaussian() * 8, 16 + 0.8 * news2 + random.nextGaussian() * 2,
                97 - 0.6 * news2 + random.nextGaussian(), 125 - 2.0 * news2 + random.nextGaussian() * 12,
                37 + 0.1 * news2 + random.nextGaussian() * 0.4, 1.2 + 0.25 * news2 + Math.abs(random.nextGaussian()) * 0.5,
                random.nextDouble() < 0.1 ? null : 80 + 6.0 * news2 + random.nextGaussian() * 15,
                random.nextDouble() < 0.1 ? null : 8 + 0.5 * news2 + random.nextGaussian() * 2,
                0.6 + 0.03 * news2 + random.nextGaussian() * 0.1, 30 + random.nextInt(60),
                random.nextBoolean() ? "Male" : "Female"};
    }

    /**
     * {@code patient_features} rows with {@link #COLUMNS} set and the rest null; where each table field comes from
     * is resolved once, not per row.
     */
    private static final class FeatureRows {
        private static final int PATIENT = -1;
        private static final int EVENT_TIME = -2;
        private static final int VERSION = -3;
        private static final int NONE = -4;

        private final DataTypeRoot[] types;
        private final int[] source;

        FeatureRows(Table table) {
            List<DataField> fields = table.rowType().getFields();
            types = new DataTypeRoot[fields.size()];
            source = new int[fields.size()];
            for (int i = 0; i < fields.size(); i++) {
                String name = fields.get(i).name();
                types[i] = fields.get(i).type().getTypeRoot();
                source[i] = switch (name) {
                    case "patient_id" -> PATIENT;
                    case "event_time" -> EVENT_TIME;
                    case "definition_version" -> VERSION;
                    default -> COLUMNS.contains(name) ? COLUMNS.indexOf(name) : NONE;
                };
            }
        }

        GenericRow row(String patient, LocalDateTime eventTime, Object[] values) {
            GenericRow row = new GenericRow(types.length);
            for (int i = 0; i < types.length; i++) {
                Object value = switch (source[i]) {
                    case PATIENT -> patient;
                    case EVENT_TIME -> eventTime;
                    case VERSION -> 1;
                    case NONE -> null;
                    default -> values[source[i]];
                };
                row.setField(i, paimon(value, types[i]));
            }
            return row;
        }
    }

    private static Object paimon(Object value, DataTypeRoot type) {
        if (value == null) {
            return null;
        }
        return switch (type) {
            case VARCHAR, CHAR -> BinaryString.fromString(value.toString());
            case TIMESTAMP_WITHOUT_TIME_ZONE -> Timestamp.fromLocalDateTime((LocalDateTime) value);
            case INTEGER -> ((Number) value).intValue();
            case DOUBLE -> ((Number) value).doubleValue();
            default -> throw new IllegalStateException("the bench does not write " + type + " columns");
        };
    }

    /** The cohort config of the bench; its Parquet goes under the bench's scratch directory like everything else. */
    private static void commitConfig(Catalog catalog, String parquetPath) throws Exception {
        PaimonWrites.commit(catalog.getTable(Identifier.create(DB, BatchScoring.CONFIGS)), sink -> sink.write(
                GenericRow.of(BinaryString.fromString("bench"), BinaryString.fromString("production"), null,
                        BinaryString.fromString("bench_scores"), BinaryString.fromString(parquetPath),
                        BinaryString.fromString("bench score: every patient"))));
    }

    /** Trains the bench's model, saves it under the warehouse and makes it version 1 in production; returns its path. */
    static String registerProduction(LocalFlink flink, Catalog catalog, Lakehouse lake, String database, String algorithm)
            throws Exception {
        ModelRegistry registry = new ModelRegistry(catalog, database);
        String modelPath = ModelRegistry.directory(lake.warehouse(), database, "bench", 1);
        train(flink, algorithm, modelPath);
        LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);
        registry.register(new ModelVersion(1, "bench", algorithm, "{}", COLUMNS, COLUMNS, 1, "{}", "{}",
                modelPath, null, now, ModelVersion.NONE, 0, now));
        registry.promote(1, ModelVersion.PRODUCTION, 0, "bench");
        return modelPath;
    }

    /** Fits encoder (→ scaler) → classifier on 20,000 rows labelled by a risk that rises with NEWS2 and lactate. */
    private static void train(LocalFlink flink, String algorithm, String path) throws Exception {
        StreamExecutionEnvironment env = flink.environment(new Configuration());
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        List<Row> rows = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 20_000; i++) {
            Object[] v = values(1_000_000 + i, 0);
            double margin = -5 + 0.55 * (Integer) v[0] + 0.4 * ((Double) v[6] - 2);
            Object[] withLabel = Arrays.copyOf(v, v.length + 1);
            withLabel[v.length] = random.nextDouble() < 1 / (1 + Math.exp(-margin)) ? 1.0 : 0.0;
            rows.add(Row.of(withLabel));
        }
        TypeInformation<?>[] types = new TypeInformation<?>[COLUMNS.size() + 1];
        Arrays.fill(types, Types.DOUBLE);
        types[0] = Types.INT;
        types[COLUMNS.indexOf("age")] = Types.INT;
        types[COLUMNS.indexOf("gender")] = Types.STRING;
        List<String> names = new ArrayList<>(COLUMNS);
        names.add("label");
        var table = tEnv.fromDataStream(env.fromData(rows).returns(new RowTypeInfo(types, names.toArray(new String[0]))));
        List<Stage<?>> stages = algorithm.equals("gbt")
                ? List.of(new TabularEncoder().setInputCols(COLUMNS.toArray(new String[0])).setOutputCol("features"),
                        new GbtClassifier().setMaxIter(50).setMaxDepth(5))
                : List.of(new TabularEncoder().setInputCols(COLUMNS.toArray(new String[0])).setOutputCol("encoded"),
                        new StandardScaler().setInputCol("encoded").setOutputCol("features").setWithMean(true),
                        new LogisticRegression().setReg(1e-3));
        new Pipeline(stages).fit(table).save(path);
    }
}
