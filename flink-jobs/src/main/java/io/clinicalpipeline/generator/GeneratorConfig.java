package io.clinicalpipeline.generator;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Workload and fault rates. Rates are probabilities per event (0..1).
 *
 * @param ward the ward every patient is admitted to (one of {@link #WARDS}), or null for an even mix: a case-mix change
 *             such as a respiratory surge, which moves the features' distributions (drift) as a real one does
 * @param firstPatient the number of the first patient (ids P000001, ... from 1): a later cohort of admissions
 *                     takes numbers after an earlier one's, so that neither continues the other's records
 */
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
        double deteriorationRate,
        String ward,
        int firstPatient) {

    public static final Instant DEFAULT_START = Instant.parse("2026-01-05T00:00:00Z");
    public static final List<String> WARDS = List.of("medical", "surgical", "cardiology", "respiratory", "step-down");

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
        if (!(deteriorationRate >= 0 && deteriorationRate <= 1)) {
            throw new IllegalArgumentException("--deterioration-rate must be between 0 and 1, got " + deteriorationRate);
        }
        if (firstPatient < 1) {
            throw new IllegalArgumentException("--first-patient must be 1 or more, got " + firstPatient);
        }
        if (ward != null && !WARDS.contains(ward)) {
            throw new IllegalArgumentException("--ward " + ward + " is not one of " + String.join(", ", WARDS));
        }
    }

    public static GeneratorConfig defaults(int patients, Duration duration, long seed) {
        return new GeneratorConfig(patients, duration, seed, DEFAULT_START,
                0.01, 0.02, 0.005, 0.005, 0.005, 0.003, 0.1, 0.1, null, 1);
    }

    public GeneratorConfig withStart(Instant newStart) {
        return new GeneratorConfig(patients, duration, seed, newStart, duplicateRate, outOfOrderRate, lateRate,
                outOfRangeRate, missingFieldRate, malformedRate, fahrenheitRate, deteriorationRate, ward, firstPatient);
    }

    public GeneratorConfig withFaultRates(double duplicate, double outOfOrder, double late, double outOfRange,
                                          double missingField, double malformed) {
        return new GeneratorConfig(patients, duration, seed, start, duplicate, outOfOrder, late, outOfRange,
                missingField, malformed, fahrenheitRate, deteriorationRate, ward, firstPatient);
    }

    /** {@code rate} scales each patient's chance to deteriorate during the stay (0.1 by default): a sicker case mix. */
    public GeneratorConfig withDeteriorationRate(double rate) {
        return new GeneratorConfig(patients, duration, seed, start, duplicateRate, outOfOrderRate, lateRate, outOfRangeRate,
                missingFieldRate, malformedRate, fahrenheitRate, rate, ward, firstPatient);
    }

    /** Patients numbered from {@code first}. */
    public GeneratorConfig withFirstPatient(int first) {
        return new GeneratorConfig(patients, duration, seed, start, duplicateRate, outOfOrderRate, lateRate, outOfRangeRate,
                missingFieldRate, malformedRate, fahrenheitRate, deteriorationRate, ward, first);
    }

    /** Every patient on {@code newWard} (null: the even mix). */
    public GeneratorConfig withWard(String newWard) {
        return new GeneratorConfig(patients, duration, seed, start, duplicateRate, outOfOrderRate, lateRate, outOfRangeRate,
                missingFieldRate, malformedRate, fahrenheitRate, deteriorationRate, newWard, firstPatient);
    }
}
