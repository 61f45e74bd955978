package io.clinicalpipeline.generator;

import io.clinicalpipeline.events.EventKind;
import io.clinicalpipeline.events.Topics;
import io.clinicalpipeline.kafka.KafkaTopics;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/** A generated workload sent to Kafka, with progress on the console: what the generate command, the demo and benches run. */
public final class Workloads {

    private Workloads() {}

    /** Creates missing topics with {@code partitions} partitions, sends every event and says how many went where. */
    public static Map<EventKind, Long> toKafka(GeneratorConfig config, int partitions, double rate, String bootstrap,
                                               Topics topics, PrintStream out) throws Exception {
        return toKafka(config, partitions, rate, bootstrap, topics, InputFormat.JSON, out);
    }

    /** The same in {@code format}: the counts are events by kind, each sent as one record of the format's topic. */
    public static Map<EventKind, Long> toKafka(GeneratorConfig config, int partitions, double rate, String bootstrap,
                                               Topics topics, InputFormat format, PrintStream out) throws Exception {
        KafkaTopics.createTopics(bootstrap, topics, partitions);
        out.printf("generate: %d patients over %s from %s (seed %d) into %s as %s%n", config.patients(),
                config.duration(), config.start(), config.seed(), bootstrap, format.name().toLowerCase(Locale.ROOT));
        long started = System.nanoTime();
        Map<EventKind, Long> counts;
        try (KafkaEventWriter writer = new KafkaEventWriter(bootstrap, topics, format)) {
            counts = writer.write(new EventGenerator(config), rate,
                    sofar -> out.printf("generate: %,d events sent%n", total(sofar)), (event, metadata) -> { });
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        out.printf("generate: done, %,d events in %.1f s%n", total(counts), seconds);
        counts.forEach((kind, n) -> out.printf("  %-24s %,9d %s%n", format.topicOf(kind, topics), n,
                kind.name().toLowerCase(Locale.ROOT).replace('_', ' ')));
        return counts;
    }

    public static long total(Map<EventKind, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }
}
