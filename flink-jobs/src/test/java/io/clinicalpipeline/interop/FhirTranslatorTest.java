package io.clinicalpipeline.interop;

import io.clinicalpipeline.events.EventKind;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FhirTranslatorTest {

    private static final Instant RECEIVED = Instant.parse("2026-03-01T08:00:00Z");
    private final FhirTranslator fhir = new FhirTranslator(CodeMapping.builtIn());

    @Test
    void hl7sVitalSignExamplesBecomeSilverVitals() throws IOException {
        assertEquals(44.0, vital("Observation-heart-rate.json", "heart_rate"));
        assertEquals(26.0, vital("Observation-respiratory-rate.json", "respiratory_rate"));
        assertEquals(95.0, vital("Observation-satO2.json", "spo2"));
        assertEquals(36.5, vital("Observation-body-temperature.json", "temperature_c"));
        Row bp = silverRow(only(example("Observation-blood-pressure.json")));
        assertEquals(107.0, bp.getField("systolic_bp"), "the panel's components make one set");
        assertEquals(60.0, bp.getField("diastolic_bp"));
        assertEquals(LocalDateTime.of(2012, 9, 17, 0, 0), bp.getField("event_time"), "a date alone is its day's start, UTC");
        assertEquals("example", bp.getField("patient_id"));
    }

    @Test
    void everyMappedCodeInEveryUnitReachesSilver() {
        CodeMapping mapping = CodeMapping.builtIn();
        int checked = 0;
        for (var e : mapping.observations().entrySet()) {
            CodeMapping.Code code = e.getValue();
            if (code.coded()) {
                String avpu = observationWith(e.getKey(), "\"valueCodeableConcept\": {\"coding\": [{\"code\": \"V\"}]}");
                assertEquals("V", silverRow(only(fhir.translate(bytes(avpu), RECEIVED))).getField(code.field()));
                checked++;
                continue;
            }
            for (String ucum : code.units().keySet()) {
                double value = TypicalValues.of(code, ucum);
                Row row = silverRow(only(fhir.translate(bytes(observation(e.getKey(), quantity(value, ucum))), RECEIVED)));
                if (code.test() != null) {
                    assertEquals(code.test(), row.getField("test"), e.getKey());
                    assertEquals(value, row.getField("source_value"), e.getKey() + " " + ucum);
                } else {
                    assertTrue(row.getField(code.field().equals("temperature") ? "temperature_c" : code.field()) != null,
                            e.getKey() + " " + ucum + " sets " + code.field() + ": " + row);
                }
                checked++;
            }
        }
        assertTrue(checked > mapping.observations().size(), "codes with several units are checked in each: " + checked);
    }

    @Test
    void aLabResultKeepsItsUnitForTheSilverConversion() throws IOException {
        Translation.Event glucose = only(example("Observation-f001.json"));
        assertEquals(EventKind.LABS, glucose.kind());
        Row lab = silverRow(glucose);
        assertEquals("glucose", lab.getField("test"));
        assertEquals(6.3, lab.getField("value"));
        assertEquals("mmol/L", lab.getField("source_unit"));
        assertEquals("f001", lab.getField("patient_id"));
    }

    @Test
    void aPatientBecomesAProfileWithAgeAndGender() throws IOException {
        Row profile = silverRow(only(example("Patient-example.json")));
        assertEquals(51, profile.getField("age"), "born 1974-12-25, received 2026-03-01");
        assertEquals("Male", profile.getField("gender"));
    }

    @Test
    void whatCannotBeMappedIsKeptWithItsOwnReason() throws IOException {
        assertEquals("UNMAPPED_CODE", onlyUnmapped(example("Observation-bmi.json")).reasonCode(), "BMI is not mapped");
        assertEquals("NO_VALUE", onlyUnmapped(example("Observation-vitals-panel.json")).reasonCode(),
                "a panel of hasMember references carries no values itself");
        assertEquals("NO_VALUE", onlyUnmapped(example("Encounter-f001.json")).reasonCode(), "an encounter without a ward");
        String noValue = observation("8867-4", null);
        assertEquals("NO_VALUE", onlyUnmapped(fhir.translate(bytes(noValue), RECEIVED)).reasonCode());
        String kPa = observation("8480-6", "{\"value\": 16, \"system\": \"http://unitsofmeasure.org\", \"code\": \"kPa\"}");
        Translation.Unmapped unit = onlyUnmapped(fhir.translate(bytes(kPa), RECEIVED));
        assertEquals("UNMAPPED_UNIT", unit.reasonCode());
        assertEquals("P1", unit.patientId());
        assertTrue(unit.reason().contains("kPa"), unit.reason());
        assertEquals("UNSUPPORTED_RESOURCE", onlyUnmapped(fhir.translate(bytes(
                "{\"resourceType\": \"Condition\", \"id\": \"c1\", \"subject\": {\"reference\": \"Patient/P1\"}}"), RECEIVED))
                .reasonCode());
    }

    @Test
    void aBundleOfMixedResourcesYieldsEachOfThem() {
        String bundle = "{\"resourceType\": \"Bundle\", \"type\": \"collection\", \"entry\": ["
                + "{\"resource\": " + observation("8867-4", quantity(88, "/min")) + "},"
                + "{\"resource\": " + observation("9279-1", quantity(22, "/min")) + "},"
                + "{\"resource\": " + observation("2524-7", quantity(3.1, "mmol/L")) + "},"
                + "{\"resource\": {\"resourceType\": \"MedicationAdministration\", \"status\": \"completed\","
                + " \"medicationCodeableConcept\": {\"text\": \"Piperacillin-tazobactam\", \"coding\": [{\"system\":"
                + " \"http://clinicalpipeline.io/fhir/drug-class\", \"code\": \"antibiotic\"}]},"
                + " \"subject\": {\"reference\": \"Patient/P1\"}, \"effectiveDateTime\": \"2026-03-01T07:10:00Z\","
                + " \"dosage\": {\"route\": {\"text\": \"IV\"}, \"dose\": {\"value\": 4.5, \"unit\": \"g\"}}}},"
                + "{\"resource\": {\"resourceType\": \"Condition\", \"id\": \"c1\"}}]}";
        Translation.Mapped mapped = assertInstanceOf(Translation.Mapped.class, fhir.translate(bytes(bundle), RECEIVED));
        assertEquals(List.of(EventKind.VITALS, EventKind.LABS, EventKind.MEDICATIONS),
                mapped.events().stream().map(Translation.Event::kind).toList(),
                "heart and respiratory rate of one patient, time and device are one set");
        Row vitals = silverRow(mapped.events().get(0));
        assertEquals(88.0, vitals.getField("heart_rate"));
        assertEquals(22.0, vitals.getField("respiratory_rate"));
        assertEquals("monitor-7", vitals.getField("source_id"));
        Row drug = silverRow(mapped.events().get(2));
        assertEquals("piperacillin-tazobactam", drug.getField("drug"));
        assertEquals("antibiotic", drug.getField("drug_class"));
        assertEquals(4.5, drug.getField("dose"));
        assertEquals(List.of("UNSUPPORTED_RESOURCE"), mapped.unmapped().stream().map(Translation.Unmapped::reasonCode).toList());
    }

    @Test
    void unreadableInputIsADeadLetterSayingWhy() {
        assertEquals("MALFORMED_FHIR", unreadable("{\"resourceType\": \"Observation\", \"status\": "));
        assertEquals("MALFORMED_FHIR", unreadable("{\"resourceType\": \"NoSuchThing\"}"));
        assertEquals("NOT_FHIR_JSON", unreadable("<Observation xmlns=\"http://hl7.org/fhir\"/>"));
        assertEquals("NOT_FHIR_JSON", unreadable("MSH|^~\\&|MONITOR|WARD|..."));
        assertEquals("NOT_UTF8", ((Translation.Unreadable) fhir.translate(new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'},
                RECEIVED)).errorCode());
        assertEquals("EMPTY_PAYLOAD", ((Translation.Unreadable) fhir.translate(new byte[0], RECEIVED)).errorCode());
    }

    @Test
    void aMappingFileAddsCodesWithoutARebuild(@TempDir Path dir) throws IOException {
        Path extra = dir.resolve("mapping.json");
        Files.writeString(extra, "{\"observations\": {\"39156-5\": {\"kind\": \"labs\", \"test\": \"glucose\","
                + " \"units\": {\"kg/m2\": \"mmol/L\"}}}}");
        FhirTranslator extended = new FhirTranslator(CodeMapping.load(extra));
        Translation.Mapped mapped = (Translation.Mapped) extended.translate(resource("Observation-bmi.json"), RECEIVED);
        assertEquals(1, mapped.events().size(), "the added code maps: " + mapped);
        assertEquals(44.0, ((Translation.Mapped) extended.translate(resource("Observation-heart-rate.json"), RECEIVED))
                .events().get(0).payload().get("heart_rate").asDouble(), "the built-in codes stay");
    }

    private String unreadable(String text) {
        return assertInstanceOf(Translation.Unreadable.class, fhir.translate(bytes(text), RECEIVED)).errorCode();
    }

    private Object vital(String example, String column) throws IOException {
        return silverRow(only(example(example))).getField(column);
    }

    private Translation example(String name) throws IOException {
        return fhir.translate(resource(name), RECEIVED);
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = FhirTranslatorTest.class.getResourceAsStream("/interop/fhir-r4-examples/" + name)) {
            return in.readAllBytes();
        }
    }

    private static Translation.Event only(Translation t) {
        Translation.Mapped m = assertInstanceOf(Translation.Mapped.class, t);
        assertEquals(1, m.events().size(), m.toString());
        assertEquals(List.of(), m.unmapped());
        return m.events().get(0);
    }

    private static Translation.Unmapped onlyUnmapped(Translation t) {
        Translation.Mapped m = assertInstanceOf(Translation.Mapped.class, t);
        assertEquals(List.of(), m.events());
        assertEquals(1, m.unmapped().size(), m.toString());
        return m.unmapped().get(0);
    }

    private static Row silverRow(Translation.Event e) {
        return SilverRows.valid(e, RECEIVED);
    }

    private static String observation(String loinc, String quantity) {
        return observationWith(loinc, quantity == null ? null : "\"valueQuantity\": " + quantity);
    }

    private static String observationWith(String loinc, String value) {
        return "{\"resourceType\": \"Observation\", \"status\": \"final\", \"code\": {\"coding\": [{\"system\": "
                + "\"http://loinc.org\", \"code\": \"" + loinc + "\"}]}, \"subject\": {\"reference\": \"Patient/P1\"}, "
                + "\"device\": {\"reference\": \"Device/monitor-7\"}, \"effectiveDateTime\": \"2026-03-01T07:00:00Z\""
                + (value == null ? "" : ", " + value) + "}";
    }

    private static String quantity(double value, String ucum) {
        return "{\"value\": " + value + ", \"system\": \"http://unitsofmeasure.org\", \"code\": \"" + ucum + "\"}";
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
