package io.clinicalpipeline.cli;

import io.clinicalpipeline.events.EventKind;
import io.clinicalpipeline.events.Topics;
import io.clinicalpipeline.generator.EventGenerator;
import io.clinicalpipeline.generator.GeneratorConfig;
import io.clinicalpipeline.generator.KafkaEventWriter;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** {@code bin/pipeline generate}: simulated patient events into Kafka. */
final class GenerateCommand {

    private GenerateCommand() {}

    static Options workload(Options o, String patients, String hours) {
        return o.option("patients", "N", patients, "number of simulated patients")
                .option("hours", "H", hours, "simulated duration in hours")
                .option("seed", "N", "1", "random seed; the same seed gives the same events in the same order")
                .option("start", "ISO-INSTANT", GeneratorConfig.DEFAULT_START.toString(), "simulated start time (UTC)")
                .option("rate", "EVENTS/S", "0", "target send rate; 0 sends as fast as Kafka accepts")
                .option("partitions", "N", "2", "partitions of topics the generator creates")
                .option("duplicate-rate", "P", "0.01", "share of events sent twice")
                .option("out-of-order-rate", "P", "0.02", "share of events sent minutes late")
                .option("late-rate", "P", "0.005", "share of events sent hours late")
                .option("out-of-range-rate", "P", "0.005", "share of events with an impossible value")
                .option("missing-field-rate", "P", "0.005", "share of events with one field removed")
                .option("malformed-rate", "P", "0.003", "share of events that are not valid JSON of their shape");
    }

    static GeneratorConfig config(Options o) {
        GeneratorConfig defaults = GeneratorConfig.defaults(o.getInt("patients"),
                Duration.ofMinutes(Math.round(o.getDouble("hours") * 60)), o.getLong("seed"));
        return defaults.withStart(Instant.parse(o.get("start")))
                .withFaultRates(o.getDouble("duplicate-rate"), o.getDouble("out-of-order-rate"), o.getDouble("late-rate"),
                        o.getDouble("out-of-range-rate"), o.getDouble("missing-field-rate"), o.getDouble("malformed-rate"));
    }

    static Map<EventKind, Long> generate(Options o, String bootstrap, Topics topics) throws Exception {
        return generate(config(o), o.getInt("partitions"), o.getDouble("rate"), bootstrap, topics);
    }

    static Map<EventKind, Long> generate(GeneratorConfig config, int partitions, double rate, String bootstrap,
                                         Topics topics) throws Exception {
        KafkaEventWriter.createTopics(bootstrap, topics, partitions);
        System.out.printf("generate: %d patients over %s from %s (seed %d) into %s%n", config.patients(),
                config.duration(), config.start(), config.seed(), bootstrap);
        long started = System.nanoTime();
        Map<EventKind, Long> counts;
        try (KafkaEventWriter writer = new KafkaEventWriter(bootstrap, topics)) {
            counts = writer.write(new EventGenerator(config), rate,
                    sofar -> System.out.printf("generate: %,d events sent%n", total(sofar)), (event, metadata) -> { });
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("generate: done, %,d events in %.1f s%n", total(counts), seconds);
        counts.forEach((kind, n) -> System.out.printf("  %-18s %,9d%n", topics.topic(kind), n));
        return counts;
    }

    static long total(Map<EventKind, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    static int run(String[] args) throws Exception {
        Options o = workload(Common.kafka(new Options("generate",
                "Produces vitals, medications, labs, adverse events and patient profiles to Kafka, with faults\n"
                        + "(duplicates, late and out-of-order events, impossible values, missing fields, malformed JSON)."), true),
                "200", "6");
        if (!o.parse(args)) {
            return 0;
        }
        generate(o, o.required("bootstrap"), Common.topics(o));
        return 0;
    }
}
