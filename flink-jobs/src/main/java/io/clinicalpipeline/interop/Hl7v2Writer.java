package io.clinicalpipeline.interop;

import com.fasterxml.jackson.databind.JsonNode;
import io.clinicalpipeline.events.EventKind;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Vitals sets and lab results as HL7 v2.5.1 ORU^R01 messages, for the generator's {@code --format hl7v2}: one OBX per
 * reading, coded with LOINC and UCUM, the monitor in OBX-18, the sending system in MSH-3, the event id as the message
 * control id (MSH-10). {@link Hl7v2Translator} reads them back to the same events. Profiles, medications and adverse
 * events have no ORU form; a caller sends those in another format.
 */
public final class Hl7v2Writer {

    private static final DateTimeFormatter DTM = DateTimeFormatter.ofPattern("yyyyMMddHHmmss.SSS").withZone(ZoneOffset.UTC);

    private final CodeMapping mapping;

    public Hl7v2Writer(CodeMapping mapping) {
        this.mapping = mapping;
    }

    /** Whether {@link #write} takes events of this kind. */
    public static boolean writes(EventKind kind) {
        return kind == EventKind.VITALS || kind == EventKind.LABS;
    }

    public byte[] write(EventKind kind, JsonNode e) {
        if (!writes(kind)) {
            throw new IllegalArgumentException(kind + " events have no ORU^R01 form");
        }
        String time = DTM.format(Instant.parse(e.path("event_time").asText())) + "+0000";
        boolean vitals = kind == EventKind.VITALS;
        String sender = vitals ? "MONITOR" : e.path("source_id").asText();
        StringBuilder m = new StringBuilder();
        m.append("MSH|^~\\&|").append(escape(sender)).append("|WARD|PIPELINE|HOSP|").append(time)
                .append("||ORU^R01^ORU_R01|").append(escape(e.path("event_id").asText(""))).append("|P|2.5.1\r");
        m.append("PID|1||").append(escape(e.path("patient_id").asText())).append("\r");
        m.append("OBR|1|||").append(vitals ? "85353-1^Vital signs panel^LN" : "LAB^Laboratory^L").append("|||")
                .append(time).append("\r");
        String device = vitals ? escape(e.path("device_id").asText()) : "";
        int[] set = {0};
        if (vitals) {
            number(m, set, e, "heart_rate", "8867-4", "/min", time, device);
            number(m, set, e, "respiratory_rate", "9279-1", "/min", time, device);
            number(m, set, e, "spo2", "2708-6", "%", time, device);
            number(m, set, e, "temperature", "8310-5", "F".equalsIgnoreCase(e.path("temperature_unit").asText())
                    ? "[degF]" : "Cel", time, device);
            number(m, set, e, "systolic_bp", "8480-6", "mm[Hg]", time, device);
            number(m, set, e, "diastolic_bp", "8462-4", "mm[Hg]", time, device);
            if (e.hasNonNull("supplemental_oxygen")) {
                obx(m, set, "NM", "3150-0", e.get("supplemental_oxygen").asBoolean() ? "28" : "21", "%", time, device);
            }
            if (e.hasNonNull("consciousness")) {
                obx(m, set, "CE", "67775-7", escape(e.get("consciousness").asText()), null, time, device);
            }
        } else {
            CodeMapping.LabCode code = mapping.labCode(e.path("test").asText(), e.path("unit").asText());
            obx(m, set, "NM", code.loinc(), number(e.path("value").asDouble()), code.ucum(), time, device);
        }
        return m.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void number(StringBuilder m, int[] set, JsonNode e, String field, String loinc, String ucum, String time,
                               String device) {
        if (e.hasNonNull(field)) {
            obx(m, set, "NM", loinc, number(e.get(field).asDouble()), ucum, time, device);
        }
    }

    private static void obx(StringBuilder m, int[] set, String type, String loinc, String value, String ucum, String time,
                            String device) {
        m.append("OBX|").append(++set[0]).append('|').append(type).append('|').append(loinc).append("^^LN||").append(value)
                .append('|').append(ucum == null ? "" : escape(ucum) + "^^UCUM").append("|||||F|||").append(time)
                .append("||||").append(device).append('\r');
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /** HL7 v2's escape sequences for the delimiters, so an id or code cannot break a segment. */
    private static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '\\' -> out.append("\\E\\");
                case '|' -> out.append("\\F\\");
                case '^' -> out.append("\\S\\");
                case '~' -> out.append("\\R\\");
                case '&' -> out.append("\\T\\");
                case '\r', '\n' -> out.append(' ');
                default -> out.append(ch);
            }
        }
        return out.toString();
    }
}
