package io.clinicalpipeline.silver;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Derived haemodynamics, unit conversions and the quality score, table-driven. */
class DerivedMetricsTest {

    @ParameterizedTest(name = "HR {0}, BP {1}/{2} -> PP {3}, MAP {4}, SI {5}")
    @CsvSource(nullValues = "null", value = {
            "80, 120, 80, 40.0, 93.333, 0.667",
            "130, 80, 50, 30.0, 60.0, 1.625",
            "60, 200, 110, 90.0, 140.0, 0.3",
            "null, 120, 80, 40.0, 93.333, null",
            "80, null, 80, null, null, null",
            "80, 120, null, null, null, 0.667",
    })
    void derivedVitals(Double hr, Double sbp, Double dbp, Double pp, Double map, Double si) {
        assertEquals(pp, DerivedVitals.pulsePressure(sbp, dbp));
        assertEquals(map, DerivedVitals.meanArterialPressure(sbp, dbp));
        assertEquals(si, DerivedVitals.shockIndex(hr, sbp));
    }

    @ParameterizedTest(name = "{0} {1} -> {2} C")
    @CsvSource({"98.6, F, 37.0", "32, fahrenheit, 0.0", "104, °F, 40.0", "37.2, C, 37.2", "36.5, celsius, 36.5", "38, °C, 38.0"})
    void temperature(double value, String unit, double celsius) throws Exception {
        assertEquals(celsius, Units.toCelsius(value, unit), 1e-9);
    }

    @ParameterizedTest(name = "{0} {1} -> {2} kg")
    @CsvSource({"100, kg, 100.0", "220.462, lb, 100.0", "10, lbs, 4.5359237"})
    void weight(double value, String unit, double kg) throws Exception {
        assertEquals(kg, Units.toKilograms(value, unit), 1e-3);
    }

    @ParameterizedTest(name = "glucose {0} {1} -> {2} mg/dL")
    @CsvSource({"100, mg/dL, 100.0", "5.55, mmol/L, 99.989"})
    void profileGlucose(double value, String unit, double mgPerDl) throws Exception {
        assertEquals(mgPerDl, Units.glucoseToMgPerDl(value, unit), 1e-3);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"temperature, K", "weight, stone", "glucose, g/L"})
    void unknownUnitsAreErrorsNotGuesses(String quantity, String unit) {
        org.junit.jupiter.api.Assertions.assertThrows(Units.UnknownUnitException.class, () -> {
            switch (quantity) {
                case "temperature" -> Units.toCelsius(1, unit);
                case "weight" -> Units.toKilograms(1, unit);
                default -> Units.glucoseToMgPerDl(1, unit);
            }
        });
    }

    @ParameterizedTest(name = "{0}/{1} present, id {2}, late {3} -> {4}")
    @CsvSource({
            "8, 8, true, false, 1.0",
            "7, 8, true, false, 0.875",
            "8, 8, false, false, 0.95",
            "8, 8, true, true, 0.9",
            "0, 8, false, true, 0.0",
            "0, 0, true, false, 1.0",
    })
    void qualityScore(int present, int expected, boolean hasId, boolean late, double score) {
        assertEquals(score, QualityScore.of(present, expected, hasId, late));
    }
}
