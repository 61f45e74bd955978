package io.clinicalpipeline.model.clinical;

import io.clinicalpipeline.model.clinical.News2.Risk;
import io.clinicalpipeline.model.clinical.News2.SpO2Scale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every band edge of the RCP 2017 NEWS2 chart, from both sides. */
class News2Test {

    @ParameterizedTest(name = "RR {0} -> {1}")
    @CsvSource({"0, 3", "8, 3", "9, 1", "11, 1", "12, 0", "20, 0", "21, 2", "24, 2", "25, 3", "60, 3",
            "8.4, 3", "8.5, 1", "20.49, 0", "20.5, 2"})
    void respiration(double value, int score) {
        assertEquals(score, News2.respiration(value));
    }

    @ParameterizedTest(name = "SpO2 {0} (scale 1) -> {1}")
    @CsvSource({"70, 3", "91, 3", "92, 2", "93, 2", "94, 1", "95, 1", "96, 0", "100, 0", "95.5, 0", "91.4, 3"})
    void spo2Scale1(double value, int score) {
        assertEquals(score, News2.spo2Scale1(value));
    }

    @ParameterizedTest(name = "SpO2 {0} on oxygen {1} (scale 2) -> {2}")
    @CsvSource({"83, false, 3", "83, true, 3", "84, true, 2", "85, false, 2", "86, true, 1", "87, false, 1",
            "88, true, 0", "92, true, 0", "93, false, 0", "99, false, 0",
            "93, true, 1", "94, true, 1", "95, true, 2", "96, true, 2", "97, true, 3", "100, true, 3"})
    void spo2Scale2(double value, boolean oxygen, int score) {
        assertEquals(score, News2.spo2Scale2(value, oxygen));
    }

    @ParameterizedTest(name = "SBP {0} -> {1}")
    @CsvSource({"60, 3", "90, 3", "91, 2", "100, 2", "101, 1", "110, 1", "111, 0", "219, 0", "220, 3", "260, 3"})
    void systolic(double value, int score) {
        assertEquals(score, News2.systolic(value));
    }

    @ParameterizedTest(name = "pulse {0} -> {1}")
    @CsvSource({"30, 3", "40, 3", "41, 1", "50, 1", "51, 0", "90, 0", "91, 1", "110, 1", "111, 2", "130, 2",
            "131, 3", "180, 3", "90.4, 0", "90.5, 1"})
    void pulse(double value, int score) {
        assertEquals(score, News2.pulse(value));
    }

    @ParameterizedTest(name = "temperature {0} -> {1}")
    @CsvSource({"33.0, 3", "35.0, 3", "35.1, 1", "36.0, 1", "36.1, 0", "38.0, 0", "38.1, 1", "39.0, 1",
            "39.1, 2", "41.0, 2", "35.04, 3", "35.05, 1", "38.04, 0"})
    void temperature(double value, int score) {
        assertEquals(score, News2.temperature(value));
    }

    @ParameterizedTest(name = "ACVPU {0} -> {1}")
    @CsvSource({"A, 0", "a, 0", "C, 3", "V, 3", "P, 3", "U, 3"})
    void consciousness(String value, int score) {
        assertEquals(score, News2.consciousness(value));
    }

    @Test
    void unknownConsciousnessCodeIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> News2.consciousness("X"));
    }

    @ParameterizedTest(name = "total {0}, a 3: {1} -> {2}")
    @CsvSource({"0, false, LOW", "4, false, LOW", "3, true, LOW_MEDIUM", "4, true, LOW_MEDIUM",
            "5, false, MEDIUM", "6, true, MEDIUM", "7, false, HIGH", "20, true, HIGH"})
    void riskBands(int total, boolean anyThree, Risk risk) {
        assertEquals(risk, News2.risk(total, anyThree));
    }

    @Test
    void healthyAdultScoresZero() {
        News2.Score s = News2.score(16.0, 97.0, false, 125.0, 72.0, "A", 36.8, SpO2Scale.SCALE_1);
        assertEquals(0, s.total());
        assertTrue(s.complete());
        assertEquals(Risk.LOW, s.risk());
    }

    @Test
    void deterioratingPatientAddsUpEveryParameter() {
        // RR 26 (3) + SpO2 92 (2) + oxygen (2) + SBP 98 (2) + HR 118 (2) + new confusion (3) + 38.6 C (1)
        News2.Score s = News2.score(26.0, 92.0, true, 98.0, 118.0, "C", 38.6, SpO2Scale.SCALE_1);
        assertEquals(3, s.respiration());
        assertEquals(2, s.spo2());
        assertEquals(2, s.airOrOxygen());
        assertEquals(2, s.systolic());
        assertEquals(2, s.pulse());
        assertEquals(3, s.consciousness());
        assertEquals(1, s.temperature());
        assertEquals(15, s.total());
        assertEquals(Risk.HIGH, s.risk());
    }

    @Test
    void singleRedParameterIsLowMedium() {
        News2.Score s = News2.score(16.0, 97.0, false, 125.0, 72.0, "V", 36.8, SpO2Scale.SCALE_1);
        assertEquals(3, s.total());
        assertEquals(Risk.LOW_MEDIUM, s.risk());
    }

    @Test
    void missingParametersScoreNothingAndMarkTheScoreIncomplete() {
        News2.Score s = News2.score(null, 90.0, null, 125.0, null, "A", null, SpO2Scale.SCALE_1);
        assertNull(s.respiration());
        assertEquals(3, s.spo2());
        assertEquals(3, s.total());
        assertFalse(s.complete());
    }

    @Test
    void scale2NeedsToKnowAboutOxygen() {
        assertNull(News2.score(16.0, 95.0, null, 125.0, 72.0, "A", 36.8, SpO2Scale.SCALE_2).spo2());
        assertEquals(2, News2.score(16.0, 95.0, true, 125.0, 72.0, "A", 36.8, SpO2Scale.SCALE_2).spo2());
        assertEquals(0, News2.score(16.0, 95.0, false, 125.0, 72.0, "A", 36.8, SpO2Scale.SCALE_2).spo2());
    }
}
