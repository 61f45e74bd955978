package io.clinicalpipeline.generator;

import java.time.Duration;
import java.time.Instant;

/** Workload and fault rates. Rates are probabilities per event (0..1). */
public record GeneratorConfig(
        int patients,
        Duration duration,
        long seed,
        Instant start,
        double duplicateRate,
        double outOfOrderRate,
        double lateRate,
        double outOfRangeRate,
        double missingFieldRate,
        double malformedRate,
        double fahrenheitRate,
        double deteriorationRate) {

    public static final Instant DEFAULT_START = Instant.parse("2026-01-05T00:00:00Z");

    public GeneratorConfig {
        if (patients <= 0) {
            throw new IllegalArgumentException("--patients must be positive, got " + patients);
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("--hours must be positive, got " + duration);
        }
        double faults = duplicateRate + outOfOrderRate + lateRate + outOfRangeRate + missingFieldRate + malformedRate;
        if (faults > 0.5) {
            throw new IllegalArgumentException(
                    "fault rates add up to " + faults + "; keep their sum at or below 0.5 so most events are clean");
        }
    }

    public static GeneratorConfig defaults(int patients, Duration duration, long seed) {
        return new GeneratorConfig(patients, duration, seed, DEFAULT_START,
                0.01, 0.02, 0.005, 0.005, 0.005, 0.003, 0.1, 0.1);
    }

    public GeneratorConfig withStart(Instant newStart) {
        return new GeneratorConfig(patients, duration, seed, newStart, duplicateRate, outOfOrderRate, lateRate,
                outOfRangeRate, missingFieldRate, malformedRate, fahrenheitRate, deteriorationRate);
    }

    public GeneratorConfig withFaultRates(double duplicate, double outOfOrder, double late, double outOfRange,
                                          double missingField, double malformed) {
        return new GeneratorConfig(patients, duration, seed, start, duplicate, outOfOrder, late, outOfRange,
                missingField, malformed, fahrenheitRate, deteriorationRate);
    }
}
