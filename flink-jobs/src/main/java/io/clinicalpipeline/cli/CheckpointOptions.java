package io.clinicalpipeline.cli;

import picocli.CommandLine.Option;

import java.time.Duration;

/** How streaming jobs checkpoint, which is when they commit to Paimon. */
final class CheckpointOptions {

    @Option(names = "--checkpoint-interval", paramLabel = "DURATION", defaultValue = "10s",
            description = "checkpoint interval of streaming jobs; data is committed to Paimon at each checkpoint")
    Duration interval;

    @Option(names = "--checkpoint-dir", paramLabel = "URI",
            description = "where checkpoints are kept (default: the cluster's state.checkpoints.dir, or memory)")
    String dir;
}
