package io.clinicalpipeline.silver;

import io.clinicalpipeline.events.BronzeRecord;
import io.clinicalpipeline.events.EventKind;
import io.clinicalpipeline.events.Topics;
import io.clinicalpipeline.ingest.IngestJob;
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

/** The silver graph on bronze rows in memory, without Kafka or Paimon: each record lands in exactly one place. */
class SilverGraphTest {

    private static final Topics TOPICS = Topics.defaults();
    private static final long SENT = Instant.parse("2026-01-05T10:00:05Z").toEpochMilli();
    private static final String VITALS = "{\"event_id\":\"e1\",\"patient_id\":\"P1\",\"device_id\":\"monitor-1\","
            + "\"event_time\":\"2026-01-05T10:00:00Z\",\"heart_rate\":88,\"systolic_bp\":120,\"diastolic_bp\":80,"
            + "\"respiratory_rate\":16,\"spo2\":97,\"temperature\":98.6,\"temperature_unit\":\"F\","
            + "\"supplemental_oxygen\":false,\"consciousness\":\"A\"}";

    private static List<Row> silverVitals;
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

        SilverJob.Output out = SilverJob.build(bronze, types::rowType, TOPICS, Duration.ZERO);

        silverVitals = out.silver().get(EventKind.VITALS).executeAndCollect(100);
        quarantine = out.quarantine().executeAndCollect(100);
        deadLetter = out.deadLetter().executeAndCollect(100);
        duplicates = out.duplicates().executeAndCollect(100);
    }

    private static Row bronze(EventKind kind, int partition, long offset, String json) {
        return IngestJob.bronzeRow(new BronzeRecord(TOPICS.topic(kind), partition, offset, SENT, "P1",
                json.getBytes(StandardCharsets.UTF_8), SENT + 100));
    }

    @Test
    void aValidRecordIsStandardisedWithDerivedMetricsAndTheLowestOffsetWins() {
        // Silver tables have a primary key: a row from a lower offset that arrives later replaces the one written first.
        assertTrue(silverVitals.stream().allMatch(r -> r.getField("patient_id").equals("P1")
                && r.getField("event_time").equals(LocalDateTime.of(2026, 1, 5, 10, 0))), silverVitals.toString());
        Row v = silverVitals.get(silverVitals.size() - 1);
        assertEquals(37.0, (Double) v.getField("temperature_c"), 1e-9);
        assertEquals(40.0, (Double) v.getField("pulse_pressure"), 1e-9);
        assertEquals(93.333, (Double) v.getField("mean_arterial_pressure"), 1e-3);
        assertEquals(0, (Integer) v.getField("kafka_partition"));
        assertEquals(10L, (Long) v.getField("kafka_offset"));
    }

    @Test
    void theResentRecordIsADuplicate() {
        assertEquals(1, duplicates.size(), duplicates.toString());
        assertEquals(1, (Integer) duplicates.get(0).getField("kafka_partition"));
        assertEquals(3L, (Long) duplicates.get(0).getField("kafka_offset"));
    }

    @Test
    void impossibleValuesAreQuarantinedWithTheirReason() {
        assertEquals(List.of("HEART_RATE_OUT_OF_RANGE", "UNKNOWN_LAB_TEST"),
                quarantine.stream().map(r -> (String) r.getField("reason_code")).sorted().toList());
    }

    @Test
    void whatCannotBeParsedIsDeadLettered() {
        assertEquals(1, deadLetter.size(), deadLetter.toString());
        assertEquals("MALFORMED_JSON", deadLetter.get(0).getField("error_code"));
        assertEquals(12L, (Long) deadLetter.get(0).getField("kafka_offset"));
    }
}
