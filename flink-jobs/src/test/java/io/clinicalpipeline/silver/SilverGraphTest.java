package io.clinicalpipeline.silver;

import io.clinicalpipeline.events.BronzeRecord;
import io.clinicalpipeline.events.EventKind;
import io.clinicalpipeline.events.MessageFormat;
import io.clinicalpipeline.events.Topics;
import io.clinicalpipeline.ingest.IngestJob;
import io.clinicalpipeline.interop.CodeMapping;
import io.clinicalpipeline.lake.TableTypes;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The silver graph on bronze rows in memory, without Kafka or Paimon: each record, and each item of a hospital message,
 * lands in exactly one place.
 */
class SilverGraphTest {

    private static final Topics TOPICS = Topics.defaults();
    private static final long SENT = Instant.parse("2026-01-05T10:00:05Z").toEpochMilli();
    private static final String VITALS = "{\"event_id\":\"e1\",\"patient_id\":\"P1\",\"device_id\":\"monitor-1\","
            + "\"event_time\":\"2026-01-05T10:00:00Z\",\"heart_rate\":88,\"systolic_bp\":120,\"diastolic_bp\":80,"
            + "\"respiratory_rate\":16,\"spo2\":97,\"temperature\":98.6,\"temperature_unit\":\"F\","
            + "\"supplemental_oxygen\":false,\"consciousness\":\"A\"}";

    /** One heart rate, a code no mapping knows, and the same lactate twice: three items, one a duplicate of another. */
    private static final String BUNDLE = "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":["
            + observation("8867-4", "90", "/min", "Device/monitor-2") + ","
            + observation("99999-9", "1", "/min", "Device/monitor-2") + ","
            + observation("2524-7", "2.1", "mmol/L", null) + "," + observation("2524-7", "2.1", "mmol/L", null) + "]}";
    private static final String ORU = "MSH|^~\\&|MONITOR|WARD|PIPELINE|HOSP|20260105100000||ORU^R01^ORU_R01|m1|P|2.5.1\r"
            + "PID|1||P3\rOBR|1|||85353-1^Vital signs panel^LN|||20260105100000\r"
            + "OBX|1|NM|9279-1^^LN||18|/min^^UCUM|||||F|||20260105100000||||monitor-3\r";

    private static List<Row> silverVitals;
    private static List<Row> silverLabs;
    private static List<Row> ledger;
    private static List<Row> quarantine;
    private static List<Row> deadLetter;
    private static List<Row> duplicates;

    @BeforeAll
    static void runGraph() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        TableTypes types = TableTypes.fromDdl();
        Map<EventKind, List<Row>> rows = new EnumMap<>(EventKind.class);
        for (EventKind kind : EventKind.values()) {
            rows.put(kind, new ArrayList<>());
        }
        rows.get(EventKind.VITALS).add(bronze(EventKind.VITALS, 0, 10, VITALS));
        // The same event sent again, later in Kafka: a duplicate of offset 10, whichever subtask sees it first.
        rows.get(EventKind.VITALS).add(bronze(EventKind.VITALS, 1, 3, VITALS));
        rows.get(EventKind.VITALS).add(bronze(EventKind.VITALS, 0, 11, VITALS.replace("\"heart_rate\":88", "\"heart_rate\":400")
                .replace("e1", "e2")));
        rows.get(EventKind.VITALS).add(bronze(EventKind.VITALS, 0, 12, "{\"patient_id\":"));
        rows.get(EventKind.LABS).add(bronze(EventKind.LABS, 1, 0, "{\"patient_id\":\"P1\",\"source_id\":\"lis\","
                + "\"event_time\":\"2026-01-05T10:00:00Z\",\"test\":\"unobtainium\",\"value\":1,\"unit\":\"mmol/L\"}"));
        Map<EventKind, DataStream<Row>> bronze = new EnumMap<>(EventKind.class);
        rows.forEach((kind, list) -> bronze.put(kind, env.fromCollection(list, types.rowType(kind.bronzeTable()))));
        Map<MessageFormat, DataStream<Row>> messages = new EnumMap<>(MessageFormat.class);
        messages.put(MessageFormat.FHIR_R4, env.fromCollection(List.of(message(MessageFormat.FHIR_R4, 5, BUNDLE),
                message(MessageFormat.FHIR_R4, 6, "{\"resourceType\":\"Bundle\",\"type\":\"collection\"}")),
                types.rowType(MessageFormat.FHIR_R4.bronzeTable())));
        messages.put(MessageFormat.HL7V2, env.fromCollection(List.of(message(MessageFormat.HL7V2, 0, ORU),
                message(MessageFormat.HL7V2, 1, "MSH|^~\\&|garbage")), types.rowType(MessageFormat.HL7V2.bronzeTable())));

        SilverJob.Output out = SilverJob.build(bronze, messages, types::rowType, TOPICS, Duration.ZERO, CodeMapping.builtIn());

        silverVitals = out.silver().get(EventKind.VITALS).executeAndCollect(100);
        silverLabs = out.silver().get(EventKind.LABS).executeAndCollect(100);
        ledger = out.hospitalMessages().executeAndCollect(100);
        quarantine = out.quarantine().executeAndCollect(100);
        deadLetter = out.deadLetter().executeAndCollect(100);
        duplicates = out.duplicates().executeAndCollect(100);
    }

