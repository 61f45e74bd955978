package io.clinicalpipeline.silver;

import io.clinicalpipeline.events.EventKind;
import org.apache.flink.types.Row;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

class SilverRulesTest {

    private static final long RECEIVED = Instant.parse("2026-01-05T10:00:05Z").toEpochMilli();
    private static final String VITALS = "{\"event_id\":\"e1\",\"patient_id\":\"P1\",\"device_id\":\"monitor-1\","
            + "\"event_time\":\"2026-01-05T10:00:00Z\",\"heart_rate\":88,\"systolic_bp\":120,\"diastolic_bp\":80,"
            + "\"respiratory_rate\":16,\"spo2\":97,\"temperature\":98.6,\"temperature_unit\":\"F\","
            + "\"supplemental_oxygen\":false,\"consciousness\":\"A\"}";

    private final SilverRules rules = new SilverRules();

    private ParseOutcome apply(EventKind kind, String json) {
        return rules.apply(kind, json.getBytes(StandardCharsets.UTF_8), RECEIVED);
    }

    @Test
    void cleanVitalsAreStandardisedAndDerived() {
        Row row = assertInstanceOf(ParseOutcome.Valid.class, apply(EventKind.VITALS, VITALS)).row();
        assertEquals("P1", row.getField("patient_id"));
        assertEquals("monitor-1", row.getField("source_id"));
        assertEquals(LocalDateTime.parse("2026-01-05T10:00"), row.getField("event_time"));
        assertEquals("2026-01-05", row.getField("dt"));
        assertEquals(37.0, row.getField("temperature_c"));
        assertEquals("F", row.getField("source_temperature_unit"));
        assertEquals(40.0, row.getField("pulse_pressure"));
        assertEquals(93.333, row.getField("mean_arterial_pressure"));
        assertEquals(0.733, row.getField("shock_index"));
        assertEquals(1.0, row.getField("quality_score"));
    }

    static Stream<Arguments> deadLetters() {
        return Stream.of(
                Arguments.of("", "EMPTY_PAYLOAD"),
                Arguments.of(VITALS.substring(0, VITALS.length() / 2), "MALFORMED_JSON"),
                Arguments.of("<<not json: device buffer overflow>>", "MALFORMED_JSON"),
                Arguments.of(VITALS + " trailing", "MALFORMED_JSON"),
                Arguments.of("[" + VITALS + "]", "NOT_AN_OBJECT"),
                Arguments.of("42", "NOT_AN_OBJECT"),
                Arguments.of(VITALS.replace("\"P1\"", "12345"), "WRONG_TYPE"),
                Arguments.of(VITALS.replace("\"2026-01-05T10:00:00Z\"", "true"), "WRONG_TYPE"),
                Arguments.of(VITALS.replace("2026-01-05T10:00:00Z", "yesterday around noon"), "BAD_TIMESTAMP"),
                Arguments.of(VITALS.replace("\"heart_rate\":88", "\"heart_rate\":\"fast\""), "WRONG_TYPE"),
                Arguments.of(VITALS.replace("\"supplemental_oxygen\":false", "\"supplemental_oxygen\":\"no\""), "WRONG_TYPE"),
                Arguments.of(VITALS.replace("\"patient_id\":\"P1\",", ""), "MISSING_FIELD"),
                Arguments.of(VITALS.replace("\"device_id\":\"monitor-1\",", ""), "MISSING_FIELD"),
                Arguments.of(VITALS.replace("\"event_time\":\"2026-01-05T10:00:00Z\",", ""), "MISSING_FIELD"),
                Arguments.of(VITALS.replace("\"temperature_unit\":\"F\",", ""), "MISSING_FIELD"),
                Arguments.of(VITALS.replace("\"F\"", "\"K\""), "UNKNOWN_UNIT"));
    }

    @ParameterizedTest
    @MethodSource("deadLetters")
    void unusableRecordsAreDeadLettered(String payload, String code) {
        assertEquals(code, assertInstanceOf(ParseOutcome.DeadLettered.class, apply(EventKind.VITALS, payload)).errorCode());
    }

