package io.clinicalpipeline.interop;

import io.clinicalpipeline.events.EventKind;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Hl7v2TranslatorTest {

    private static final Instant RECEIVED = Instant.parse("2026-03-01T08:00:00Z");
    private static final String MSH = "MSH|^~\\&|MONITOR|WARD3|PIPELINE|HOSP|20260301070005||ORU^R01^ORU_R01|MSG0001|P|2.5.1\r";
    private static final String PID = "PID|1||P1^^^HOSP^MR||Doe^Jane||19700101|F\r";
    private static final String OBR = "OBR|1|||85353-1^Vital signs panel^LN|||20260301070000\r";
    private final Hl7v2Translator hl7 = new Hl7v2Translator(CodeMapping.builtIn());

    @AfterEach
    void close() throws Exception {
        hl7.close();
    }

    @Test
    void anOruOfAMonitorsReadingBecomesOneVitalsSet() {
        String oru = MSH + PID + OBR
                + obx(1, "NM", "8867-4", "88", "/min") + obx(2, "NM", "9279-1", "24", "/min")
                + obx(3, "NM", "59408-5", "93", "%") + obx(4, "NM", "8480-6", "104", "mm[Hg]")
                + obx(5, "NM", "8462-4", "61", "mm[Hg]") + obx(6, "NM", "8310-5", "101.3", "[degF]")
                + obx(7, "NM", "3150-0", "35", "%") + obx(8, "CE", "67775-7", "C^Confused^AVPU", "");
        Translation.Mapped mapped = mapped(oru);
        assertEquals(List.of(), mapped.unmapped());
        assertEquals(1, mapped.events().size(), "one patient, time and device: one set");
        Row v = SilverRows.valid(mapped.events().get(0), RECEIVED);
        assertEquals("P1", v.getField("patient_id"));
        assertEquals(LocalDateTime.of(2026, 3, 1, 7, 0), v.getField("event_time"), "OBX-14, no offset: UTC");
        assertEquals("monitor-7", v.getField("source_id"), "OBX-18, the equipment");
        assertEquals("MSG0001", v.getField("event_id"));
        assertEquals(88.0, v.getField("heart_rate"));
        assertEquals(24.0, v.getField("respiratory_rate"));
        assertEquals(93.0, v.getField("spo2"));
        assertEquals(104.0, v.getField("systolic_bp"));
        assertEquals(61.0, v.getField("diastolic_bp"));
        assertEquals(38.5, v.getField("temperature_c"), "101.3 °F");
        assertEquals(true, v.getField("supplemental_oxygen"), "FiO2 35%");
        assertEquals("C", v.getField("consciousness"));
    }

    @Test
    void everyMappedCodeInEveryUnitReachesSilver() {
        CodeMapping mapping = CodeMapping.builtIn();
        int n = 0;
        for (Map.Entry<String, CodeMapping.Code> e : mapping.observations().entrySet()) {
            CodeMapping.Code code = e.getValue();
            for (String ucum : code.coded() ? List.of("") : code.units().keySet()) {
                String obx = code.coded() ? obx(1, "CE", e.getKey(), "A", "")
                        : obx(1, "NM", e.getKey(), Double.toString(TypicalValues.of(code, ucum)), ucum);
                Translation.Mapped mapped = mapped(MSH + PID + OBR + obx);
                assertEquals(List.of(), mapped.unmapped(), e.getKey() + " " + ucum);
                Row row = SilverRows.valid(mapped.events().get(0), RECEIVED);
                assertEquals(code.kind() == EventKind.LABS ? code.test() : null, row.getField("test") instanceof String t
                        ? t : null, e.getKey());
                n++;
            }
        }
        assertTrue(n > mapping.observations().size(), n + " code and unit pairs");
    }

    @Test
    void anAdmissionAndAnUpdateBecomeProfiles() {
        String a01 = "MSH|^~\\&|PAS|HOSP|PIPELINE|HOSP|20260301060000||ADT^A01^ADT_A01|ADM1|P|2.5.1\r"
                + "EVN|A01|20260301055500\r" + PID + "PV1|1|I|Respiratory^Bed 4^Ward\r";
        Row admitted = SilverRows.valid(only(mapped(a01)), RECEIVED);
        assertEquals("P1", admitted.getField("patient_id"));
        assertEquals(56, admitted.getField("age"));
        assertEquals("Female", admitted.getField("gender"));
        assertEquals("respiratory", admitted.getField("ward"));
        assertEquals(LocalDateTime.of(2026, 3, 1, 5, 55), admitted.getField("event_time"), "EVN-2");
        String a08 = a01.replace("ADT^A01^ADT_A01", "ADT^A08^ADT_A01").replace("EVN|A01", "EVN|A08")
                .replace("Respiratory^", "Surgical^");
        assertEquals("surgical", SilverRows.valid(only(mapped(a08)), RECEIVED).getField("ward"));
    }

    @Test
    void whatCannotBeMappedIsKeptWithItsOwnReason() {
        Translation.Mapped mapped = mapped(MSH + PID + OBR + obx(1, "NM", "8867-4", "88", "/min")
                + obx(2, "NM", "39156-5", "22.1", "kg/m2") + obx(3, "NM", "8480-6", "16", "kPa")
                + obx(4, "NM", "9279-1", "", "/min") + "OBX|5|NM|HR^Heart rate^LOCAL||88|/min\r");
        assertEquals(1, mapped.events().size(), "the heart rate still maps");
        assertEquals(List.of("UNMAPPED_CODE", "UNMAPPED_UNIT", "NO_VALUE", "UNMAPPED_CODE"),
                mapped.unmapped().stream().map(Translation.Unmapped::reasonCode).toList());
        assertEquals("P1", mapped.unmapped().get(1).patientId());
        String orm = MSH.replace("ORU^R01^ORU_R01", "ORM^O01^ORM_O01") + PID;
        assertEquals("UNSUPPORTED_MESSAGE", mapped(orm).unmapped().get(0).reasonCode());
    }

    @Test
    void unreadableMessagesAreDeadLettersSayingWhy() {
        assertEquals("NOT_HL7V2", unreadable("{\"resourceType\": \"Observation\"}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("MALFORMED_HL7V2", unreadable("MSH|^~\\&|MONITOR\rPID|1||P1\r".getBytes(StandardCharsets.UTF_8)),
                "an MSH without its message type");
        assertEquals("MALFORMED_HL7V2", unreadable((MSH + PID + OBR.replace("20260301070000", "2026-03-01 07:00")
                + obx(1, "NM", "8867-4", "88", "/min")).getBytes(StandardCharsets.UTF_8)), "a date that is no DTM");
        byte[] latin = (MSH + PID.replace("Doe", "Doé") + OBR + obx(1, "NM", "8867-4", "88", "/min"))
                .getBytes(StandardCharsets.ISO_8859_1);
        assertEquals("WRONG_ENCODING", unreadable(latin), "Latin-1 bytes without MSH-18 saying so");
        byte[] declared = (MSH.replace("|2.5.1\r", "|2.5.1|||||8859/1\r") + PID.replace("Doe", "Doé") + OBR
                + obx(1, "NM", "8867-4", "88", "/min")).getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(1, assertInstanceOf(Translation.Mapped.class, hl7.translate(declared, RECEIVED)).events().size(),
                "declared in MSH-18, Latin-1 is read");
        assertEquals("EMPTY_PAYLOAD", unreadable(new byte[0]));
    }

    @Test
    void segmentsEndingInNewlinesAreReadToo() {
        String unix = (MSH + PID + OBR + obx(1, "NM", "8867-4", "88", "/min")).replace('\r', '\n');
        assertEquals(1, mapped(unix).events().size());
    }

    private String unreadable(byte[] message) {
        return assertInstanceOf(Translation.Unreadable.class, hl7.translate(message, RECEIVED)).errorCode();
    }

    private Translation.Mapped mapped(String message) {
        return assertInstanceOf(Translation.Mapped.class, hl7.translate(message.getBytes(StandardCharsets.UTF_8), RECEIVED),
                message);
    }

    private static Translation.Event only(Translation.Mapped m) {
        assertEquals(List.of(), m.unmapped());
        assertEquals(1, m.events().size(), m.toString());
        return m.events().get(0);
    }

    /** An OBX with its value type, LOINC code, value and UCUM unit, observed at 07:00 by monitor-7 (OBX-18). */
    private static String obx(int set, String type, String loinc, String value, String ucum) {
        return "OBX|" + set + "|" + type + "|" + loinc + "^^LN||" + value + "|" + (ucum.isEmpty() ? "" : ucum + "^^UCUM")
                + "|||||F|||20260301070000||||monitor-7\r";
    }
}
