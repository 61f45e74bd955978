package io.clinicalpipeline.silver;

/** Haemodynamic metrics derived from one set of vitals; null when an input is missing. */
public final class DerivedVitals {

    private DerivedVitals() {}

    public static Double pulsePressure(Double systolic, Double diastolic) {
        return systolic == null || diastolic == null ? null : systolic - diastolic;
    }

    /** The usual bedside estimate: diastolic plus a third of the pulse pressure. */
    public static Double meanArterialPressure(Double systolic, Double diastolic) {
        return systolic == null || diastolic == null ? null : round(diastolic + (systolic - diastolic) / 3.0);
    }

    /** Heart rate over systolic pressure; above about 0.9 suggests shock. */
    public static Double shockIndex(Double heartRate, Double systolic) {
        return heartRate == null || systolic == null || systolic == 0 ? null : round(heartRate / systolic);
    }

    static Double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }
}
