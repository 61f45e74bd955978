package io.clinicalpipeline.model.eval;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BinaryMetricsTest {

    @Test
    void ranksPrecisionAndConfusionOfAHandCheckedExample() {
        BinaryMetrics m = BinaryMetrics.of(new double[] {0.9, 0.8, 0.7, 0.6, 0.5}, new double[] {1, 0, 1, 0, 0}, 0.65);
        assertEquals(5.0 / 6, m.auroc(), 1e-12, "the positive at 0.7 is beaten by one of three negatives");
        assertEquals((1 + 2.0 / 3) / 2, m.auprc(), 1e-12, "precision 1 at the first positive, 2/3 at the second");
        assertEquals(new BinaryMetrics.Confusion(2, 1, 2, 0), m.confusion());
        assertEquals(2.0 / 3, m.confusion().precision(), 1e-12);
        assertEquals(1.0, m.confusion().recall(), 1e-12);
        assertEquals(0.8, m.confusion().f1(), 1e-12);
        assertEquals((0.01 + 0.64 + 0.09 + 0.36 + 0.25) / 5, m.brier(), 1e-12);
    }

    @Test
    void tiedScoresCountAsHalfAndDoNotDependOnRowOrder() {
        BinaryMetrics a = BinaryMetrics.of(new double[] {0.5, 0.5, 0.1}, new double[] {1, 0, 0}, 0.5);
        BinaryMetrics b = BinaryMetrics.of(new double[] {0.5, 0.5, 0.1}, new double[] {0, 1, 0}, 0.5);
        assertEquals(0.75, a.auroc(), 1e-12);
        assertEquals(a.auroc(), b.auroc());
        assertEquals(0.5, a.auprc(), 1e-12, "the tie enters as one step: 1 positive in 2 rows");
        assertEquals(a.auprc(), b.auprc());
    }

    @Test
    void calibrationBinsHoldMeanScoreAndObservedRate() {
        BinaryMetrics m = BinaryMetrics.of(new double[] {0.05, 0.08, 0.95, 0.91}, new double[] {0, 1, 1, 1}, 0.5);
        BinaryMetrics.CalibrationBin low = m.calibration().get(0);
        assertEquals(2, low.rows());
        assertEquals(0.065, low.meanScore(), 1e-12);
        assertEquals(0.5, low.positiveRate(), 1e-12);
        assertEquals(2, m.calibration().get(9).rows());
        assertEquals(1.0, m.roc().get(m.roc().size() - 1).truePositiveRate(), 1e-12);
    }

    @Test
    void rejectsLabelsOtherThanZeroAndOne() {
        assertThrows(IllegalArgumentException.class, () -> BinaryMetrics.of(new double[] {0.1}, new double[] {2}, 0.5));
    }
}