    @Test
    void invalidUtf8IsDeadLettered() {
        byte[] bytes = VITALS.getBytes(StandardCharsets.UTF_8);
        bytes[bytes.length / 2] = (byte) 0x80;
        assertEquals("MALFORMED_JSON", assertInstanceOf(ParseOutcome.DeadLettered.class,
                rules.apply(EventKind.VITALS, bytes, RECEIVED)).errorCode());
    }

    static Stream<Arguments> quarantined() {
        return Stream.of(
                Arguments.of(EventKind.VITALS, VITALS.replace("\"heart_rate\":88", "\"heart_rate\":420"), "HEART_RATE_OUT_OF_RANGE"),
                Arguments.of(EventKind.VITALS, VITALS.replace("\"heart_rate\":88", "\"heart_rate\":19.9"), "HEART_RATE_OUT_OF_RANGE"),
                Arguments.of(EventKind.VITALS, VITALS.replace("\"systolic_bp\":120", "\"systolic_bp\":410"), "SYSTOLIC_BP_OUT_OF_RANGE"),
                Arguments.of(EventKind.VITALS, VITALS.replace("\"spo2\":97", "\"spo2\":140"), "SPO2_OUT_OF_RANGE"),
                Arguments.of(EventKind.VITALS, VITALS.replace("\"respiratory_rate\":16", "\"respiratory_rate\":150"), "RESPIRATORY_RATE_OUT_OF_RANGE"),
                Arguments.of(EventKind.VITALS, VITALS.replace("\"temperature\":98.6,\"temperature_unit\":\"F\"",
                        "\"temperature\":55.0,\"temperature_unit\":\"C\""), "TEMPERATURE_C_OUT_OF_RANGE"),
                // 131 F is 55 C: the range applies after conversion.
                Arguments.of(EventKind.VITALS, VITALS.replace("98.6", "131"), "TEMPERATURE_C_OUT_OF_RANGE"),
                Arguments.of(EventKind.VITALS, VITALS.replace("\"diastolic_bp\":80", "\"diastolic_bp\":120"), "DIASTOLIC_NOT_BELOW_SYSTOLIC"),
                Arguments.of(EventKind.VITALS, VITALS.replace("\"consciousness\":\"A\"", "\"consciousness\":\"X\""), "INVALID_CODE"),
                Arguments.of(EventKind.VITALS, VITALS.replace("2026-01-05T10:00:00Z", "2026-01-07T10:00:00Z"), "EVENT_TIME_IN_FUTURE"),
                Arguments.of(EventKind.MEDICATIONS, medication("\"dose\":-5.0,\"dose_unit\":\"mg\""), "DOSE_OUT_OF_RANGE"),
                Arguments.of(EventKind.LABS, lab("lactate", "-1", "mmol/L"), "LACTATE_OUT_OF_RANGE"),
                Arguments.of(EventKind.LABS, lab("troponin", "0.1", "ng/mL"), "UNKNOWN_LAB_TEST"),
                Arguments.of(EventKind.PATIENTS, profile("\"age\":160"), "AGE_OUT_OF_RANGE"),
                Arguments.of(EventKind.ADVERSE_EVENTS, adverse("\"severity\":\"catastrophic\""), "INVALID_CODE"));
    }

    @ParameterizedTest
    @MethodSource("quarantined")
    void impossibleValuesAreQuarantinedWithTheirIdentity(EventKind kind, String payload, String reason) {
        ParseOutcome.Quarantined q = assertInstanceOf(ParseOutcome.Quarantined.class, apply(kind, payload));
        assertEquals(reason, q.reasonCode());
        assertEquals("P1", q.patientId());
    }