    private static String observation(String loinc, String value, String unit, String device) {
        return "{\"resource\":{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"coding\":[{\"system\":"
                + "\"http://loinc.org\",\"code\":\"" + loinc + "\"}]},\"subject\":{\"reference\":\"Patient/P2\"},"
                + "\"effectiveDateTime\":\"2026-01-05T10:00:00Z\"," + (device == null ? "" : "\"device\":{\"reference\":\""
                + device + "\"},") + "\"valueQuantity\":{\"value\":" + value + ",\"system\":\"http://unitsofmeasure.org\","
                + "\"code\":\"" + unit + "\"}}}";
    }

    private static Row message(MessageFormat format, long offset, String text) {
        return IngestJob.bronzeRow(new BronzeRecord(TOPICS.topic(format), 0, offset, SENT, null,
                text.getBytes(StandardCharsets.UTF_8), SENT + 100));
    }

    private static Row bronze(EventKind kind, int partition, long offset, String json) {
        return IngestJob.bronzeRow(new BronzeRecord(TOPICS.topic(kind), partition, offset, SENT, "P1",
                json.getBytes(StandardCharsets.UTF_8), SENT + 100));
    }

    @Test
    void aValidRecordIsStandardisedWithDerivedMetricsAndTheLowestOffsetWins() {
        // Silver tables have a primary key: a row from a lower offset that arrives later replaces the one written first.
        List<Row> p1 = silverVitals.stream().filter(r -> r.getField("patient_id").equals("P1")).toList();
        assertTrue(p1.stream().allMatch(r -> r.getField("event_time").equals(LocalDateTime.of(2026, 1, 5, 10, 0))), p1.toString());
        Row v = p1.get(p1.size() - 1);
        assertEquals(37.0, (Double) v.getField("temperature_c"), 1e-9);
        assertEquals(40.0, (Double) v.getField("pulse_pressure"), 1e-9);
        assertEquals(93.333, (Double) v.getField("mean_arterial_pressure"), 1e-3);
        assertEquals(0, (Integer) v.getField("kafka_partition"));
        assertEquals(10L, (Long) v.getField("kafka_offset"));
    }

    @Test
    void theResentRecordIsADuplicate() {
        Row resent = duplicates.stream().filter(r -> r.getField("topic").equals(TOPICS.topic(EventKind.VITALS))).findFirst()
                .orElseThrow();
        assertEquals(1, (Integer) resent.getField("kafka_partition"));
        assertEquals(3L, (Long) resent.getField("kafka_offset"));
    }

