package io.clinicalpipeline.interop;

import java.util.Map;

/** A plausible value for every mapped code in each of its units, for tests that walk the whole code mapping. */
final class TypicalValues {

    private static final Map<String, Double> BY_UNIT = Map.ofEntries(
            Map.entry("heart_rate", 80.0), Map.entry("respiratory_rate", 18.0), Map.entry("spo2", 96.0),
            Map.entry("temperature Cel", 37.2), Map.entry("temperature [degF]", 99.0), Map.entry("systolic_bp", 121.0),
            Map.entry("diastolic_bp", 79.0), Map.entry("supplemental_oxygen", 28.0),
            Map.entry("lactate mmol/L", 1.6), Map.entry("lactate mg/dL", 14.4), Map.entry("creatinine mg/dL", 1.1),
            Map.entry("creatinine umol/L", 92.0), Map.entry("wbc 10*3/uL", 7.4), Map.entry("wbc 10*9/L", 7.4),
            Map.entry("glucose mg/dL", 104.0), Map.entry("glucose mmol/L", 5.8), Map.entry("potassium mmol/L", 4.1),
            Map.entry("potassium meq/L", 4.1), Map.entry("sodium mmol/L", 139.0), Map.entry("sodium meq/L", 139.0),
            Map.entry("haemoglobin g/dL", 13.1), Map.entry("haemoglobin g/L", 131.0));

    private TypicalValues() {}

    static double of(CodeMapping.Code code, String ucum) {
        String name = code.field() != null ? code.field() : code.test();
        Double v = BY_UNIT.getOrDefault(name + " " + ucum, BY_UNIT.get(name));
        if (v == null) {
            throw new AssertionError("no typical value for " + name + " in " + ucum + ": add one");
        }
        return v;
    }
}
