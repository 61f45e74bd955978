package io.clinicalpipeline.jobs;

import io.clinicalpipeline.drift.FeatureDrift;
import io.clinicalpipeline.events.BronzeRecord;
import io.clinicalpipeline.events.EventKind;
import io.clinicalpipeline.events.MessageFormat;
import io.clinicalpipeline.features.FeatureCatalogTable;
import io.clinicalpipeline.features.FeatureJob;
import io.clinicalpipeline.features.RedisFeatureSink;
import io.clinicalpipeline.ingest.IngestAudit;
import io.clinicalpipeline.ingest.IngestJob;
import io.clinicalpipeline.ingest.OffsetsRead;
import io.clinicalpipeline.kafka.KafkaTopics;
import io.clinicalpipeline.lake.PaimonCounts;
import io.clinicalpipeline.lake.TableStreams;
import io.clinicalpipeline.performance.LivePerformance;
import io.clinicalpipeline.scoring.ModelRoute;
import io.clinicalpipeline.scoring.Prediction;
import io.clinicalpipeline.scoring.RiskPolicy;
import io.clinicalpipeline.scoring.ScoringJob;
import io.clinicalpipeline.silver.SilverJob;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.paimon.catalog.Catalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Puts the ingest and silver graphs on an environment and starts them. The environment comes from the
 * caller: {@code getExecutionEnvironment()} under {@code flink run}, the local cluster in the demo and tests.
 */
