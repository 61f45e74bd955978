package io.clinicalpipeline.silver;

import java.util.Map;

/**
 * Values outside these bounds cannot be a living patient's measurement (or a sane order) and send the
 * record to quarantine. They are deliberately wide: an extreme but possible value must reach the
 * features, where it raises NEWS2.
 */
public final class PhysiologicalRanges {

    public record Range(double min, double max) {
        public boolean contains(double v) {
            return v >= min && v <= max;
        }
    }

    public static final Map<String, Range> VITALS = Map.of(
            "heart_rate", new Range(20, 250),
            "systolic_bp", new Range(40, 300),
            "diastolic_bp", new Range(10, 200),
            "respiratory_rate", new Range(3, 70),
            "spo2", new Range(50, 100),
            "temperature_c", new Range(25, 45));

    /** In each lab's canonical unit (see {@link Units}). */
    public static final Map<String, Range> LABS = Map.of(
            "lactate", new Range(0, 30),
            "creatinine", new Range(10, 2500),
            "glucose", new Range(0.5, 60),
            "wbc", new Range(0, 500),
            "potassium", new Range(1, 10),
            "sodium", new Range(90, 200),
            "haemoglobin", new Range(20, 250));

    public static final Map<String, Range> PROFILE = Map.of(
            "age", new Range(0, 120),
            "bmi", new Range(10, 100),
            "avg_glucose_level", new Range(20, 1000),
            "weight_kg", new Range(1, 500),
            "height_cm", new Range(30, 250));

    public static final Range DOSE = new Range(0, 1_000_000);

    /** An event dated more than this after Kafka received it is a clock or data-entry error. */
    public static final long MAX_FUTURE_MILLIS = 24L * 3600 * 1000;

    private PhysiologicalRanges() {}
}
