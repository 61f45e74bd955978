package io.clinicalpipeline.silver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clinicalpipeline.events.EventKind;
import io.clinicalpipeline.silver.PhysiologicalRanges.Range;
import org.apache.flink.types.Row;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns one raw payload into a silver row, a quarantine reason or a dead-letter error. Pure and
 * deterministic: the outcome depends only on the payload, its kind and the Kafka timestamp, so streaming
 * and batch runs over the same bronze data agree.
 */
public final class SilverRules {

    /** Records delayed longer than this (Kafka timestamp minus event time) lose quality points. */
    static final long LATE_AFTER_MILLIS = 3600_000L;

    private static final Set<String> AVPU = Set.of("A", "C", "V", "P", "U");
    private static final Set<String> SEVERITIES = Set.of("mild", "moderate", "severe", "life_threatening", "fatal");

    private final ObjectMapper mapper = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    public ParseOutcome apply(EventKind kind, byte[] payload, long kafkaTimestampMillis) {
        try {
            return parse(kind, payload, kafkaTimestampMillis);
        } catch (RuntimeException e) {
            // A bug in these rules must cost one record (kept, with the reason), never the job.
            return new ParseOutcome.DeadLettered("INTERNAL_ERROR", "silver rules failed on this record: " + e);
        }
    }