    static Stream<Arguments> labUnits() {
        return Stream.of(
                Arguments.of("lactate", "18.016", "mg/dL", 2.0, "mmol/L"),
                Arguments.of("lactate", "2.0", "mmol/L", 2.0, "mmol/L"),
                Arguments.of("creatinine", "1.0", "mg/dL", 88.42, "umol/L"),
                Arguments.of("glucose", "180.16", "mg/dL", 10.0, "mmol/L"),
                Arguments.of("wbc", "12.5", "10^3/uL", 12.5, "10^9/L"),
                Arguments.of("potassium", "4.1", "mEq/L", 4.1, "mmol/L"));
    }

    @ParameterizedTest
    @MethodSource("labUnits")
    void labsAreConvertedToCanonicalUnits(String test, String value, String unit, double expected, String canonical) {
        Row row = assertInstanceOf(ParseOutcome.Valid.class, apply(EventKind.LABS, lab(test, value, unit))).row();
        assertEquals(expected, (Double) row.getField("value"), 1e-9);
        assertEquals(canonical, row.getField("unit"));
        assertEquals(Double.parseDouble(value), row.getField("source_value"));
        assertEquals(unit, row.getField("source_unit"));
    }

    @Test
    void profileWeightInPoundsAndGlucoseInMmolAreStandardised() {
        Row row = assertInstanceOf(ParseOutcome.Valid.class, apply(EventKind.PATIENTS,
                profile("\"age\":67,\"hypertension\":1,\"heart_disease\":false,\"weight\":220.5,\"weight_unit\":\"lb\","
                        + "\"avg_glucose_level\":5.5,\"glucose_unit\":\"mmol/L\""))).row();
        assertEquals(67, row.getField("age"));
        assertEquals(true, row.getField("hypertension"));
        assertEquals(false, row.getField("heart_disease"));
        assertEquals(100.017, row.getField("weight_kg"));
        assertEquals(99.088, row.getField("avg_glucose_level"));
    }

    @Test
    void missingOptionalMeasurementLowersQualityButKeepsTheRecord() {
        Row row = assertInstanceOf(ParseOutcome.Valid.class,
                apply(EventKind.VITALS, VITALS.replace("\"heart_rate\":88,", ""))).row();
        assertNull(row.getField("heart_rate"));
        assertNull(row.getField("shock_index"));
        assertEquals(0.875, row.getField("quality_score"));
    }

    @Test
    void lateArrivalLowersQuality() {
        long twoHoursLater = RECEIVED + 2 * 3600_000L;
        Row row = assertInstanceOf(ParseOutcome.Valid.class,
                rules.apply(EventKind.VITALS, VITALS.getBytes(StandardCharsets.UTF_8), twoHoursLater)).row();
        assertEquals(0.9, row.getField("quality_score"));
    }

    @Test
    void medicationWithoutDoseNeedsNoDoseUnit() {
        Row row = assertInstanceOf(ParseOutcome.Valid.class, apply(EventKind.MEDICATIONS, medication("\"route\":\"IV\""))).row();
        assertEquals("heparin", row.getField("drug"));
        assertNull(row.getField("dose"));
    }

    private static String medication(String extra) {
        return "{\"patient_id\":\"P1\",\"source_id\":\"emar\",\"event_time\":\"2026-01-05T10:00:00Z\",\"drug\":\"Heparin\","
                + "\"drug_class\":\"anticoagulant\"," + extra + "}";
    }

    private static String lab(String test, String value, String unit) {
        return "{\"patient_id\":\"P1\",\"source_id\":\"lis\",\"event_time\":\"2026-01-05T10:00:00Z\",\"test\":\"" + test
                + "\",\"value\":" + value + ",\"unit\":\"" + unit + "\"}";
    }

    private static String profile(String extra) {
        return "{\"patient_id\":\"P1\",\"source_id\":\"adt\",\"event_time\":\"2026-01-05T10:00:00Z\"," + extra + "}";
    }

    private static String adverse(String extra) {
        return "{\"patient_id\":\"P1\",\"source_id\":\"ehr\",\"event_time\":\"2026-01-05T10:00:00Z\",\"event_type\":\"sepsis\"," + extra + "}";
    }
}
