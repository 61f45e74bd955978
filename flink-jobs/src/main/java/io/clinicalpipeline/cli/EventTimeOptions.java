package io.clinicalpipeline.cli;

import io.clinicalpipeline.features.FeatureJob;
import io.clinicalpipeline.features.RedisFeatureSink;
import picocli.CommandLine.Option;

import java.time.Duration;

/** How the feature operator treats event time, and how it batches Redis writes. */
final class EventTimeOptions {

    @Option(names = "--out-of-orderness", paramLabel = "DURATION", defaultValue = "5s",
            description = "how far behind the newest event the watermark stays while events flow")
    Duration outOfOrderness;

    @Option(names = "--allowed-lateness", paramLabel = "DURATION", defaultValue = "24h",
            description = "an event this far behind its patient's newest feature row still corrects it; older ones go to "
                    + "feature_late_events")
    Duration allowedLateness;

    @Option(names = "--quiet-after", paramLabel = "DURATION", defaultValue = "5s",
            description = "after this long without input the newest events are final (the watermark catches up)")
    Duration quietAfter;

    @Option(names = "--max-wait", paramLabel = "DURATION", defaultValue = "15s",
            description = "an event waits at most this long (processing time) for the watermark; stragglers then correct its row "
                    + "(0s: no bound)")
    Duration maxWait;

    @Option(names = "--redis-max-delay", paramLabel = "DURATION", defaultValue = "200ms",
            description = "longest a feature update waits to be batched into a Redis pipeline")
    Duration redisMaxDelay;

    /** @param redisUri null: no online store */
    FeatureJob.Settings settings(String redisUri, Duration redisTtl) {
        return new FeatureJob.Settings(outOfOrderness, allowedLateness, quietAfter, maxWait,
                redisUri == null ? null : RedisFeatureSink.standard(redisUri, redisTtl, redisMaxDelay));
    }
}
