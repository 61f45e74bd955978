package io.clinicalpipeline.model.features;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class FeatureCalculatorTest {

    private static final long MIN = 60_000L;
    private static final long T = 1_767_657_600_000L; // 2026-01-06T00:00Z, the as-of time in most tests

    private static Map<String, Double> vitals(double hr, double sbp, double dbp, double rr, double spo2, double temp) {
        Map<String, Double> m = new HashMap<>();
        m.put("heart_rate", hr);
        m.put("systolic_bp", sbp);
        m.put("diastolic_bp", dbp);
        m.put("mean_arterial_pressure", dbp + (sbp - dbp) / 3);
        m.put("respiratory_rate", rr);
        m.put("spo2", spo2);
        m.put("temperature_c", temp);
        return m;
    }

    @Test
    void computedFeaturesAreExactlyTheCatalogInItsOrder() {
        List<String> names = new ArrayList<>();
        FeatureCalculator.catalog().forEach(d -> names.add(d.name()));
        assertEquals(names.size(), new HashSet<>(names).size(), "feature names must be unique");
        assertEquals(names, new ArrayList<>(FeatureCalculator.compute(new PatientHistory(), T).keySet()));
        // 7 vitals x 3 windows x 6 statistics, 15 NEWS2/qSOFA/shock/recency/frequency, 14 labs, 5 medication, 16 static,
        // then version 3's consciousness windows.
        assertEquals(126 + 15 + 14 + 5 + 16 + 18, names.size());
        assertEquals(names.subList(names.size() - 18, names.size()),
                FeatureCalculator.addedInVersion3().stream().map(FeatureDefinition::name).toList());
        FeatureCalculator.catalog().forEach(d -> assertEquals(FeatureCalculator.VERSION, d.version()));
    }

    /** NEWS2's SpO2 scale follows the profile in force: scale 2 only for a patient prescribed an 88-92% target. */
    @Test
    void news2ScoresSpo2OnTheScaleTheProfilePrescribes() {
        PatientHistory h = new PatientHistory();
        h.addVitals(T - 10 * MIN, vitals(80, 120, 80, 16, 89, 36.8), false, "A", 0.67);
        assertEquals(3, FeatureCalculator.compute(h, T).get("news2_spo2"), "no profile: scale 1, 89% on air scores 3");
        h.addProfile(T - 60 * MIN, Map.of("age", 70, "copd", true, "spo2_scale", 2));
        Map<String, Object> f = FeatureCalculator.compute(h, T);
        assertEquals(0, f.get("news2_spo2"), "scale 2: 89% is on target");
        assertEquals(0, f.get("news2_total"));
        assertEquals(2, f.get("spo2_scale"));
        h.addProfile(T - 30 * MIN, Map.of("age", 70, "copd", true, "spo2_scale", 1));
        assertEquals(3, FeatureCalculator.compute(h, T).get("news2_spo2"), "the newer profile in force is scale 1 again");
        assertEquals(1, FeatureCalculator.compute(h, T).get("observations_24h"));
    }

    @Test
    void windowsSummariseOnlyTheirOwnSpan() {
        PatientHistory h = new PatientHistory();
        h.addVitals(T - 300 * MIN, vitals(60, 120, 80, 16, 97, 36.8), false, "A", 0.5);
        h.addVitals(T - 50 * MIN, vitals(80, 120, 80, 16, 97, 36.8), false, "A", 0.67);
        h.addVitals(T - 20 * MIN, vitals(100, 120, 80, 16, 97, 36.8), false, "A", 0.83);
        Map<String, Object> f = FeatureCalculator.compute(h, T);
        assertEquals(90.0, f.get("heart_rate_1h_mean"));
        assertEquals(80.0, f.get("heart_rate_6h_mean"));
        assertEquals(60.0, f.get("heart_rate_24h_min"));
        assertEquals(100.0, f.get("heart_rate_1h_last"));
        assertEquals(40.0, (Double) f.get("heart_rate_1h_slope"), 1e-9); // +20 in 30 minutes
        assertEquals(0.83, f.get("shock_index_last"));
        assertEquals(20.0, f.get("minutes_since_last_vitals"));
    }

    @Test
    void laterEventsNeverLeakIntoEarlierFeatures() {
        PatientHistory h = new PatientHistory();
        h.addVitals(T - 30 * MIN, vitals(80, 120, 80, 16, 97, 36.8), false, "A", 0.67);
        Map<String, Object> before = FeatureCalculator.compute(h, T);
        // Arrives late but happened after the as-of time: it must not change features as of T.
        h.addVitals(T + MIN, vitals(150, 80, 50, 30, 85, 39.5), true, "U", 1.9);
        h.addLab(T + MIN, "lactate", 6.0);
        h.addMedication(T + MIN, "vasopressor");
        assertEquals(before, FeatureCalculator.compute(h, T));
        assertNotEquals(before, FeatureCalculator.compute(h, T + MIN));
    }

    @Test
    void news2UsesEachParametersLatestValue() {
        PatientHistory h = new PatientHistory();
        h.addVitals(T - 120 * MIN, vitals(72, 125, 80, 16, 97, 36.8), false, "A", 0.58);
        // RR 26 (3), SpO2 92 (2), oxygen (2), SBP 98 (2), HR 118 (2), confusion (3), 38.6 C (1) = 15
        h.addVitals(T - 10 * MIN, vitals(118, 98, 60, 26, 92, 38.6), true, "C", 1.2);
        Map<String, Object> f = FeatureCalculator.compute(h, T);
        assertEquals(15, f.get("news2_total"));
        assertEquals(3, f.get("news2_consciousness"));
        assertEquals(true, f.get("news2_complete"));
        assertEquals("HIGH", f.get("news2_risk"));
        assertEquals(3, f.get("qsofa_total"));
        assertEquals(true, f.get("qsofa_positive"));
    }

    @Test
    void consciousnessWindowsTellNewConfusionFromConfusionAllDay() {
        PatientHistory stroke = new PatientHistory();
        stroke.addVitals(T - 300 * MIN, vitals(80, 130, 80, 16, 97, 36.8), false, "A", 0.62);
        stroke.addVitals(T - 10 * MIN, vitals(80, 170, 90, 16, 97, 36.8), false, "C", 0.47);
        PatientHistory delirium = new PatientHistory();
        delirium.addVitals(T - 300 * MIN, vitals(80, 130, 80, 16, 97, 36.8), false, "C", 0.62);
        delirium.addVitals(T - 10 * MIN, vitals(80, 130, 80, 16, 97, 36.8), false, "C", 0.62);
        Map<String, Object> now = FeatureCalculator.compute(stroke, T);
        Map<String, Object> always = FeatureCalculator.compute(delirium, T);
        assertEquals(3, now.get("news2_consciousness"));
        assertEquals(now.get("news2_consciousness"), always.get("news2_consciousness"), "NEWS2 scores both the same");
        assertEquals(0.0, now.get("consciousness_24h_min"), "alert earlier today: the confusion is new");
        assertEquals(1.0, always.get("consciousness_24h_min"));
        assertEquals(1.0, now.get("consciousness_1h_last"));
        assertEquals(0.0, (Double) always.get("consciousness_6h_slope"), 1e-12);
    }

    @Test
    void valuesOlderThanADayNoLongerCount() {
        PatientHistory h = new PatientHistory();
        h.addVitals(T - 25 * 60 * MIN, vitals(118, 98, 60, 26, 92, 38.6), true, "C", 1.2);
        Map<String, Object> f = FeatureCalculator.compute(h, T);
        assertEquals(0, f.get("news2_total"));
        assertEquals(false, f.get("news2_complete"));
        assertNull(f.get("heart_rate_24h_mean"));
    }

    @Test
    void labsGiveTheirLatestValueAndDailyChange() {
        PatientHistory h = new PatientHistory();
        h.addLab(T - 30 * 60 * MIN, "lactate", 0.8);
        h.addLab(T - 20 * 60 * MIN, "lactate", 1.0);
        h.addLab(T - 60 * MIN, "lactate", 3.5);
        h.addLab(T - 60 * MIN, "creatinine", 90);
        Map<String, Object> f = FeatureCalculator.compute(h, T);
        assertEquals(3.5, f.get("lactate_latest"));
        assertEquals(2.5, f.get("lactate_change_24h"));
        assertEquals(90.0, f.get("creatinine_latest"));
        assertNull(f.get("creatinine_change_24h"));
        assertNull(f.get("wbc_latest"));
    }

    @Test
    void medicationsCountAndFlagTheirClassesForADay() {
        PatientHistory h = new PatientHistory();
        h.addMedication(T - 25 * 60 * MIN, "antibiotic");
        h.addMedication(T - 2 * 60 * MIN, "vasopressor");
        h.addMedication(T - 60 * MIN, "analgesic");
        Map<String, Object> f = FeatureCalculator.compute(h, T);
        assertEquals(2, f.get("medications_24h"));
        assertEquals(true, f.get("vasopressor_24h"));
        assertEquals(false, f.get("antibiotic_24h"));
        assertEquals(false, f.get("anticoagulant_24h"));
    }

    @Test
    void theProfileInForceAtTheMomentIsUsed() {
        PatientHistory h = new PatientHistory();
        h.addProfile(T - 48 * 60 * MIN, Map.of("age", 60, "smoking_status", "smokes"));
        h.addProfile(T + 60 * MIN, Map.of("age", 61, "smoking_status", "formerly smoked"));
        assertEquals(60, FeatureCalculator.compute(h, T).get("age"));
        assertEquals("formerly smoked", FeatureCalculator.compute(h, T + 60 * MIN).get("smoking_status"));
        assertNull(FeatureCalculator.compute(h, T - 49 * 60 * MIN).get("age"));
    }

    @Test
    void evictingWhatIsOlderThanTheLookBackChangesNothing() {
        PatientHistory h = new PatientHistory();
        for (int i = 0; i < 60; i++) {
            long t = T - (48 * 60 - i * 48) * MIN;
            h.addVitals(t, vitals(70 + i % 7, 120, 80, 16, 97, 36.8), false, "A", 0.6);
            h.addLab(t, "lactate", 1 + i / 100.0);
            h.addMedication(t, i % 2 == 0 ? "antibiotic" : "analgesic");
        }
        h.addProfile(T - 72 * 60 * MIN, Map.of("age", 70));
        Map<String, Object> before = FeatureCalculator.compute(h, T);
        h.evictBefore(T - FeatureCalculator.LOOKBACK);
        assertEquals(before, FeatureCalculator.compute(h, T));
    }
}
