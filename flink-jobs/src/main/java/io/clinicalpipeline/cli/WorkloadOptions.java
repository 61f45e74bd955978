package io.clinicalpipeline.cli;

import io.clinicalpipeline.generator.GeneratorConfig;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.time.Instant;

/** What the patient simulation generates: how many patients for how long, how fast, and with which faults. */
final class WorkloadOptions {

    @Option(names = "--patients", paramLabel = "N", defaultValue = "200", description = "number of simulated patients")
    int patients;

    @Option(names = "--hours", paramLabel = "H", defaultValue = "6", description = "simulated duration in hours")
    double hours;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
            description = "random seed; the same seed gives the same events in the same order")
    long seed;

    @Option(names = "--start", paramLabel = "ISO-INSTANT", defaultValue = "2026-01-05T00:00:00Z",
            description = "simulated start time (UTC)")
    Instant start;

    @Option(names = "--rate", paramLabel = "EVENTS/S", defaultValue = "0", description = "target send rate; 0 sends as fast as "
            + "Kafka accepts")
    double rate;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "2", description = "partitions of topics the generator "
            + "creates")
    int partitions;

    @Option(names = "--duplicate-rate", paramLabel = "P", defaultValue = "0.01", description = "share of events sent twice")
    double duplicateRate;

    @Option(names = "--out-of-order-rate", paramLabel = "P", defaultValue = "0.02", description = "share of events sent minutes "
            + "late")
    double outOfOrderRate;

    @Option(names = "--late-rate", paramLabel = "P", defaultValue = "0.005", description = "share of events sent hours late")
    double lateRate;

    @Option(names = "--out-of-range-rate", paramLabel = "P", defaultValue = "0.005", description = "share of events with an "
            + "impossible value")
    double outOfRangeRate;

    @Option(names = "--missing-field-rate", paramLabel = "P", defaultValue = "0.005", description = "share of events with one "
            + "field removed")
    double missingFieldRate;

    @Option(names = "--malformed-rate", paramLabel = "P", defaultValue = "0.003",
            description = "share of events that are not valid JSON of their shape")
    double malformedRate;

    @Option(names = "--ward", paramLabel = "WARD", description = "admit every patient to this ward (medical, surgical, "
            + "cardiology, respiratory, step-down) instead of an even mix: a case-mix change, to see drift")
    String ward;

    @Option(names = "--first-patient", paramLabel = "N", defaultValue = "1", description = "number the patients from N "
            + "(P000001 is 1): a second cohort after --patients N-1 continues no one's record")
    int firstPatient;

    Duration duration() {
        return Duration.ofMinutes(Math.round(hours * 60));
    }

    GeneratorConfig config() {
        return GeneratorConfig.defaults(patients, duration(), seed).withStart(start)
                .withFaultRates(duplicateRate, outOfOrderRate, lateRate, outOfRangeRate, missingFieldRate, malformedRate)
                .withWard(ward).withFirstPatient(firstPatient);
    }
}
