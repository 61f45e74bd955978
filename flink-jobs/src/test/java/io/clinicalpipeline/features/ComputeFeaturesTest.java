package io.clinicalpipeline.features;

import io.clinicalpipeline.model.features.FeatureCalculator;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.table.runtime.typeutils.ExternalTypeInfo;
import org.apache.flink.types.Row;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

import java.time.LocalDateTime;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Event-time handling of the feature operator, with watermarks pushed by hand. */
class ComputeFeaturesTest {

    private static final long MIN = 60_000L;
    private static final long T0 = 1_767_571_200_000L; // 2026-01-05T00:00Z
    private static final OutputTag<PatientEvent> LATE = new OutputTag<>("late", Types.POJO(PatientEvent.class));
    private static final int HR_LAST_1H = column("heart_rate_1h_last");
    private static final int HR_MEAN_1H = column("heart_rate_1h_mean");

    private static int column(String feature) {
        return FeatureRows.KEY_COLUMNS.size() + FeatureCalculator.catalog().stream()
                .map(d -> d.name()).collect(Collectors.toList()).indexOf(feature);
    }

    private static PatientEvent vitals(String patient, long minute, double heartRate) {
        PatientEvent e = PatientEvent.of(PatientEvent.VITALS, patient, T0 + minute * MIN);
        e.heartRate = heartRate;
        e.systolicBp = 120.0;
        e.respiratoryRate = 16.0;
        e.spo2 = 97.0;
        e.temperatureC = 36.8;
        e.supplementalOxygen = false;
        e.consciousness = "A";
        return e;
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, PatientEvent, Row> harness(long allowedLatenessMinutes) throws Exception {
        return harness(allowedLatenessMinutes, 0);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, PatientEvent, Row> harness(long allowedLatenessMinutes,
                                                                                            long maxWaitMillis) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new ComputeFeatures(allowedLatenessMinutes * MIN, maxWaitMillis, LATE)),
                (PatientEvent e) -> e.patientId, Types.STRING);
        ExternalTypeInfo<Row> rowType = ExternalTypeInfo.of(FeatureRows.rowType());
        h.setup(rowType.createSerializer(new SerializerConfigImpl()));
        h.open();
        return h;
    }

    private static void send(KeyedOneInputStreamOperatorTestHarness<String, PatientEvent, Row> h, PatientEvent e) throws Exception {
        h.processElement(e, e.eventTime);
    }

    private static List<Row> rows(KeyedOneInputStreamOperatorTestHarness<String, PatientEvent, Row> h) {
        return h.extractOutputValues();
    }

    private static LocalDateTime at(long minute) {
        return LocalDateTime.of(2026, 1, 5, 0, 0).plusMinutes(minute);
    }

    @Test
    void featuresWaitForTheWatermarkAndComeOutInEventTimeOrder() throws Exception {
        var h = harness(0);
        send(h, vitals("P1", 20, 100));
        send(h, vitals("P1", 10, 80)); // out of order, but not late: the watermark is still behind it
        h.processWatermark(T0 + 5 * MIN);
        assertEquals(0, rows(h).size(), "nothing is final before the watermark passes");
        h.processWatermark(T0 + 30 * MIN);
        List<Row> out = rows(h);
        assertEquals(2, out.size());
        assertEquals(at(10), out.get(0).getField(1));
        assertEquals(80.0, out.get(0).getField(HR_LAST_1H));
        assertEquals(at(20), out.get(1).getField(1));
        assertEquals(100.0, out.get(1).getField(HR_LAST_1H));
        assertEquals(90.0, out.get(1).getField(HR_MEAN_1H));
        assertEquals(FeatureCalculator.VERSION, out.get(1).getField(2));
    }

    @Test
    void aStalledWatermarkHoldsNoRowLongerThanTheMaxWaitAndAStragglerCorrectsIt() throws Exception {
        var h = harness(30, 15_000);
        h.setProcessingTime(1_000);
        send(h, vitals("P1", 20, 100));
        send(h, vitals("P1", 10, 80));
        h.setProcessingTime(15_999);
        assertEquals(0, rows(h).size(), "within the max wait the rows wait for the watermark");
        h.setProcessingTime(16_000);
        List<Row> out = rows(h);
        assertEquals(List.of(at(10), at(20)), out.stream().map(r -> r.getField(1)).collect(Collectors.toList()),
                "no watermark came, yet both rows are out, oldest first");
        assertEquals(90.0, out.get(1).getField(HR_MEAN_1H));

        send(h, vitals("P1", 15, 60)); // behind the rows already out: merged, the rows behind it corrected later
        send(h, vitals("P1", 12, 70)); // a second straggler joins the same correction
        h.processWatermark(T0 + 30 * MIN);
        h.setProcessingTime(30_999);
        assertEquals(2, rows(h).size(), "corrections wait for stragglers to gather; the watermark re-emits nothing");
        h.setProcessingTime(31_000);
        List<Row> corrected = rows(h).subList(2, rows(h).size());
        assertEquals(List.of(at(12), at(15), at(20)), corrected.stream().map(r -> r.getField(1)).collect(Collectors.toList()),
                "both stragglers' rows and the later one, once each");
        assertEquals(77.5, corrected.get(2).getField(HR_MEAN_1H));
    }

    @Test
    void eventsBeyondTheAllowedLatenessGoToTheSideOutput() throws Exception {
        var h = harness(5);
        send(h, vitals("P1", 60, 90));
        h.processWatermark(T0 + 70 * MIN);
        send(h, vitals("P1", 40, 150)); // 30 minutes behind the watermark, 5 allowed
        h.processWatermark(T0 + 80 * MIN);
        assertEquals(1, rows(h).size());
        List<PatientEvent> late = h.getSideOutput(LATE).stream().map(StreamRecord::getValue).collect(Collectors.toList());
        assertEquals(1, late.size());
        assertEquals(T0 + 40 * MIN, late.get(0).eventTime);
    }

    @Test
    void aLateEventWithinTheLatenessGetsPointInTimeFeaturesAndCorrectsLaterRows() throws Exception {
        var h = harness(30);
        send(h, vitals("P1", 60, 90));
        h.processWatermark(T0 + 70 * MIN);
        send(h, vitals("P1", 50, 70)); // 10 minutes behind the patient's newest row, 30 allowed
        List<Row> out = rows(h);
        assertEquals(3, out.size(), "the late event's row and the corrected minute-60 row, without waiting for a watermark");
        Row late = out.get(1);
        assertEquals(at(50), late.getField(1));
        // As of minute 50 the reading at minute 60 had not happened yet.
        assertEquals(70.0, late.getField(HR_LAST_1H));
        assertEquals(70.0, late.getField(HR_MEAN_1H));
        Row corrected = out.get(2);
        assertEquals(at(60), corrected.getField(1));
        assertEquals(90.0, corrected.getField(HR_LAST_1H));
        assertEquals(80.0, corrected.getField(HR_MEAN_1H));
        assertEquals(90.0, out.get(0).getField(HR_MEAN_1H), "the row first emitted did not know the late event");
    }

    @Test
    void latenessIsJudgedPerPatientNotAgainstTheGlobalWatermark() throws Exception {
        var h = harness(30);
        send(h, vitals("P1", 600, 90));
        h.processWatermark(T0 + 601 * MIN);
        send(h, vitals("P2", 10, 80)); // ten hours behind the watermark, but P2's first event
        assertEquals(2, rows(h).size(), "emitted at once: the watermark has passed it and may not move again");
        assertEquals(0, h.getSideOutput(LATE) == null ? 0 : h.getSideOutput(LATE).size());
    }

    @Test
    void aRedeliveredEventReplacesItselfInsteadOfCountingTwice() throws Exception {
        var h = harness(30);
        PatientEvent first = vitals("P1", 10, 80);
        first.sourceId = "monitor-1";
        send(h, first);
        PatientEvent again = vitals("P1", 10, 80);
        again.sourceId = "monitor-1";
        send(h, again); // a changelog re-sends a row that was updated in silver
        h.processWatermark(T0 + 20 * MIN);
        send(h, again); // and again after its row was emitted
        List<Row> out = rows(h);
        assertEquals(2, out.size());
        for (Row r : out) {
            assertNull(r.getField(column("heart_rate_1h_std")), "one reading (no spread), not two");
        }
    }

    @Test
    void patientsAreIndependent() throws Exception {
        var h = harness(0);
        send(h, vitals("P1", 10, 80));
        send(h, vitals("P2", 10, 120));
        h.processWatermark(T0 + 20 * MIN);
        List<Row> out = rows(h);
        assertEquals(2, out.size());
        for (Row r : out) {
            assertEquals(r.getField(0).equals("P1") ? 80.0 : 120.0, r.getField(HR_LAST_1H));
        }
    }

    @Test
    void theDailyWindowLeavesOutReadingsOlderThanADay() throws Exception {
        var h = harness(0);
        send(h, vitals("P1", 0, 80));
        h.processWatermark(T0 + MIN);
        send(h, vitals("P1", 25 * 60, 100));
        h.processWatermark(T0 + 25 * 60 * MIN + MIN);
        Row second = rows(h).get(1);
        assertEquals(100.0, second.getField(column("heart_rate_24h_mean")));
        assertNull(second.getField(column("heart_rate_24h_std")));
    }
}
