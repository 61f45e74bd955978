package io.clinicalpipeline.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;

/** A local run's scratch space and patience: the demo and every benchmark write only under --data-dir. */
final class RunOptions {

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "data/bench",
            description = "scratch directory of the local Kafka, Redis, warehouse and checkpoints (emptied at start)")
    Path dataDir;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30m",
            description = "give up if the pipeline has not caught up by then (and after a minute without progress)")
    Duration timeout;
}
