package io.clinicalpipeline.model.features;

import io.clinicalpipeline.model.clinical.News2;
import io.clinicalpipeline.model.clinical.Qsofa;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The one definition of the patient features: the catalog of what exists and how each value is computed
 * from a {@link PatientHistory} as of a moment, using only events at or before it. Streaming (online) and
 * batch (offline, point in time) call the same {@link #compute}.
 */
public final class FeatureCalculator {

    /** Bump when a definition changes meaning; stored with every feature row and in the catalog. */
    public static final int VERSION = 3;

    private static final long HOUR = 3_600_000L;
    private static final Map<String, Long> WINDOWS = orderedMap("1h", HOUR, "6h", 6 * HOUR, "24h", 24 * HOUR);
    /** Vitals, labs and medications older than this no longer count; NEWS2 carries values forward this long. */
    public static final long LOOKBACK = 24 * HOUR;
    private static final Map<String, String> VITAL_UNITS = orderedMap("heart_rate", "beats/min", "systolic_bp", "mmHg",
            "diastolic_bp", "mmHg", "mean_arterial_pressure", "mmHg", "respiratory_rate", "breaths/min", "spo2", "%",
            "temperature_c", "°C");
    /**
     * Windowed like the vitals, after the profile's columns (version 3 added it; tables gain columns last): the level
     * on ACVPU, 0 alert to 4 unresponsive. The latest value alone cannot tell new confusion, which NEWS2 scores 3 and
     * which comes with stroke or sepsis, from a delirium charted at every round; the window's minimum can.
     */
    private static final Map<String, String> LEVEL_UNITS = orderedMap(PatientHistory.CONSCIOUSNESS, "ACVPU level");
    private static final Map<String, String> LAB_UNITS = orderedMap("lactate", "mmol/L", "creatinine", "umol/L",
            "wbc", "10^9/L", "glucose", "mmol/L", "potassium", "mmol/L", "sodium", "mmol/L", "haemoglobin", "g/L");
    private static final List<String> FLAGGED_DRUG_CLASSES = List.of("vasopressor", "anticoagulant", "antibiotic", "fluid");
    private static final List<String> STATS = List.of("mean", "min", "max", "std", "last", "slope");
    private static final Map<String, String> STATIC = orderedMap("age", "INT", "gender", "STRING", "hypertension", "BOOLEAN",
            "heart_disease", "BOOLEAN", "ever_married", "STRING", "work_type", "STRING", "residence_type", "STRING",
            "avg_glucose_level", "DOUBLE", "bmi", "DOUBLE", "weight_kg", "DOUBLE", "smoking_status", "STRING", "ward", "STRING",
            "copd", "BOOLEAN", "anaemia", "BOOLEAN", "beta_blocker", "BOOLEAN", "spo2_scale", "INT");
    private static final String[] NEWS2_PARTS = {"respiration", "spo2", "air_or_oxygen", "systolic", "pulse",
            "consciousness", "temperature"};

    private static final List<FeatureDefinition> CATALOG = buildCatalog();
    private static final Map<String, FeatureDefinition> BY_NAME = CATALOG.stream()
            .collect(Collectors.toUnmodifiableMap(FeatureDefinition::name, d -> d));

    private FeatureCalculator() {}

    public static List<FeatureDefinition> catalog() {
        return CATALOG;
    }

    /** The features version 3 added, last in the catalog: the columns a feature table written by version 2 lacks. */
    public static List<FeatureDefinition> addedInVersion3() {
        return CATALOG.subList(CATALOG.size() - LEVEL_UNITS.size() * WINDOWS.size() * STATS.size(), CATALOG.size());
    }

    /** A feature's definition by name, or null for a column the catalog does not define. */
    public static FeatureDefinition definition(String name) {
        return BY_NAME.get(name);
    }

    /** Feature values by catalog name, in catalog order; null where the history has nothing to say. */
    public static Map<String, Object> compute(PatientHistory h, long asOf) {
        Map<String, Object> f = new LinkedHashMap<>();
        for (String vital : VITAL_UNITS.keySet()) {
            putWindows(f, h.signal(vital), vital, asOf);
        }
        Double rr = latest(h, "respiratory_rate", asOf);
        Double sbp = latest(h, "systolic_bp", asOf);
        Double oxygen = latest(h, PatientHistory.OXYGEN, asOf);
        Double consciousness = latest(h, PatientHistory.CONSCIOUSNESS, asOf);
        Map<String, Object> profile = h.profileAt(asOf);
        String acvpu = consciousness == null ? null : String.valueOf(PatientHistory.ACVPU.charAt(consciousness.intValue()));
        News2.Score news2 = News2.score(rr, latest(h, "spo2", asOf), oxygen == null ? null : oxygen == 1,
                sbp, latest(h, "heart_rate", asOf), acvpu, latest(h, "temperature_c", asOf), spo2Scale(profile));
        f.put("news2_total", news2.total());
        Integer[] parts = {news2.respiration(), news2.spo2(), news2.airOrOxygen(), news2.systolic(), news2.pulse(),
                news2.consciousness(), news2.temperature()};
        for (int i = 0; i < parts.length; i++) {
            f.put("news2_" + NEWS2_PARTS[i], parts[i]);
        }
        f.put("news2_complete", news2.complete());
        f.put("news2_risk", news2.risk().name());
        Qsofa.Score qsofa = Qsofa.score(rr, sbp, acvpu);
        f.put("qsofa_total", qsofa.total());
        f.put("qsofa_positive", qsofa.positive());
        f.put("shock_index_last", latest(h, PatientHistory.SHOCK_INDEX, asOf));
        Signal observed = h.signal(PatientHistory.OBSERVED);
        int lastObservation = observed == null ? -1 : observed.lastAtOrBefore(asOf);
        f.put("minutes_since_last_vitals", lastObservation < 0 ? null : (asOf - observed.time(lastObservation)) / 60_000.0);
        f.put("observations_24h", observed == null ? 0 : observed.stats(asOf - LOOKBACK + 1, asOf).count());
        for (String lab : LAB_UNITS.keySet()) {
            Signal s = h.lab(lab);
            WindowStats st = s == null ? null : s.stats(asOf - LOOKBACK + 1, asOf);
            Double latest = st == null ? null : st.last();
            f.put(lab + "_latest", latest);
            f.put(lab + "_change_24h", st == null || st.count() < 2 ? null : latest - firstValue(s, asOf));
        }
        List<String> medications = h.medicationsBetween(asOf - LOOKBACK, asOf);
        f.put("medications_24h", medications.size());
        for (String drugClass : FLAGGED_DRUG_CLASSES) {
            f.put(drugClass + "_24h", medications.contains(drugClass));
        }
        for (String attribute : STATIC.keySet()) {
            f.put(attribute, profile.get(attribute));
        }
        for (String level : LEVEL_UNITS.keySet()) {
            putWindows(f, h.signal(level), level, asOf);
        }
        return f;
    }

    /** The window statistics of one signal, {@code <signal>_<window>_<stat>}, in catalog order. */
    private static void putWindows(Map<String, Object> f, Signal s, String signal, long asOf) {
        for (Map.Entry<String, Long> w : WINDOWS.entrySet()) {
            WindowStats st = s == null ? WindowStats.EMPTY : s.stats(asOf - w.getValue() + 1, asOf);
            String p = signal + "_" + w.getKey() + "_";
            f.put(p + "mean", st.mean());
            f.put(p + "min", st.min());
            f.put(p + "max", st.max());
            f.put(p + "std", st.std());
            f.put(p + "last", st.last());
            f.put(p + "slope", st.slopePerHour());
        }
    }

    /** Scale 2 only where the profile in force prescribes it (an 88-92% target); scale 1 otherwise, as RCP asks. */
    private static News2.SpO2Scale spo2Scale(Map<String, Object> profile) {
        return profile.get("spo2_scale") instanceof Number n && n.intValue() == 2 ? News2.SpO2Scale.SCALE_2
                : News2.SpO2Scale.SCALE_1;
    }

    /** The last value at or before {@code asOf} and within the look-back, or null. */
    private static Double latest(PatientHistory h, String signal, long asOf) {
        Signal s = h.signal(signal);
        int i = s == null ? -1 : s.lastAtOrBefore(asOf);
        return i < 0 || s.time(i) <= asOf - LOOKBACK ? null : s.value(i);
    }

    private static double firstValue(Signal s, long asOf) {
        int i = 0;
        while (s.time(i) <= asOf - LOOKBACK) {
            i++;
        }
        return s.value(i);
    }

    private static List<FeatureDefinition> buildCatalog() {
        List<FeatureDefinition> c = new ArrayList<>();
        VITAL_UNITS.forEach((vital, unit) -> addWindows(c, vital, unit));
        c.add(def("news2_total", "INT", "", "24h", "NEWS2 total (RCP 2017) from each parameter's latest value in 24 h, on the "
                + "SpO2 scale the profile prescribes (spo2_scale 2: an 88-92% target; else scale 1)", "NEWS2"));
        for (String part : NEWS2_PARTS) {
            c.add(def("news2_" + part, "INT", "", "24h", "NEWS2 sub-score for " + part.replace('_', ' ')
                    + " (null if not measured in 24 h)", "NEWS2 " + words(part) + " score"));
        }
        c.add(def("news2_complete", "BOOLEAN", "", "24h", "all seven NEWS2 parameters were measured in the last 24 h",
                "NEWS2 complete"));
        c.add(def("news2_risk", "STRING", "", "24h", "NEWS2 clinical risk: LOW, LOW_MEDIUM (a single 3), MEDIUM (5-6), HIGH (7+)",
                "NEWS2 risk"));
        c.add(def("qsofa_total", "INT", "", "24h", "qSOFA: RR >= 22, SBP <= 100, altered mentation (not Alert)", "qSOFA"));
        c.add(def("qsofa_positive", "BOOLEAN", "", "24h", "qSOFA of 2 or more", "qSOFA positive"));
        c.add(def("shock_index_last", "DOUBLE", "", "24h", "latest heart rate / systolic blood pressure", "shock index"));
        c.add(def("minutes_since_last_vitals", "DOUBLE", "min", "latest", "time since the latest set of vitals",
                "time since the last vitals"));
        c.add(def("observations_24h", "INT", "sets", "24h", "sets of vitals recorded in 24 h (charted and monitor readings)",
                "vital-sign sets in 24 h"));
        for (Map.Entry<String, String> lab : LAB_UNITS.entrySet()) {
            c.add(def(lab.getKey() + "_latest", "DOUBLE", lab.getValue(), "24h", "latest " + lab.getKey() + " in 24 h",
                    words(lab.getKey()) + ", latest in 24 h"));
            c.add(def(lab.getKey() + "_change_24h", "DOUBLE", lab.getValue(), "24h",
                    "latest minus earliest " + lab.getKey() + " in 24 h (null with fewer than two results)",
                    words(lab.getKey()) + ", change in 24 h"));
        }
        c.add(def("medications_24h", "INT", "administrations", "24h", "medication administrations in 24 h",
                "medications given in 24 h"));
        for (String drugClass : FLAGGED_DRUG_CLASSES) {
            c.add(def(drugClass + "_24h", "BOOLEAN", "", "24h", "a " + drugClass + " was given in 24 h",
                    drugClass + " given in 24 h"));
        }
        for (Map.Entry<String, String> attribute : STATIC.entrySet()) {
            c.add(def(attribute.getKey(), attribute.getValue(), staticUnit(attribute.getKey()), "static",
                    attribute.getKey().replace('_', ' ') + " from the profile in force", words(attribute.getKey())));
        }
        LEVEL_UNITS.forEach((level, unit) -> addWindows(c, level, unit));
        return Collections.unmodifiableList(c);
    }

    private static void addWindows(List<FeatureDefinition> c, String signal, String signalUnit) {
        for (String window : WINDOWS.keySet()) {
            for (String stat : STATS) {
                String unit = stat.equals("slope") ? signalUnit + " per hour" : signalUnit;
                c.add(def(signal + "_" + window + "_" + stat, "DOUBLE", unit, window,
                        statDescription(stat) + " of " + signal.replace('_', ' ') + " over the last " + window,
                        words(signal) + ", " + statWords(stat) + " " + window.replace("h", " h")));
            }
        }
    }

    /** A signal's or attribute's name as a clinician says it. */
    private static String words(String signal) {
        return switch (signal) {
            case "spo2" -> "SpO2";
            case "spo2_scale" -> "SpO2 scale";
            case "copd" -> "COPD";
            case "bmi" -> "BMI";
            case "avg_glucose_level" -> "average glucose";
            case "weight_kg" -> "weight";
            case "temperature_c" -> "temperature";
            case "systolic_bp", "systolic" -> "systolic blood pressure";
            case "diastolic_bp" -> "diastolic blood pressure";
            case "pulse" -> "heart rate";
            case "wbc" -> "white cell count";
            default -> signal.replace('_', ' ');
        };
    }

    private static String statWords(String stat) {
        return switch (stat) {
            case "mean" -> "mean over";
            case "min" -> "lowest in";
            case "max" -> "highest in";
            case "std" -> "variability over";
            case "last" -> "latest in";
            default -> "trend over";
        };
    }

    private static String statDescription(String stat) {
        switch (stat) {
            case "std":
                return "sample standard deviation";
            case "last":
                return "latest value";
            case "slope":
                return "least-squares trend";
            default:
                return stat;
        }
    }

    private static String staticUnit(String attribute) {
        switch (attribute) {
            case "age":
                return "years";
            case "avg_glucose_level":
                return "mg/dL";
            case "bmi":
                return "kg/m2";
            case "weight_kg":
                return "kg";
            default:
                return "";
        }
    }

    private static FeatureDefinition def(String name, String type, String unit, String window, String description,
                                         String label) {
        return new FeatureDefinition(name, type, unit, window, description, label, VERSION);
    }

    @SuppressWarnings("unchecked")
    private static <V> Map<String, V> orderedMap(Object... keysAndValues) {
        Map<String, V> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], (V) keysAndValues[i + 1]);
        }
        return Collections.unmodifiableMap(m);
    }
}
