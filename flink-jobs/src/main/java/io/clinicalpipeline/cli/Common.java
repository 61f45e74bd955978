package io.clinicalpipeline.cli;

import io.clinicalpipeline.events.EventKind;
import io.clinicalpipeline.events.Topics;
import io.clinicalpipeline.jobs.JobSettings;
import io.clinicalpipeline.lake.Lakehouse;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/** Options most commands share: where Kafka and the warehouse are, topic names, checkpointing. */
final class Common {

    private Common() {}

    static Options kafka(Options o, boolean required) {
        o.option("bootstrap", "HOST:PORT", null, "Kafka bootstrap servers" + (required ? " (required)" : ""));
        for (EventKind kind : EventKind.values()) {
            o.option(topicOption(kind), "NAME", kind.defaultTopic(), "topic of " + kind.name().toLowerCase(Locale.ROOT).replace('_', ' '));
        }
        return o;
    }

    static Options lake(Options o) {
        return o.option("warehouse", "PATH|URI", "data/warehouse", "Paimon warehouse: a directory or a Hadoop-compatible URI")
                .option("database", "NAME", Lakehouse.DEFAULT_DATABASE, "Paimon database of the pipeline's tables");
    }

    static Options checkpoints(Options o) {
        return checkpoints(o, "10");
    }

    static Options checkpoints(Options o, String defaultIntervalSeconds) {
        return o.option("checkpoint-interval", "SECONDS", defaultIntervalSeconds,
                        "checkpoint interval of streaming jobs; data is committed to Paimon at each checkpoint")
                .option("checkpoint-dir", "URI", null, "where checkpoints are kept (default: the cluster's state.checkpoints.dir, or memory)")
                .option("dedup-ttl", "HOURS", "168", "how long the silver job remembers a deduplication key (0: forever)");
    }

    private static String topicOption(EventKind kind) {
        return "topic-" + kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static Topics topics(Options o) {
        Map<EventKind, String> names = new EnumMap<>(EventKind.class);
        for (EventKind kind : EventKind.values()) {
            names.put(kind, o.get(topicOption(kind)));
        }
        return Topics.withOverrides(names);
    }

    static JobSettings settings(Options o, String bootstrap, String warehouse) {
        return new JobSettings(bootstrap, topics(o), new Lakehouse(warehouse), o.get("database"),
                Duration.ofSeconds(o.getLong("checkpoint-interval")), o.get("checkpoint-dir"),
                Duration.ofHours(o.getLong("dedup-ttl")));
    }
}