public final class PipelineJobs {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineJobs.class);

    public static final String INGEST_JOB = "clinical-ingest";
    /** Kafka consumer group of the ingest job; offsets are committed at checkpoints, for monitoring lag. */
    public static final String INGEST_GROUP = "clinical-ingest";
    public static final String SILVER_JOB = "clinical-silver";
    public static final String FEATURES_JOB = "clinical-features";
    public static final String SCORING_JOB = "clinical-scoring";
    public static final String ONLINE_JOB = "clinical-online";
    /** Kafka consumer group of the online job: it reads the topics on its own, beside the ingest job. */
    public static final String ONLINE_GROUP = "clinical-online";

    private PipelineJobs() {}

    /** Kafka → bronze. Bounded stops at the offsets that were latest at start. */
    public static JobClient startIngest(Function<Configuration, StreamExecutionEnvironment> environments,
                                        JobSettings s, boolean bounded) throws Exception {
        return startIngest(environments, s, bounded, INGEST_GROUP);
    }

    /** With the Kafka consumer group to start from when there is no checkpoint to restore. */
    public static JobClient startIngest(Function<Configuration, StreamExecutionEnvironment> environments,
                                        JobSettings s, boolean bounded, String groupId) throws Exception {
        StreamExecutionEnvironment env = environments.apply(s.flinkConfig(RuntimeExecutionMode.STREAMING));
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        s.lakehouse().createTables(tEnv, s.database());
        TableStreams bronze = new TableStreams(tEnv, s.database());
        DataStream<BronzeRecord> records = IngestJob.fromKafka(env,
                IngestJob.kafkaSource(s.bootstrap(), s.topics(), groupId, bounded));
        IngestJob.build(records, s.topics(), bronze);
        bronze.attach();
        return env.executeAsync(INGEST_JOB);
    }

    /**
     * Waits for a bounded ingest to finish, then checks that bronze holds every record the job read, once. A bounded
     * ingest that finished short fails here, naming the tables and partitions, instead of leaving the layers
     * downstream waiting for records that will never come.
     *
     * @return how many records the job read
     */
    public static long awaitBoundedIngest(JobClient ingest, JobSettings s) throws Exception {
        return verifyBoundedIngest(ingest, s, ingest.getJobExecutionResult().get());
    }

    /** With a limit: a bounded ingest still running after {@code timeout} is cancelled, and this fails saying so. */
    public static long awaitBoundedIngest(JobClient ingest, JobSettings s, Duration timeout) throws Exception {
        try {
            return verifyBoundedIngest(ingest, s, ingest.getJobExecutionResult().get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            ingest.cancel().get();
            throw new IllegalStateException("the bounded ingest job " + ingest.getJobID() + " had not finished after "
                    + timeout.toSeconds() + " s and was cancelled; its dashboard page shows which task is still running", e);
        }
    }

    private static long verifyBoundedIngest(JobClient ingest, JobSettings s, JobExecutionResult result) throws Exception {
        Map<OffsetsRead.Partition, OffsetsRead.Range> read = OffsetsRead.of(result);
        List<IngestAudit.Mismatch> mismatches;
        try (Catalog catalog = s.lakehouse().openCatalog()) {
            mismatches = IngestAudit.audit(read, s.topics(), new PaimonCounts(catalog, s.database()));
        }
        if (!mismatches.isEmpty()) {
            throw new IllegalStateException("the bounded ingest job " + ingest.getJobID() + " finished, but "
                    + mismatches.stream().map(IngestAudit.Mismatch::describe).collect(Collectors.joining("; "))
                    + ". The records are still in Kafka: see every layer with bin/pipeline reconcile, and ingest them again "
                    + "into an empty --database with a new --group-id");
        }
        long records = read.values().stream().mapToLong(OffsetsRead.Range::count).sum();
        LOG.info("event=bounded_ingest_verified job={} partitions={} records={}", ingest.getJobID(), read.size(), records);
        return records;
    }

    /**
     * Bronze → silver. In STREAMING mode the job follows bronze forever; in BATCH mode it processes what
     * bronze holds now and finishes. {@code silverDatabase} may differ from the bronze database.
     */
    public static JobClient startSilver(Function<Configuration, StreamExecutionEnvironment> environments,
                                        JobSettings s, RuntimeExecutionMode mode, String silverDatabase) throws Exception {
        StreamExecutionEnvironment env = environments.apply(s.flinkConfig(mode));
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        s.lakehouse().createTables(tEnv, s.database());
        s.lakehouse().createTables(tEnv, silverDatabase);
        TableStreams bronze = new TableStreams(tEnv, s.database());
        TableStreams silver = new TableStreams(tEnv, silverDatabase);
        Map<EventKind, DataStream<Row>> bronzeRows = new EnumMap<>(EventKind.class);
        for (EventKind kind : EventKind.values()) {
            bronzeRows.put(kind, bronze.read(kind.bronzeTable()));
        }
        Map<MessageFormat, DataStream<Row>> messages = new EnumMap<>(MessageFormat.class);
        for (MessageFormat format : MessageFormat.values()) {
            messages.put(format, bronze.read(format.bronzeTable()));
        }
        SilverJob.Output out = SilverJob.build(bronzeRows, messages, silver::rowType, s.topics(), s.dedupTtl(), s.codeMapping());
        writeSilver(out, silver);
        silver.attach();
        return env.executeAsync(SILVER_JOB + "-" + mode.name().toLowerCase());
    }

    /**
     * Silver → features, into {@code featureDatabase}: streaming follows silver (and writes Redis when
     * {@code f.redis()} is set), batch computes every row of the history and finishes. Publishes the
     * feature catalog first, so the definitions of what lands are always in the warehouse.
     */
    public static JobClient startFeatures(Function<Configuration, StreamExecutionEnvironment> environments,
                                          JobSettings s, RuntimeExecutionMode mode, String featureDatabase,
                                          FeatureJob.Settings f) throws Exception {
        StreamExecutionEnvironment env = environments.apply(s.flinkConfig(mode));
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        s.lakehouse().createTables(tEnv, s.database());
        s.lakehouse().createTables(tEnv, featureDatabase);
        try (Catalog catalog = s.lakehouse().openCatalog()) {
            FeatureCatalogTable.publish(catalog, featureDatabase);
        }
        TableStreams silver = new TableStreams(tEnv, s.database());
        TableStreams features = new TableStreams(tEnv, featureDatabase);
        FeatureJob.Output out = FeatureJob.build(FeatureJob.inputs(kind -> silver.readChanges(kind.silverTable())),
                features::rowType, f);
        out.write(features);
        writeOnline(out, f);
        features.attach();
        return env.executeAsync(FEATURES_JOB + "-" + mode.name().toLowerCase());
    }

    /**
     * The online path, one streaming job: Kafka → silver rules → features (emitted as each event arrives) → the
     * registry's production model (and challenger) → Redis {@code features:{id}} and {@code risk:{id}} and the alerts
     * topic, with no Paimon commit in between. With {@code lakehouse} the same operators' outputs also go to Paimon,
     * exactly once at checkpoints: bronze, silver and its rejects, {@code patient_features} and {@code model_predictions};
     * its writers do not compact, {@link #compact} does.
     *
     * @param f the feature settings; the online path emits on arrival whatever they say, and writes Redis if they name it
     */
    public static JobClient startOnline(Function<Configuration, StreamExecutionEnvironment> environments, JobSettings s,
                                        FeatureJob.Settings f, RiskPolicy policy, ScoringJob.Sinks sinks, boolean lakehouse)
            throws Exception {
        return startOnline(environments, s, f, policy, sinks, lakehouse, Monitoring.defaults());
    }

    /** How the production model is watched where it scores: its drift window and its live performance window. */
    public record Monitoring(FeatureDrift.Settings drift, LivePerformance.Settings live) {
        public static Monitoring defaults() {
            return new Monitoring(FeatureDrift.Settings.defaults(), LivePerformance.Settings.defaults());
        }
    }

    /** As above, with the model monitoring's windows set. */
    public static JobClient startOnline(Function<Configuration, StreamExecutionEnvironment> environments, JobSettings s,
                                        FeatureJob.Settings f, RiskPolicy policy, ScoringJob.Sinks sinks, boolean lakehouse,
                                        Monitoring monitoring) throws Exception {
        createAlertsTopic(sinks);
        StreamExecutionEnvironment env = environments.apply(s.flinkConfig(RuntimeExecutionMode.STREAMING));
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        s.lakehouse().createTables(tEnv, s.database());
        // Compaction would share the cores and the checkpoints of the path that must answer in well under a second.
        TableStreams tables = new TableStreams(tEnv, s.database(), TableStreams.Compaction.DEFERRED);
        DataStream<BronzeRecord> records = IngestJob.fromKafka(env, IngestJob.kafkaSource(s.bootstrap(), s.topics(), ONLINE_GROUP, false));
        IngestJob.Routed bronze = IngestJob.route(records, s.topics(), tables::rowType);
        SilverJob.Output silver = SilverJob.build(bronze.events(), bronze.messages(), tables::rowType, s.topics(),
                s.dedupTtl(), s.codeMapping());
        FeatureJob.Output features = FeatureJob.build(FeatureJob.inputs(silver.silver()::get), tables::rowType, f.onArrival());
        writeOnline(features, f);
        DataStream<ModelRoute> routes = ScoringJob.routes(tables);
        ScoringJob.Outputs scores = ScoringJob.build(features.features(), tables.columnNames(FeatureJob.FEATURES_TABLE),
                tables.rowType(FeatureJob.FEATURES_TABLE), routes, policy, true);
        ScoringJob.write(scores, lakehouse ? tables : null, sinks);
        writeModelMonitoring(tables, features.features(), tables.columnNames(FeatureJob.FEATURES_TABLE), routes,
                scores.predictions(), silver.silver().get(EventKind.ADVERSE_EVENTS), lakehouse ? tables : null, monitoring);
        if (lakehouse) {
            // Bronze's writers would chain into the source's thread, whose every record then waited for their flush at
            // each checkpoint; behind an exchange they flush beside the online path instead of in its way.
            bronze.events().forEach((kind, rows) -> tables.write(kind.bronzeTable(), rows.rescale()));
            bronze.messages().forEach((format, rows) -> tables.write(format.bronzeTable(), rows.rescale()));
            writeSilver(silver, tables);
            features.write(tables);
        }
        tables.attach();
        return env.executeAsync(ONLINE_JOB);
    }

    /**
     * Batch: compacts every table of the database and expires old snapshots, then returns. The online job leaves
     * compaction to this (see {@link TableStreams.Compaction#DEFERRED}): schedule it, e.g. hourly.
     */
    public static void compact(Function<Configuration, StreamExecutionEnvironment> environments, JobSettings s) throws Exception {
        s.lakehouse().createTables(s.database());
        s.lakehouse().compact(environments.apply(s.flinkConfig(RuntimeExecutionMode.BATCH)), s.database());
        LOG.info("event=compacted database={}", s.database());
    }

    /** The alert transitions' topic, created with its partitions before a producer meets it half-made. */
    private static void createAlertsTopic(ScoringJob.Sinks sinks) throws Exception {
        if (sinks.alertsTopic() != null) {
            KafkaTopics.createTopics(sinks.bootstrap(), List.of(sinks.alertsTopic()), 2);
        }
    }

    /** Feature rows into the online store, when the settings name one. */
    private static void writeOnline(FeatureJob.Output out, FeatureJob.Settings f) {
        if (f.redis() != null) {
            out.features().sinkTo(f.redis()).name("redis-online-features").uid("redis-online-features");
        }
    }

    private static void writeSilver(SilverJob.Output out, TableStreams tables) {
        out.silver().forEach((kind, rows) -> tables.write(kind.silverTable(), rows));
        tables.write(SilverJob.QUARANTINE, out.quarantine());
        tables.write(SilverJob.DEAD_LETTER, out.deadLetter());
        tables.write(SilverJob.DUPLICATES, out.duplicates());
        tables.write(SilverJob.HOSPITAL_MESSAGES, out.hospitalMessages());
    }

    /**
     * Batch: each patient's newest row of the offline feature table into Redis, to backfill a fresh or
     * lost online store. The event-time guard keeps any newer value Redis already holds.
     */
    public static JobClient startMaterialize(Function<Configuration, StreamExecutionEnvironment> environments,
                                             JobSettings s, String featureDatabase, RedisFeatureSink redis) throws Exception {
        StreamExecutionEnvironment env = environments.apply(s.flinkConfig(RuntimeExecutionMode.BATCH));
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        s.lakehouse().createTables(tEnv, featureDatabase);
        String table = new TableStreams(tEnv, featureDatabase).path(FeatureJob.FEATURES_TABLE);
        String columns = tEnv.from(table).getResolvedSchema().getColumnNames().stream()
                .map(c -> "`" + c + "`").collect(Collectors.joining(", "));
        tEnv.toDataStream(tEnv.sqlQuery("SELECT " + columns + " FROM (SELECT *, ROW_NUMBER() OVER ("
                        + "PARTITION BY patient_id ORDER BY event_time DESC) AS newest FROM " + table + ") WHERE newest = 1"))
                .sinkTo(redis).name("redis-online-features").uid("redis-online-features");
        return env.executeAsync(FEATURES_JOB + "-materialize");
    }

    /**
     * The production model watched where it scores: the drift of its inputs against its training distribution, and its
     * live performance as adverse events label its predictions. Into {@code out}'s tables, or (null) gauges only.
     */
    private static void writeModelMonitoring(TableStreams types, DataStream<Row> featureRows, String[] featureColumns,
                                             DataStream<ModelRoute> routes, DataStream<Prediction> predictions,
                                             DataStream<Row> adverseEvents, TableStreams out, Monitoring m) {
        DataStream<Row> drift = FeatureDrift.build(featureRows, featureColumns, routes, types.rowType(FeatureDrift.TABLE),
                m.drift());
        LivePerformance.Output live = LivePerformance.build(predictions, adverseEvents,
                types.rowType(LivePerformance.PERFORMANCE_TABLE), types.rowType(LivePerformance.OUTCOMES_TABLE), m.live());
        if (out != null) {
            out.write(FeatureDrift.TABLE, drift);
            out.write(LivePerformance.PERFORMANCE_TABLE, live.performance());
            out.write(LivePerformance.OUTCOMES_TABLE, live.labelled());
        } else {
            // Without the lakehouse, drift and performance are seen through their gauges only.
            for (DataStream<Row> rows : List.of(drift, live.performance(), live.labelled())) {
                rows.sinkTo(new DiscardingSink<>()).name("model monitoring rows (no lakehouse)");
            }
        }
    }

    /**
     * Streaming: scores every feature row of {@code featureDatabase} with the registry's production model (and the
     * challenger for its share), following the registry so promotions apply without a restart.
     */
    public static JobClient startScoring(Function<Configuration, StreamExecutionEnvironment> environments,
                                         JobSettings s, String featureDatabase, RiskPolicy policy,
                                         ScoringJob.Sinks sinks) throws Exception {
        createAlertsTopic(sinks);
        StreamExecutionEnvironment env = environments.apply(s.flinkConfig(RuntimeExecutionMode.STREAMING));
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        s.lakehouse().createTables(tEnv, s.database());
        s.lakehouse().createTables(tEnv, featureDatabase);
        TableStreams features = new TableStreams(tEnv, featureDatabase);
        TableStreams lake = new TableStreams(tEnv, s.database());
        DataStream<Row> rows = features.readChanges(FeatureJob.FEATURES_TABLE);
        DataStream<ModelRoute> routes = ScoringJob.routes(lake);
        ScoringJob.Outputs out = ScoringJob.build(rows, features.columnNames(FeatureJob.FEATURES_TABLE),
                features.rowType(FeatureJob.FEATURES_TABLE), routes, policy, false);
        ScoringJob.write(out, features, sinks);
        writeModelMonitoring(features, rows, features.columnNames(FeatureJob.FEATURES_TABLE), routes, out.predictions(),
                lake.readChanges(EventKind.ADVERSE_EVENTS.silverTable()), features, Monitoring.defaults());
        features.attach();
        return env.executeAsync(SCORING_JOB);
    }
}
