package io.clinicalpipeline.jobs;

import io.clinicalpipeline.events.Topics;
import io.clinicalpipeline.interop.CodeMapping;
import io.clinicalpipeline.lake.Lakehouse;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.CheckpointConfig;
import org.apache.flink.streaming.api.environment.ExecutionCheckpointingOptions;

import java.time.Duration;

/**
 * What every job needs to know, from options or from the demo: where things are, how often to checkpoint, and the
 * codes hospital messages are read with ({@code codeMapping} null: the built-in mapping).
 */
public record JobSettings(
        String bootstrap,
        Topics topics,
        Lakehouse lakehouse,
        String database,
        Duration checkpointInterval,
        String checkpointDir,
        Duration dedupTtl,
        CodeMapping codeMapping) {

    /** With the built-in code mapping. */
    public JobSettings(String bootstrap, Topics topics, Lakehouse lakehouse, String database, Duration checkpointInterval,
                       String checkpointDir, Duration dedupTtl) {
        this(bootstrap, topics, lakehouse, database, checkpointInterval, checkpointDir, dedupTtl, null);
    }

    /** For a batch job over the lakehouse alone: no Kafka, no checkpoints. */
    public static JobSettings lakeOnly(Lakehouse lakehouse, String database) {
        return new JobSettings(null, null, lakehouse, database, Duration.ZERO, null, Duration.ZERO);
    }

    @Override
    public CodeMapping codeMapping() {
        return codeMapping == null ? CodeMapping.builtIn() : codeMapping;
    }

    public JobSettings withBootstrap(String servers) {
        return new JobSettings(servers, topics, lakehouse, database, checkpointInterval, checkpointDir, dedupTtl, codeMapping);
    }

    public JobSettings withCheckpointDir(String dir) {
        return new JobSettings(bootstrap, topics, lakehouse, database, checkpointInterval, dir, dedupTtl, codeMapping);
    }

    public JobSettings withCodeMapping(CodeMapping mapping) {
        return new JobSettings(bootstrap, topics, lakehouse, database, checkpointInterval, checkpointDir, dedupTtl, mapping);
    }

    /**
     * Flink configuration for a job in the given mode; streaming jobs checkpoint exactly once and restart until
     * they are stopped, bounded jobs give up after three attempts so a command fails with the cause.
     */
    public Configuration flinkConfig(RuntimeExecutionMode mode) {
        Configuration conf = new Configuration();
        conf.set(ExecutionOptions.RUNTIME_MODE, mode);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF, Duration.ofSeconds(1));
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF, Duration.ofSeconds(30));
        if (mode == RuntimeExecutionMode.BATCH) {
            conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS, 3);
        }
        if (mode == RuntimeExecutionMode.STREAMING) {
            // Chained operators hand records on without a copy. Without it every 168-column feature row was copied
            // through the Table bridge's converters at each chained hop. Safe: no operator changes a record it has
            // emitted, and what one keeps (state, the Redis buffer) is a record it was handed, never mutated later.
            // Not in batch mode, whose sorted keyed inputs may then reuse the objects that state keeps.
            conf.set(PipelineOptions.OBJECT_REUSE, true);
            conf.set(ExecutionCheckpointingOptions.CHECKPOINTING_INTERVAL, checkpointInterval);
            conf.set(ExecutionCheckpointingOptions.EXTERNALIZED_CHECKPOINT,
                    CheckpointConfig.ExternalizedCheckpointCleanup.RETAIN_ON_CANCELLATION);
            if (checkpointDir != null) {
                conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDir);
            }
        }
        return conf;
    }
}
