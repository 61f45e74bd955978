package io.clinicalpipeline.jobs;

import io.clinicalpipeline.events.BronzeRecord;
import io.clinicalpipeline.ingest.IngestJob;
import io.clinicalpipeline.lake.TableStreams;
import io.clinicalpipeline.silver.SilverJob;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

import java.util.function.Function;

/**
 * Puts the ingest and silver graphs on an environment and starts them. The environment comes from the
 * caller: {@code getExecutionEnvironment()} under {@code flink run}, the local cluster in the demo and tests.
 */
public final class PipelineJobs {

    public static final String INGEST_JOB = "clinical-ingest";
    /** Kafka consumer group of the ingest job; offsets are committed at checkpoints, for monitoring lag. */
    public static final String INGEST_GROUP = "clinical-ingest";
    public static final String SILVER_JOB = "clinical-silver";

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
        SilverJob.build(bronze, silver, s.topics(), s.dedupTtl());
        silver.attach();
        return env.executeAsync(SILVER_JOB + "-" + mode.name().toLowerCase());
    }
}
