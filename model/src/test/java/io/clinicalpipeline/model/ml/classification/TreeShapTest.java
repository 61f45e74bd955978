package io.clinicalpipeline.model.ml.classification;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TreeShapTest {

    private static final int FEATURES = 5;

    @Test
    void equalsShapleyValuesEnumeratedOverEveryCoalition() {
        Random random = new Random(7);
        for (int t = 0; t < 200; t++) {
            // Depth 5 over 5 features: most paths split some feature twice, the case the unwinding handles.
            Tree tree = randomTree(random, 5);
            double[] x = new double[FEATURES];
            for (int j = 0; j < FEATURES; j++) {
                x[j] = random.nextDouble();
            }
            double[] phi = new double[FEATURES];
            new TreeShap(tree.depth()).add(tree, x, phi);
            double[] exact = bruteForce(tree, x);
            for (int j = 0; j < FEATURES; j++) {
                assertEquals(exact[j], phi[j], 1e-12, "tree " + t + ", feature " + j);
            }
            double sum = TreeShap.expectedValue(tree);
            for (double p : phi) {
                sum += p;
            }
            assertEquals(tree.predict(x), sum, 1e-12, "tree " + t + ": the values and the mean add up to the output");
        }
    }

    @Test
    void aFeatureTheTreeNeverSplitsGetsNothing() {
        Tree stump = new Tree(new int[] {2, -1, -1}, new double[] {0.5, 0, 0}, new int[] {1, 0, 0}, new int[] {2, 0, 0},
                new double[] {0, -1, 3}, new double[] {4, 3, 1});
        double[] phi = new double[FEATURES];
        new TreeShap(stump.depth()).add(stump, new double[] {9, 9, 0.9, 9, 9}, phi);
        // Mean output (3·-1 + 1·3)/4 = 0; the row goes right (3), so feature 2 carries all 3.
        assertEquals(0, TreeShap.expectedValue(stump), 0);
        assertEquals(3, phi[2], 1e-15);
        assertEquals(0, phi[0] + phi[1] + phi[3] + phi[4], 0);
    }

    @Test
    void modelsSavedWithoutCoversStillScoreButSayTheyCannotBeExplained() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(1);
            out.writeInt(1);
            out.writeDouble(-2);
            out.writeDouble(5);
            out.writeInt(1);
            out.writeInt(3);
            int[][] nodes = {{0, 1, 2}, {-1, 0, 0}, {-1, 0, 0}};
            double[] values = {0, -1, 1};
            for (int n = 0; n < 3; n++) {
                out.writeInt(nodes[n][0]);
                out.writeDouble(n == 0 ? 0.5 : 0);
                out.writeInt(nodes[n][1]);
                out.writeInt(nodes[n][2]);
                out.writeDouble(values[n]);
            }
        }
        BoostedTrees old = BoostedTrees.decode(new ByteArrayInputStream(bytes.toByteArray()));
        assertEquals(-1, old.margin(new double[] {0.7}), 0);
        assertFalse(old.explainable());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> old.contributions(new double[] {0.7}));
        assertTrue(e.getMessage().contains("retrain"), e.getMessage());
        assertThrows(IOException.class, old::encode, "a model without covers is not saved in a format that needs them");
    }

    @Test
    void coversSurviveSavingAndLoading() throws IOException {
        Tree tree = randomTree(new Random(3), 3);
        BoostedTrees model = new BoostedTrees(FEATURES, 0.25, List.of(tree), new double[FEATURES]);
        BoostedTrees loaded = BoostedTrees.decode(new ByteArrayInputStream(model.encode()));
        assertTrue(loaded.explainable());
        double[] x = {0.1, 0.9, 0.4, 0.6, 0.2};
        assertEquals(model.expectedMargin(), loaded.expectedMargin(), 0);
        double[] phi = loaded.contributions(x);
        double sum = loaded.expectedMargin();
        for (double p : phi) {
            sum += p;
        }
        assertEquals(loaded.margin(x), sum, 1e-12);
    }

    @Test
    void aBaselineSurvivesSavingAndItsFeatureIsCreditedWithItsDistanceFromTheMean() throws IOException {
        Tree tree = randomTree(new Random(4), 3);
        BoostedTrees model = new BoostedTrees(FEATURES, -3, new BoostedTrees.Baseline(1, 0.8, 0.4), List.of(tree),
                new double[FEATURES]);
        BoostedTrees loaded = BoostedTrees.decode(new ByteArrayInputStream(model.encode()));
        assertEquals(model.baseline(), loaded.baseline());
        double[] x = {0.1, 0.9, 0.4, 0.6, 0.2};
        assertEquals(-3 + 0.8 * 0.9 + tree.predict(x), loaded.margin(x), 1e-12);
        double[] phi = loaded.contributions(x);
        double[] treeOnly = new double[FEATURES];
        new TreeShap(tree.depth()).add(tree, x, treeOnly);
        assertEquals(treeOnly[1] + 0.8 * (0.9 - 0.4), phi[1], 1e-12);
        double sum = loaded.expectedMargin();
        for (double p : phi) {
            sum += p;
        }
        assertEquals(loaded.margin(x), sum, 1e-12);
    }

    @Test
    void modelsSavedBeforeBaselinesLoadWithout() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(2);
            out.writeInt(1);
            out.writeDouble(-2);
            out.writeDouble(5);
            out.writeInt(1);
            new Tree(new int[] {0, -1, -1}, new double[] {0.5, 0, 0}, new int[] {1, 0, 0}, new int[] {2, 0, 0},
                    new double[] {0, -1, 1}, new double[] {4, 3, 1}).write(out);
        }
        BoostedTrees old = BoostedTrees.decode(new ByteArrayInputStream(bytes.toByteArray()));
        assertEquals(BoostedTrees.Baseline.NONE, old.baseline());
        assertEquals(-1, old.margin(new double[] {0.7}), 0);
        assertTrue(old.explainable());
    }

    /** A full tree on random features and thresholds, leaves with random covers, each node covering its children. */
    private static Tree randomTree(Random random, int depth) {
        int n = (1 << (depth + 1)) - 1;
        int[] feature = new int[n];
        double[] threshold = new double[n];
        int[] left = new int[n];
        int[] right = new int[n];
        double[] value = new double[n];
        double[] cover = new double[n];
        for (int node = n - 1; node >= 0; node--) {
            if (2 * node + 1 < n) {
                feature[node] = random.nextInt(FEATURES);
                threshold[node] = random.nextDouble();
                left[node] = 2 * node + 1;
                right[node] = 2 * node + 2;
                cover[node] = cover[left[node]] + cover[right[node]];
            } else {
                feature[node] = -1;
                value[node] = random.nextGaussian();
                cover[node] = 1 + random.nextInt(50);
            }
        }
        return new Tree(feature, threshold, left, right, value, cover);
    }

    /** Shapley values of v(S) = E[tree | x_S], the coalition's features followed and the others averaged by cover. */
    private static double[] bruteForce(Tree tree, double[] x) {
        double[] phi = new double[FEATURES];
        double[] factorial = new double[FEATURES + 1];
        factorial[0] = 1;
        for (int i = 1; i <= FEATURES; i++) {
            factorial[i] = factorial[i - 1] * i;
        }
        for (int j = 0; j < FEATURES; j++) {
            for (int s = 0; s < 1 << FEATURES; s++) {
                if ((s & 1 << j) != 0) {
                    continue;
                }
                int size = Integer.bitCount(s);
                double weight = factorial[size] * factorial[FEATURES - size - 1] / factorial[FEATURES];
                phi[j] += weight * (conditional(tree, x, s | 1 << j, 0) - conditional(tree, x, s, 0));
            }
        }
        return phi;
    }

    private static double conditional(Tree tree, double[] x, int coalition, int node) {
        if (tree.isLeaf(node)) {
            return tree.value(node);
        }
        int f = tree.feature(node);
        if ((coalition & 1 << f) != 0) {
            return conditional(tree, x, coalition, x[f] < tree.threshold(node) ? tree.left(node) : tree.right(node));
        }
        double l = tree.cover(tree.left(node));
        double r = tree.cover(tree.right(node));
        return (l * conditional(tree, x, coalition, tree.left(node)) + r * conditional(tree, x, coalition, tree.right(node)))
                / (l + r);
    }
}
