package io.clinicalpipeline.performance;

import io.clinicalpipeline.model.eval.BinaryMetrics;
import io.clinicalpipeline.scoring.Prediction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.types.Row;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Delayed labels follow the training set's rule whichever input runs ahead, and the live window's AUROC is the batch
 * AUROC of the rows it covered.
 */
class LivePerformanceTest {
    private static final long HOUR = 3_600_000L;

    @Test
    void anOutcomeLabelsTheHorizonBeforeItAndExcludesTheWashoutAfterIt() throws Exception {
        Map<Long, Integer> labels = labels(harness -> {
            for (int h = 0; h <= 30; h++) {
                harness.processElement1(prediction("p1", h * HOUR), 0);
            }
            harness.processElement2(outcome("p1", 5 * HOUR), 0);
            watermark(harness, 36 * HOUR);
        });
        // Outcome at 5 h, horizon 6 h: predictions at 0-4 h are positive; 5 h to 28 h are in the 24 h washout after it;
        // 29 h and 30 h are negatives once event time passes 35 h and 36 h.
        Map<Long, Integer> expected = new TreeMap<>();
        for (int h = 0; h <= 4; h++) {
            expected.put((long) h, 1);
        }
        expected.put(29L, 0);
        expected.put(30L, 0);
        assertEquals(expected, labels);
    }

    @Test
    void anOutcomeThatArrivesLateButBeforeTheWatermarkStillLabels() throws Exception {
        Map<Long, Integer> outcomeFirst = labels(harness -> {
            harness.processElement2(outcome("p1", 10 * HOUR), 0);
            for (int h = 0; h <= 12; h++) {
                harness.processElement1(prediction("p1", h * HOUR), 0);
            }
            watermark(harness, 60 * HOUR);
        });
        // The outcome's input lags hours behind the predictions' (a backlog read topic by topic): its watermark holds
        // the negatives back until it arrives.
        Map<Long, Integer> predictionsFirst = labels(harness -> {
            for (int h = 0; h <= 12; h++) {
                harness.processElement1(prediction("p1", h * HOUR), 0);
            }
            harness.processWatermark1(new Watermark(60 * HOUR));
            harness.processWatermark2(new Watermark(HOUR));
            harness.processElement2(outcome("p1", 10 * HOUR), 0);
            harness.processWatermark2(new Watermark(60 * HOUR));
        });
        assertEquals(outcomeFirst, predictionsFirst);
        Map<Long, Integer> expected = new TreeMap<>();
        for (long h = 0; h <= 9; h++) {
            expected.put(h, h >= 4 ? 1 : 0);
        }
        assertEquals(expected, outcomeFirst);
    }

    @Test
    void aNegativeWaitsUntilEventTimePassesItsHorizon() throws Exception {
        assertEquals(Map.of(), labels(harness -> {
            harness.processElement1(prediction("p2", 0), 0);
            harness.processElement1(prediction("p2", HOUR), 0);
            watermark(harness, 6 * HOUR - 1);
        }));
        assertEquals(Map.of(0L, 0), labels(harness -> {
            harness.processElement1(prediction("p2", 0), 0);
            harness.processElement1(prediction("p2", HOUR), 0);
            watermark(harness, 6 * HOUR);
        }));
    }

    @Test
    void theWindowsAurocIsTheBatchAurocOfTheRowsItCovered() throws Exception {
        OutputTag<Row> tag = new OutputTag<>("outcomes", Types.GENERIC(Row.class));
        SplittableRandom random = new SplittableRandom(3);
        try (OneInputStreamOperatorTestHarness<LabelledPrediction, Row> h =
                     ProcessFunctionTestHarnesses.forProcessFunction(new PerformanceWindow(200, 100, tag))) {
            List<LabelledPrediction> sent = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                int label = random.nextDouble() < 0.2 ? 1 : 0;
                double score = Math.min(1, Math.max(0, 0.3 * label + random.nextDouble() * 0.7));
                LabelledPrediction p = new LabelledPrediction("p" + i % 30, i * 60_000L, 1, "production", score,
                        random.nextInt(8) + 2.0 * label, label, label == 1 ? "sepsis" : null);
                sent.add(p);
                h.processElement(p, i);
            }
            List<Row> measurements = h.extractOutputValues();
            assertEquals(3, measurements.size(), "one measurement per 100 labels");
            Row last = measurements.get(2);
            assertEquals(300L, last.getField(3), "last_seq");
            assertEquals(200L, last.getField(5), "window_rows");
            List<LabelledPrediction> covered = sent.subList(100, 300);
            double[] scores = covered.stream().mapToDouble(p -> p.score).toArray();
            double[] news2 = covered.stream().mapToDouble(p -> p.news2).toArray();
            double[] y = covered.stream().mapToDouble(p -> p.label).toArray();
            assertEquals(BinaryMetrics.of(scores, y, 0.5).auroc(), (double) last.getField(7), 1e-12);
            assertEquals(BinaryMetrics.of(scores, y, 0.5).auprc(), (double) last.getField(8), 1e-12);
            assertEquals(BinaryMetrics.of(news2, y, 5).auroc(), (double) last.getField(9), 1e-12);
            assertEquals(covered.stream().mapToInt(p -> p.label).sum(), ((Long) last.getField(6)).intValue());
            List<Long> seqs = h.getSideOutput(tag).stream().map(r -> (Long) r.getValue().getField(3)).toList();
            assertEquals(300, seqs.size());
            assertEquals(1L, seqs.get(0));
            assertEquals(300L, seqs.get(299));
            assertTrue((double) last.getField(13) >= 0, "calibration error");
        }
    }

    private interface Feed {
        void into(KeyedTwoInputStreamOperatorTestHarness<String, Prediction, Tuple3<String, Long, String>, LabelledPrediction> h)
                throws Exception;
    }

    /** Labels by prediction time in hours. */
    private static Map<Long, Integer> labels(Feed feed) throws Exception {
        try (var h = new KeyedTwoInputStreamOperatorTestHarness<>(new KeyedCoProcessOperator<>(
                new DelayedLabels(Duration.ofHours(6), Duration.ofHours(24), Duration.ofDays(3))),
                (Prediction p) -> p.patientId, (Tuple3<String, Long, String> o) -> o.f0, Types.STRING)) {
            h.open();
            feed.into(h);
            return h.extractOutputValues().stream().collect(Collectors.toMap(p -> p.eventTime / HOUR, p -> p.label,
                    (a, b) -> a, TreeMap::new));
        }
    }

    private static void watermark(
            KeyedTwoInputStreamOperatorTestHarness<String, Prediction, Tuple3<String, Long, String>, LabelledPrediction> h,
            long time) throws Exception {
        h.processBothWatermarks(new Watermark(time));
    }

    private static Prediction prediction(String patient, long time) {
        Prediction p = new Prediction(patient, time, 1, "m", "production", true, 0.5, "MEDIUM", time);
        p.news2 = 3.0;
        return p;
    }

    private static Tuple3<String, Long, String> outcome(String patient, long time) {
        return Tuple3.of(patient, time, "sepsis");
    }
}
