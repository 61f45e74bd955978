package io.clinicalpipeline.model.ml.classification;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GbtPassesTest {

    private static double[] fineHistogram(double[] values, double min, double max) {
        double[] fine = new double[GbtPasses.FINE];
        for (double v : values) {
            fine[GbtPasses.cell(v, min, max)]++;
        }
        return fine;
    }

    @Test
    void aBinaryFeatureGetsOneCutBetweenItsValues() {
        double[] values = {0, 0, 0, 1, 1, 0, 1};
        double[] cuts = GbtPasses.cuts(fineHistogram(values, 0, 1), 0, 0, 1, 32);
        assertEquals(1, cuts.length);
        assertTrue(cuts[0] > 0 && cuts[0] < 1, "cut " + cuts[0]);
        assertEquals(0, GbtPasses.bin(cuts, 0));
        assertEquals(1, GbtPasses.bin(cuts, 1));
    }

    @Test
    void aConstantFeatureHasNoCut() {
        assertEquals(0, GbtPasses.cuts(fineHistogram(new double[] {4, 4, 4}, 4, 4), 0, 4, 4, 32).length);
    }

    @Test
    void uniformValuesGetCutsAtTheirQuantilesAndBinsHoldEqualShares() {
        double[] values = new double[10_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = i / 100.0;
        }
        double max = values[values.length - 1];
        double[] cuts = GbtPasses.cuts(fineHistogram(values, 0, max), 0, 0, max, 8);
        assertEquals(7, cuts.length);
        int[] counts = new int[cuts.length + 1];
        for (double v : values) {
            counts[GbtPasses.bin(cuts, v)]++;
        }
        for (int count : counts) {
            assertEquals(values.length / 8.0, count, values.length / 8.0 * 0.05, java.util.Arrays.toString(counts));
        }
    }

    @Test
    void aSkewedFeatureKeepsItsCutsWhereTheValuesAre() {
        double[] values = new double[1000];
        for (int i = 0; i < values.length; i++) {
            values[i] = i < 900 ? 0 : 100 + i;
        }
        double[] cuts = GbtPasses.cuts(fineHistogram(values, 0, 1099), 0, 0, 1099, 4);
        assertTrue(cuts.length >= 1 && cuts[0] < 100, "the mass at 0 is cut from the tail: " + java.util.Arrays.toString(cuts));
        for (int i = 1; i < cuts.length; i++) {
            assertTrue(cuts[i] > cuts[i - 1]);
        }
    }

    @Test
    void binsFollowTheCutsAtAndAroundThem() {
        double[] cuts = {1, 2, 3};
        assertArrayEquals(new int[] {0, 1, 1, 2, 3, 3},
                new int[] {GbtPasses.bin(cuts, 0.5), GbtPasses.bin(cuts, 1), GbtPasses.bin(cuts, 1.5),
                        GbtPasses.bin(cuts, 2), GbtPasses.bin(cuts, 3), GbtPasses.bin(cuts, 99)});
    }

    @Test
    void aTreeGrownOnBinsRoutesRawValuesTheSameWayAfterItsThresholdsBecomeCuts() {
        double[][] cuts = {{0.5, 1.5, 2.5}};
        // root: bin <= 1 left (threshold 1.5), i.e. raw x < cuts[1] = 1.5
        Tree bins = new Tree(new int[] {0, -1, -1}, new double[] {1.5, 0, 0}, new int[] {1, 0, 0}, new int[] {2, 0, 0},
                new double[] {0, -1, 1}, null);
        Tree raw = bins.onRawValues(cuts);
        for (double x : new double[] {0, 0.5, 1.2, 1.5, 2, 3, 7}) {
            assertEquals(bins.predict(new double[] {GbtPasses.bin(cuts[0], x)}), raw.predict(new double[] {x}), 0.0, "x " + x);
        }
    }
}
