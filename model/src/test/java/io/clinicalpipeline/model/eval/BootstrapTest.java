package io.clinicalpipeline.model.eval;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BootstrapTest {

    /** Scores that separate the classes somewhat; each "patient" contributes {@code rowsEach} identical rows. */
    private static double[][] data(int patients, int rowsEach, double signal, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = patients * rowsEach;
        double[] scores = new double[n];
        double[] labels = new double[n];
        double[] baseline = new double[n];
        double[] group = new double[n];
        for (int p = 0; p < patients; p++) {
            double y = rnd.nextDouble() < 0.3 ? 1 : 0;
            double s = y * signal + rnd.nextGaussian();
            double b = y * signal * 0.3 + rnd.nextGaussian();
            for (int r = 0; r < rowsEach; r++) {
                int i = p * rowsEach + r;
                scores[i] = s;
                baseline[i] = b;
                labels[i] = y;
                group[i] = p;
            }
        }
        return new double[][] {scores, labels, baseline, group};
    }

    private static String[] groups(double[] group) {
        String[] g = new String[group.length];
        for (int i = 0; i < g.length; i++) {
            g[i] = "P" + (int) group[i];
        }
        return g;
    }

    @Test
    void theIntervalHoldsTheEstimateAndIsReproducible() {
        double[][] d = data(300, 1, 1.5, 1);
        BinaryMetrics m = BinaryMetrics.of(d[0], d[1], 0.5);
        Bootstrap.Result a = Bootstrap.of(d[0], d[2], d[1], null, 400, 7);
        assertTrue(a.auroc().low() < m.auroc() && m.auroc() < a.auroc().high(), a + " vs " + m.auroc());
        assertTrue(a.auprc().low() < m.auprc() && m.auprc() < a.auprc().high(), a + " vs " + m.auprc());
        assertTrue(a.auroc().high() - a.auroc().low() < 0.2, "300 rows give a useful interval: " + a.auroc());
        assertEquals(a, Bootstrap.of(d[0], d[2], d[1], null, 400, 7), "same seed, same interval");
        assertEquals("rows", a.unit());
        assertEquals(300, a.units());
    }

    /** Ten identical rows per patient are one patient's worth of evidence: resampling rows would pretend otherwise. */
    @Test
    void resamplingPatientsWidensTheIntervalWhenTheirRowsAreAlike() {
        double[][] d = data(100, 10, 1.0, 2);
        Bootstrap.Result rows = Bootstrap.of(d[0], null, d[1], null, 400, 3);
        Bootstrap.Result patients = Bootstrap.of(d[0], null, d[1], groups(d[3]), 400, 3);
        double rowWidth = rows.auroc().high() - rows.auroc().low();
        double patientWidth = patients.auroc().high() - patients.auroc().low();
        assertTrue(patientWidth > 2 * rowWidth, "patients " + patients.auroc() + " vs rows " + rows.auroc());
        assertEquals("patients", patients.unit());
        assertEquals(100, patients.units());
        assertEquals(null, patients.baselineAuroc(), "no baseline, no baseline interval");
    }

    /** Model and baseline are resampled together, so a clearly better model's AUROC difference excludes zero. */
    @Test
    void thePairedDifferenceExcludesZeroForAClearlyBetterModel() {
        double[][] d = data(400, 3, 2.0, 4);
        Bootstrap.Result r = Bootstrap.of(d[0], d[2], d[1], groups(d[3]), 400, 5);
        double difference = BinaryMetrics.of(d[0], d[1], 0.5).auroc() - BinaryMetrics.of(d[2], d[1], 0.5).auroc();
        assertTrue(r.aurocDifference().low() > 0, r.aurocDifference().toString());
        assertTrue(r.aurocDifference().low() < difference && difference < r.aurocDifference().high());
    }
}
