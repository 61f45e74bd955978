package io.clinicalpipeline.cli;

import io.clinicalpipeline.jobs.JobSettings;
import picocli.CommandLine.Mixin;

import java.time.Duration;

/** What every pipeline job is told: Kafka and its topics, the lakehouse, and how it checkpoints. */
final class JobOptions {

    @Mixin
    KafkaOptions kafka;

    @Mixin
    LakeOptions lake;

    @Mixin
    CheckpointOptions checkpoints;

    /**
     * @param bootstrap the Kafka servers the job uses (null: none)
     * @param dedupTtl how long silver remembers a deduplication key (zero: forever; unused by other jobs)
     */
    JobSettings settings(String bootstrap, Duration dedupTtl) {
        return new JobSettings(bootstrap, kafka.topics(), lake.lakehouse(), lake.database, checkpoints.interval,
                checkpoints.dir, dedupTtl);
    }
}
