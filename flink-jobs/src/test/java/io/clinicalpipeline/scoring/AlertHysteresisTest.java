package io.clinicalpipeline.scoring;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AlertHysteresisTest {

    private final RiskPolicy policy = new RiskPolicy(0.3, 0.7, 0.5);

    @Test
    void bandsFollowTheThresholds() {
        assertEquals("LOW", policy.band(0.29));
        assertEquals("MEDIUM", policy.band(0.3));
        assertEquals("MEDIUM", policy.band(0.69));
        assertEquals("HIGH", policy.band(0.7));
        assertThrows(IllegalArgumentException.class, () -> new RiskPolicy(0.3, 0.7, 0.8), "clear above alert");
    }

    @Test
    void oneAlertPerCrossingNoStormWhileHovering() throws Exception {
        var h = harness();
        double[] scores = {0.2, 0.75, 0.69, 0.72, 0.55, 0.8, 0.49, 0.6, 0.71};
        for (int i = 0; i < scores.length; i++) {
            h.processElement(new StreamRecord<>(served("p", i * 1000L, scores[i])));
        }
        assertEquals(List.of("RAISED@0.75", "CLEARED@0.49", "RAISED@0.71"), transitions(h),
                "0.69-0.8 hovering above the clear threshold raises nothing new");
    }

    @Test
    void lateCorrectionsAndUnservedScoresDoNotFlipTheState() throws Exception {
        var h = harness();
        h.processElement(new StreamRecord<>(served("p", 2000, 0.9)));
        h.processElement(new StreamRecord<>(served("p", 1000, 0.1)));
        Prediction shadow = served("p", 3000, 0.1);
        shadow.served = false;
        h.processElement(new StreamRecord<>(shadow));
        h.processElement(new StreamRecord<>(served("q", 1000, 0.95)));
        assertEquals(List.of("RAISED@0.9", "RAISED@0.95"), transitions(h), "patients keep their own state");
    }

    @Test
    void aReplayAfterARestoreRepeatsTheSameAlertIds() throws Exception {
        var first = harness();
        first.processElement(new StreamRecord<>(served("p", 1000, 0.2)));
        OperatorSubtaskState checkpoint = first.snapshot(1, 1);
        first.processElement(new StreamRecord<>(served("p", 2000, 0.9)));
        first.processElement(new StreamRecord<>(served("p", 3000, 0.1)));
        List<String> delivered = first.extractOutputValues().stream().map(a -> a.alertId).toList();

        var restored = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new AlertHysteresis(policy)),
                (Prediction p) -> p.patientId, Types.STRING);
        restored.initializeState(checkpoint);
        restored.open();
        restored.processElement(new StreamRecord<>(served("p", 2000, 0.9)));
        restored.processElement(new StreamRecord<>(served("p", 3000, 0.1)));
        assertEquals(List.of("p|RAISED|2000", "p|CLEARED|3000"), delivered);
        assertEquals(delivered, restored.extractOutputValues().stream().map(a -> a.alertId).toList(),
                "a consumer deduplicating by alert id acts on each alert once");
    }

    private KeyedOneInputStreamOperatorTestHarness<String, Prediction, RiskAlert> harness() throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new AlertHysteresis(policy)),
                (Prediction p) -> p.patientId, Types.STRING);
        h.open();
        return h;
    }

    private Prediction served(String patient, long time, double score) {
        return new Prediction(patient, time, 1, "m", "production", true, score, policy.band(score), time);
    }

    private static List<String> transitions(KeyedOneInputStreamOperatorTestHarness<String, Prediction, RiskAlert> h) {
        return h.extractOutputValues().stream().map(a -> a.type + "@" + a.score).toList();
    }
}
