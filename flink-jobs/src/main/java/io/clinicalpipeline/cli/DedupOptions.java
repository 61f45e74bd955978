package io.clinicalpipeline.cli;

import picocli.CommandLine.Option;

import java.time.Duration;

/** How long the silver job remembers a deduplication key in streaming mode. */
final class DedupOptions {

    @Option(names = "--dedup-ttl", paramLabel = "DURATION", defaultValue = "168h",
            description = "how long the silver job remembers a deduplication key (0s: forever)")
    Duration ttl;
}