    private ParseOutcome parse(EventKind kind, byte[] payload, long kafkaTimestampMillis) {
        if (payload == null || payload.length == 0) {
            return new ParseOutcome.DeadLettered("EMPTY_PAYLOAD", "the Kafka record has no value");
        }
        JsonNode node;
        try {
            node = mapper.readTree(payload);
        } catch (JsonProcessingException e) {
            return new ParseOutcome.DeadLettered("MALFORMED_JSON", firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            return new ParseOutcome.DeadLettered("MALFORMED_JSON", firstLine(e.getMessage()));
        }
        if (node == null || !node.isObject()) {
            return new ParseOutcome.DeadLettered("NOT_AN_OBJECT",
                    "expected a JSON object, got " + (node == null ? "nothing" : node.getNodeType().name().toLowerCase(Locale.ROOT)));
        }
        try {
            Fields f = new Fields(node);
            Row row = Row.withNames();
            String patientId = f.requiredText("patient_id");
            Instant eventTime = f.requiredTime("event_time");
            LocalDateTime eventTimeUtc = LocalDateTime.ofInstant(eventTime, ZoneOffset.UTC);
            String source = f.requiredText(kind.sourceField());
            if (eventTime.toEpochMilli() > kafkaTimestampMillis + PhysiologicalRanges.MAX_FUTURE_MILLIS) {
                return new ParseOutcome.Quarantined("EVENT_TIME_IN_FUTURE",
                        "event_time " + eventTime + " is more than a day after Kafka received the record",
                        patientId, eventTimeUtc);
            }
            row.setField("dt", eventTimeUtc.toLocalDate().toString());
            row.setField("patient_id", patientId);
            row.setField("event_time", eventTimeUtc);
            row.setField("source_id", source);
            row.setField("event_id", f.optionalText("event_id"));
            Completeness completeness = new Completeness();
            switch (kind) {
                case VITALS -> vitals(f, row, completeness);
                case MEDICATIONS -> medication(f, row, completeness);
                case LABS -> lab(f, row);
                case ADVERSE_EVENTS -> adverseEvent(f, row, completeness);
                case PATIENTS -> profile(f, row, completeness);
            }
            boolean late = kafkaTimestampMillis - eventTime.toEpochMilli() > LATE_AFTER_MILLIS;
            row.setField("quality_score", QualityScore.of(completeness.present, completeness.expected,
                    row.getField("event_id") != null, late));
            return new ParseOutcome.Valid(row);
        } catch (Reject r) {
            return r.outcome;
        } catch (Units.UnknownUnitException e) {
            return new ParseOutcome.DeadLettered("UNKNOWN_UNIT", e.getMessage());
        } catch (OutOfRange e) {
            return new ParseOutcome.Quarantined(e.code, e.getMessage(), text(node, "patient_id"), time(node));
        }
    }

    private static void vitals(Fields f, Row row, Completeness c) throws Reject, Units.UnknownUnitException, OutOfRange {
        Double hr = c.count(f.optionalNumber("heart_rate"));
        Double sbp = c.count(f.optionalNumber("systolic_bp"));
        Double dbp = c.count(f.optionalNumber("diastolic_bp"));
        Double rr = c.count(f.optionalNumber("respiratory_rate"));
        Double spo2 = c.count(f.optionalNumber("spo2"));
        Double temperature = c.count(f.optionalNumber("temperature"));
        String temperatureUnit = null;
        Double temperatureC = null;
        if (temperature != null) {
            temperatureUnit = f.requiredText("temperature_unit");
            temperatureC = DerivedVitals.round(Units.toCelsius(temperature, temperatureUnit));
        }
        Boolean oxygen = c.count(f.optionalBoolean("supplemental_oxygen"));
        String avpu = c.count(f.optionalText("consciousness"));
        checkRange(PhysiologicalRanges.VITALS, "heart_rate", hr);
        checkRange(PhysiologicalRanges.VITALS, "systolic_bp", sbp);
        checkRange(PhysiologicalRanges.VITALS, "diastolic_bp", dbp);
        checkRange(PhysiologicalRanges.VITALS, "respiratory_rate", rr);
        checkRange(PhysiologicalRanges.VITALS, "spo2", spo2);
        checkRange(PhysiologicalRanges.VITALS, "temperature_c", temperatureC);
        if (sbp != null && dbp != null && dbp >= sbp) {
            throw new OutOfRange("DIASTOLIC_NOT_BELOW_SYSTOLIC", "diastolic " + dbp + " is not below systolic " + sbp);
        }
        if (avpu != null) {
            avpu = avpu.trim().toUpperCase(Locale.ROOT);
            if (!AVPU.contains(avpu)) {
                throw new OutOfRange("INVALID_CODE", "consciousness '" + avpu + "' is not one of A, C, V, P, U");
            }
        }
        row.setField("heart_rate", hr);
        row.setField("systolic_bp", sbp);
        row.setField("diastolic_bp", dbp);
        row.setField("respiratory_rate", rr);
        row.setField("spo2", spo2);
        row.setField("temperature_c", temperatureC);
        row.setField("source_temperature_unit", temperatureUnit);
        row.setField("supplemental_oxygen", oxygen);
        row.setField("consciousness", avpu);
        row.setField("pulse_pressure", DerivedVitals.pulsePressure(sbp, dbp));
        row.setField("mean_arterial_pressure", DerivedVitals.meanArterialPressure(sbp, dbp));
        row.setField("shock_index", DerivedVitals.shockIndex(hr, sbp));
    }

    private static void medication(Fields f, Row row, Completeness c) throws Reject, OutOfRange {
        row.setField("drug", f.requiredText("drug").trim().toLowerCase(Locale.ROOT));
        String drugClass = c.count(f.optionalText("drug_class"));
        row.setField("drug_class", drugClass == null ? null : drugClass.trim().toLowerCase(Locale.ROOT));
        Double dose = c.count(f.optionalNumber("dose"));
        String doseUnit = dose == null ? f.optionalText("dose_unit") : f.requiredText("dose_unit");
        if (dose != null && !PhysiologicalRanges.DOSE.contains(dose)) {
            throw new OutOfRange("DOSE_OUT_OF_RANGE", "dose " + dose + " is negative or absurd");
        }
        row.setField("dose", dose);
        row.setField("dose_unit", doseUnit);
        row.setField("route", c.count(f.optionalText("route")));
    }

    private static void lab(Fields f, Row row) throws Reject, Units.UnknownUnitException, OutOfRange {
        String test = f.requiredText("test").trim().toLowerCase(Locale.ROOT);
        double value = f.requiredNumber("value");
        String unit = f.requiredText("unit");
        if (!Units.isKnownLab(test)) {
            throw new OutOfRange("UNKNOWN_LAB_TEST", "lab test '" + test + "' is not one the pipeline standardises");
        }
        double canonical = DerivedVitals.round(Units.labToCanonical(test, value, unit));
        checkRange(PhysiologicalRanges.LABS, test, canonical);
        row.setField("test", test);
        row.setField("value", canonical);
        row.setField("unit", Units.labCanonicalUnit(test));
        row.setField("source_value", value);
        row.setField("source_unit", unit);
    }

    private static void adverseEvent(Fields f, Row row, Completeness c) throws Reject, OutOfRange {
        row.setField("event_type", f.requiredText("event_type").trim().toLowerCase(Locale.ROOT));
        String severity = c.count(f.optionalText("severity"));
        if (severity != null) {
            severity = severity.trim().toLowerCase(Locale.ROOT);
            if (!SEVERITIES.contains(severity)) {
                throw new OutOfRange("INVALID_CODE", "severity '" + severity + "' is not one of " + SEVERITIES);
            }
        }
        row.setField("severity", severity);
    }

    private static void profile(Fields f, Row row, Completeness c) throws Reject, Units.UnknownUnitException, OutOfRange {
        Double age = c.count(f.optionalNumber("age"));
        checkRange(PhysiologicalRanges.PROFILE, "age", age);
        row.setField("age", age == null ? null : (int) Math.round(age));
        row.setField("gender", c.count(f.optionalText("gender")));
        row.setField("hypertension", c.count(f.optionalFlag("hypertension")));
        row.setField("heart_disease", c.count(f.optionalFlag("heart_disease")));
        row.setField("ever_married", c.count(f.optionalText("ever_married")));
        row.setField("work_type", c.count(f.optionalText("work_type")));
        row.setField("residence_type", c.count(f.optionalText("residence_type")));
        Double glucose = c.count(f.optionalNumber("avg_glucose_level"));
        if (glucose != null) {
            glucose = DerivedVitals.round(Units.glucoseToMgPerDl(glucose, f.requiredText("glucose_unit")));
            checkRange(PhysiologicalRanges.PROFILE, "avg_glucose_level", glucose);
        }
        row.setField("avg_glucose_level", glucose);
        Double bmi = c.count(f.optionalNumber("bmi"));
        checkRange(PhysiologicalRanges.PROFILE, "bmi", bmi);
        row.setField("bmi", bmi);
        Double weight = c.count(f.optionalNumber("weight"));
        if (weight != null) {
            weight = DerivedVitals.round(Units.toKilograms(weight, f.requiredText("weight_unit")));
            checkRange(PhysiologicalRanges.PROFILE, "weight_kg", weight);
        }
        row.setField("weight_kg", weight);
        Double height = c.count(f.optionalNumber("height_cm"));
        checkRange(PhysiologicalRanges.PROFILE, "height_cm", height);
        row.setField("height_cm", height);
        row.setField("smoking_status", c.count(f.optionalText("smoking_status")));
        row.setField("ward", c.count(f.optionalText("ward")));
        row.setField("copd", c.count(f.optionalFlag("copd")));
        row.setField("anaemia", c.count(f.optionalFlag("anaemia")));
        row.setField("beta_blocker", c.count(f.optionalFlag("beta_blocker")));
        Double scale = c.count(f.optionalNumber("spo2_scale"));
        if (scale != null && scale != 1 && scale != 2) {
            throw new OutOfRange("INVALID_CODE", "spo2_scale " + scale + " is not a NEWS2 SpO2 scale (1 or 2)");
        }
        row.setField("spo2_scale", scale == null ? null : scale.intValue());
    }

    private static void checkRange(Map<String, Range> ranges, String field, Double value) throws OutOfRange {
        if (value == null) {
            return;
        }
        Range range = ranges.get(field);
        if (!range.contains(value)) {
            throw new OutOfRange(field.toUpperCase(Locale.ROOT) + "_OUT_OF_RANGE",
                    field + " " + value + " is outside " + range.min() + ".." + range.max());
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unparseable JSON";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /** Best-effort identity for a quarantine row: null rather than failing on what was already read. */
    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isTextual() ? v.asText() : null;
    }

    private static LocalDateTime time(JsonNode node) {
        try {
            return LocalDateTime.ofInstant(Instant.parse(text(node, "event_time")), ZoneOffset.UTC);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Counts how many of the optional fields a record was expected to carry are present. */
    private static final class Completeness {
        int present;
        int expected;

        <T> T count(T value) {
            expected++;
            if (value != null) {
                present++;
            }
            return value;
        }
    }

    /** Typed access to a payload's fields; wrong types and missing required fields dead-letter the record. */
    private static final class Fields {
        private final JsonNode node;

        Fields(JsonNode node) {
            this.node = node;
        }

        private JsonNode present(String field) {
            JsonNode v = node.get(field);
            return v == null || v.isNull() ? null : v;
        }

        String requiredText(String field) throws Reject {
            String v = optionalText(field);
            if (v == null || v.isBlank()) {
                throw Reject.deadLetter("MISSING_FIELD", "required field '" + field + "' is missing");
            }
            return v;
        }

        String optionalText(String field) throws Reject {
            JsonNode v = present(field);
            if (v == null) {
                return null;
            }
            if (!v.isTextual()) {
                throw Reject.deadLetter("WRONG_TYPE", "field '" + field + "' must be a string, got " + v.getNodeType());
            }
            return v.asText();
        }

        double requiredNumber(String field) throws Reject {
            Double v = optionalNumber(field);
            if (v == null) {
                throw Reject.deadLetter("MISSING_FIELD", "required field '" + field + "' is missing");
            }
            return v;
        }

        Double optionalNumber(String field) throws Reject {
            JsonNode v = present(field);
            if (v == null) {
                return null;
            }
            if (!v.isNumber()) {
                throw Reject.deadLetter("WRONG_TYPE", "field '" + field + "' must be a number, got " + v.getNodeType());
            }
            return v.asDouble();
        }

        Boolean optionalBoolean(String field) throws Reject {
            JsonNode v = present(field);
            if (v == null) {
                return null;
            }
            if (!v.isBoolean()) {
                throw Reject.deadLetter("WRONG_TYPE", "field '" + field + "' must be true or false, got " + v.getNodeType());
            }
            return v.asBoolean();
        }

        /** A yes/no attribute sent as 0/1 (as in the stroke data sets) or as a JSON boolean. */
        Boolean optionalFlag(String field) throws Reject {
            JsonNode v = present(field);
            if (v == null) {
                return null;
            }
            if (v.isBoolean()) {
                return v.asBoolean();
            }
            if (v.isIntegralNumber() && (v.asInt() == 0 || v.asInt() == 1)) {
                return v.asInt() == 1;
            }
            throw Reject.deadLetter("WRONG_TYPE", "field '" + field + "' must be 0, 1, true or false, got " + v);
        }

        Instant requiredTime(String field) throws Reject {
            JsonNode v = present(field);
            if (v == null) {
                throw Reject.deadLetter("MISSING_FIELD", "required field '" + field + "' is missing");
            }
            if (!v.isTextual()) {
                throw Reject.deadLetter("WRONG_TYPE", "field '" + field + "' must be an ISO-8601 UTC timestamp string, got " + v.getNodeType());
            }
            try {
                return Instant.parse(v.asText());
            } catch (DateTimeParseException e) {
                throw Reject.deadLetter("BAD_TIMESTAMP", "field '" + field + "' is not an ISO-8601 timestamp: '" + v.asText() + "'");
            }
        }
    }

    /** Control flow out of field parsing, carrying the final outcome. */
    private static final class Reject extends Exception {
        private static final long serialVersionUID = 1L;
        final transient ParseOutcome outcome;

        private Reject(ParseOutcome outcome) {
            super(null, null, false, false);
            this.outcome = outcome;
        }

        static Reject deadLetter(String code, String message) {
            return new Reject(new ParseOutcome.DeadLettered(code, message));
        }
    }

    private static final class OutOfRange extends Exception {
        private static final long serialVersionUID = 1L;
        final String code;

        OutOfRange(String code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }
}
