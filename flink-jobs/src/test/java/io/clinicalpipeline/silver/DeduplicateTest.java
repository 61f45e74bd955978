package io.clinicalpipeline.silver;

import io.clinicalpipeline.events.EventKind;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.runtime.typeutils.ExternalTypeInfo;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.types.Row;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DeduplicateTest {

    // The job's streams carry name-based rows with the tables' exact types; so does this test.
    private static final OutputTag<Row> DUPLICATES = new OutputTag<>("duplicates", ExternalTypeInfo.of(DataTypes.ROW(
            DataTypes.FIELD("topic", DataTypes.STRING()), DataTypes.FIELD("kafka_partition", DataTypes.INT()),
            DataTypes.FIELD("kafka_offset", DataTypes.BIGINT()), DataTypes.FIELD("dedup_key", DataTypes.STRING()),
            DataTypes.FIELD("item", DataTypes.INT())).bridgedTo(Row.class)));
    private static final ExternalTypeInfo<Row> MEDICATION = ExternalTypeInfo.of(DataTypes.ROW(
            DataTypes.FIELD("patient_id", DataTypes.STRING()), DataTypes.FIELD("event_time", DataTypes.TIMESTAMP(3)),
            DataTypes.FIELD("source_id", DataTypes.STRING()), DataTypes.FIELD("drug", DataTypes.STRING()),
            DataTypes.FIELD("kafka_partition", DataTypes.INT()), DataTypes.FIELD("kafka_offset", DataTypes.BIGINT()),
            DataTypes.FIELD("topic", DataTypes.STRING()), DataTypes.FIELD("item", DataTypes.INT())).bridgedTo(Row.class));

    private static Row medication(String drug, int partition, long offset) {
        return medication(drug, "medications", partition, offset, 0);
    }

    private static Row medication(String drug, String topic, int partition, long offset, int item) {
        Row row = Row.withNames();
        row.setField("topic", topic);
        row.setField("item", item);
        row.setField("patient_id", "P1");
        row.setField("event_time", LocalDateTime.parse("2026-01-05T10:00"));
        row.setField("source_id", "emar");
        row.setField("drug", drug);
        row.setField("kafka_partition", partition);
        row.setField("kafka_offset", offset);
        return row;
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, Row, Row> harness() throws Exception {
        Deduplicate.Key key = new Deduplicate.Key(EventKind.MEDICATIONS);
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new Deduplicate("medications", DUPLICATES, Duration.ZERO)), key, Types.STRING);
        harness.setup(MEDICATION.createSerializer(new SerializerConfigImpl()));
        harness.open();
        return harness;
    }

    private static List<Long> offsets(List<Row> rows) {
        return rows.stream().map(r -> r.<Long>getFieldAs("kafka_offset")).collect(Collectors.toList());
    }

    private static List<Long> emittedOffsets(KeyedOneInputStreamOperatorTestHarness<String, Row, Row> h) {
        return offsets(h.extractOutputValues());
    }

    private static List<Long> duplicateOffsets(KeyedOneInputStreamOperatorTestHarness<String, Row, Row> h) {
        var side = h.getSideOutput(DUPLICATES);
        // The harness has no queue for a side output nothing was written to.
        return side == null ? List.of() : offsets(side.stream().map(StreamRecord::getValue).collect(Collectors.toList()));
    }

    @Test
    void laterCopiesAreDuplicates() throws Exception {
        var h = harness();
        h.processElement(medication("heparin", 0, 10), 0);
        h.processElement(medication("heparin", 0, 15), 0);
        h.processElement(medication("heparin", 0, 20), 0);
        assertEquals(List.of(10L), emittedOffsets(h));
        assertEquals(List.of(15L, 20L), duplicateOffsets(h));
    }

    @Test
    void lowestOffsetWinsWhateverTheArrivalOrder() throws Exception {
        var h = harness();
        h.processElement(medication("heparin", 0, 20), 0);
        h.processElement(medication("heparin", 0, 10), 0);
        h.processElement(medication("heparin", 0, 15), 0);
        // 20 was emitted first, then replaced by the better 10; both losers are reported exactly once.
        assertEquals(List.of(20L, 10L), emittedOffsets(h));
        assertEquals(List.of(20L, 15L), duplicateOffsets(h));
    }

    @Test
    void replayOfTheKeptRecordIsNotADuplicate() throws Exception {
        var h = harness();
        h.processElement(medication("heparin", 0, 10), 0);
        h.processElement(medication("heparin", 0, 10), 0);
        assertEquals(List.of(10L), emittedOffsets(h));
        assertEquals(List.of(), duplicateOffsets(h));
    }

    @Test
    void differentDrugsAtTheSameMinuteAreDifferentEvents() throws Exception {
        var h = harness();
        h.processElement(medication("heparin", 0, 10), 0);
        h.processElement(medication("ceftriaxone", 0, 11), 0);
        assertEquals(List.of(10L, 11L), emittedOffsets(h));
        assertEquals(List.of(), duplicateOffsets(h));
    }

    @Test
    void twoItemsOfOneMessageAreTwoRecordsAndTheFirstWins() throws Exception {
        var h = harness();
        h.processElement(medication("heparin", "fhir-r4", 0, 7, 2), 0);
        h.processElement(medication("heparin", "fhir-r4", 0, 7, 1), 0);
        assertEquals(List.of(2, 1), h.extractOutputValues().stream().map(r -> r.<Integer>getFieldAs("item")).toList());
        var duplicate = h.getSideOutput(DUPLICATES).poll().getValue();
        assertEquals(List.of("fhir-r4", 7L, 2), List.of(duplicate.getField("topic"), duplicate.getField("kafka_offset"),
                duplicate.getField("item")));
    }

    @Test
    void theSameEventOnTwoTopicsIsKeptFromTheTopicFirstByNameWhateverTheArrivalOrder() throws Exception {
        for (boolean jsonFirst : new boolean[] {true, false}) {
            var h = harness();
            Row json = medication("heparin", "medications", 0, 10, 0);
            Row fhir = medication("heparin", "fhir-r4", 1, 50, 0);
            h.processElement(jsonFirst ? json : fhir, 0);
            h.processElement(jsonFirst ? fhir : json, 0);
            List<Row> emitted = h.extractOutputValues();
            assertEquals("fhir-r4", emitted.get(emitted.size() - 1).getField("topic"), "jsonFirst=" + jsonFirst);
            assertEquals(List.of(10L), duplicateOffsets(h), "the JSON record is the duplicate");
        }
    }
}
