package io.clinicalpipeline.silver;

import java.util.Locale;
import java.util.Map;

/**
 * Unit standardisation to the units silver stores: degrees Celsius, kilograms, SI units for labs
 * (mmol/L, umol/L, 10^9/L, g/L) and mg/dL for a profile's average glucose (as the stroke data sets use).
 * An unknown unit is an error, never a guess: a wrong guess is a wrong clinical value.
 */
public final class Units {

    /** A lab's canonical unit and the factor that turns each accepted unit into it. */
    private static final Map<String, Map<String, Double>> LAB_FACTORS = Map.of(
            "lactate", Map.of("mmol/l", 1.0, "mg/dl", 1 / 9.008),
            "creatinine", Map.of("umol/l", 1.0, "µmol/l", 1.0, "mg/dl", 88.42),
            "glucose", Map.of("mmol/l", 1.0, "mg/dl", 1 / 18.016),
            "wbc", Map.of("10^9/l", 1.0, "10^3/ul", 1.0, "k/ul", 1.0),
            "potassium", Map.of("mmol/l", 1.0, "meq/l", 1.0),
            "sodium", Map.of("mmol/l", 1.0, "meq/l", 1.0),
            "haemoglobin", Map.of("g/l", 1.0, "g/dl", 10.0));

    private static final Map<String, String> LAB_CANONICAL = Map.of(
            "lactate", "mmol/L", "creatinine", "umol/L", "glucose", "mmol/L",
            "wbc", "10^9/L", "potassium", "mmol/L", "sodium", "mmol/L", "haemoglobin", "g/L");

    private Units() {}

    public static double toCelsius(double value, String unit) throws UnknownUnitException {
        switch (normalise(unit)) {
            case "c":
            case "°c":
            case "celsius":
                return value;
            case "f":
            case "°f":
            case "fahrenheit":
                return (value - 32.0) * 5.0 / 9.0;
            default:
                throw new UnknownUnitException("temperature_unit", unit, "C or F");
        }
    }

    public static double toKilograms(double value, String unit) throws UnknownUnitException {
        switch (normalise(unit)) {
            case "kg":
                return value;
            case "lb":
            case "lbs":
                return value * 0.45359237;
            default:
                throw new UnknownUnitException("weight_unit", unit, "kg or lb");
        }
    }

    public static double glucoseToMgPerDl(double value, String unit) throws UnknownUnitException {
        switch (normalise(unit)) {
            case "mg/dl":
                return value;
            case "mmol/l":
                return value * 18.016;
            default:
                throw new UnknownUnitException("glucose_unit", unit, "mg/dL or mmol/L");
        }
    }

    public static boolean isKnownLab(String test) {
        return LAB_FACTORS.containsKey(test);
    }

    public static String labCanonicalUnit(String test) {
        return LAB_CANONICAL.get(test);
    }

    public static double labToCanonical(String test, double value, String unit) throws UnknownUnitException {
        Double factor = LAB_FACTORS.get(test).get(normalise(unit));
        if (factor == null) {
            throw new UnknownUnitException("unit", unit, String.join(" or ", LAB_FACTORS.get(test).keySet()) + " for " + test);
        }
        return value * factor;
    }

    private static String normalise(String unit) {
        return unit.trim().toLowerCase(Locale.ROOT);
    }

    /** A unit the pipeline does not know how to convert. */
    public static final class UnknownUnitException extends Exception {
        private static final long serialVersionUID = 1L;

        UnknownUnitException(String field, String unit, String accepted) {
            super(field + " '" + unit + "' is not a known unit (accepted: " + accepted + ")");
        }
    }
}