    @Test
    void impossibleValuesAndUnmappableEntriesAreQuarantinedWithTheirReason() {
        assertEquals(List.of("EMPTY_MESSAGE", "HEART_RATE_OUT_OF_RANGE", "UNKNOWN_LAB_TEST", "UNMAPPED_CODE"),
                quarantine.stream().map(r -> (String) r.getField("reason_code")).sorted().toList());
        Row unmapped = quarantine.stream().filter(r -> r.getField("reason_code").equals("UNMAPPED_CODE")).findFirst().orElseThrow();
        assertEquals(TOPICS.topic(MessageFormat.FHIR_R4), unmapped.getField("topic"));
        assertEquals(5L, (Long) unmapped.getField("kafka_offset"));
        assertEquals(3, (Integer) unmapped.getField("item"), "after the three events the Bundle made");
    }

    @Test
    void whatCannotBeParsedIsDeadLettered() {
        assertEquals(List.of("MALFORMED_HL7V2", "MALFORMED_JSON"),
                deadLetter.stream().map(r -> (String) r.getField("error_code")).sorted().toList());
        Row json = deadLetter.stream().filter(r -> r.getField("error_code").equals("MALFORMED_JSON")).findFirst().orElseThrow();
        assertEquals(12L, (Long) json.getField("kafka_offset"));
    }

    @Test
    void hospitalMessagesBecomeSilverRowsThatPointBackAtTheirItem() {
        Row fhirHeartRate = silverVitals.stream().filter(r -> r.getField("patient_id").equals("P2")).findFirst().orElseThrow();
        assertEquals(90.0, (Double) fhirHeartRate.getField("heart_rate"), 1e-9);
        assertEquals(TOPICS.topic(MessageFormat.FHIR_R4), fhirHeartRate.getField("topic"));
        assertEquals(5L, (Long) fhirHeartRate.getField("kafka_offset"));
        assertEquals(0, (Integer) fhirHeartRate.getField("item"));
        Row v2 = silverVitals.stream().filter(r -> r.getField("patient_id").equals("P3")).findFirst().orElseThrow();
        assertEquals(18.0, (Double) v2.getField("respiratory_rate"), 1e-9);
        assertEquals("monitor-3", v2.getField("source_id"));
        assertEquals(TOPICS.topic(MessageFormat.HL7V2), v2.getField("topic"));
    }

    @Test
    void theSameLabTwiceInOneBundleIsOneRowAndADuplicateOfItsLaterItem() {
        List<Row> lactate = silverLabs.stream().filter(r -> r.getField("patient_id").equals("P2")).toList();
        assertEquals(1, lactate.size(), lactate.toString());
        assertEquals(1, (Integer) lactate.get(0).getField("item"), "the vitals set is item 0, the two lactates 1 and 2");
        Row duplicate = duplicates.stream().filter(r -> r.getField("topic").equals(TOPICS.topic(MessageFormat.FHIR_R4)))
                .findFirst().orElseThrow();
        assertEquals(2, (Integer) duplicate.getField("item"));
        assertEquals(2, duplicates.size(), duplicates.toString());
    }

    @Test
    void eachHospitalMessageSaysHowManyItemsItMade() {
        Map<Long, List<Object>> byOffset = new java.util.TreeMap<>();
        for (Row r : ledger) {
            if (r.getField("topic").equals(TOPICS.topic(MessageFormat.FHIR_R4))) {
                byOffset.put(r.getFieldAs("kafka_offset"), List.of(r.getField("events"), r.getField("unmapped"),
                        r.getField("items")));
            }
        }
        assertEquals(Map.of(5L, List.of(3, 1, 4), 6L, List.of(0, 1, 1)), byOffset);
        assertEquals(4, ledger.size());
        Row garbage = ledger.stream().filter(r -> "MALFORMED_HL7V2".equals(r.getField("error_code"))).findFirst().orElseThrow();
        assertEquals(1, (Integer) garbage.getField("items"));
    }
}
