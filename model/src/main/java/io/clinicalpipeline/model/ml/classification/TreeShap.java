package io.clinicalpipeline.model.ml.classification;

/**
 * The SHAP values of one tree for one row, by Lundberg, Erion and Lee's path-dependent TreeSHAP (2018, "Consistent
 * individualized feature attribution for tree ensembles", algorithm 2): a feature outside a coalition sends the row
 * down both branches in proportion to the training rows (the cover) each received. Exact Shapley values of that
 * game in O(leaves × depth²), so a feature's credit does not depend on where in the tree it is split, as it does with
 * Saabas's differences of node means along the row's path (which over-credit splits near the leaves).
 *
 * <p>The path of features met so far is kept per recursion level in one buffer, {@code depth + 2} slots a level: a
 * level copies its parent's path before extending it, so both children of a node start from the same path. The
 * buffers are sized for the deepest tree once and reused for every tree of a row, and the weights' divisions by small
 * integers are multiplications by their reciprocals: divisions were most of the time.
 */
final class TreeShap {

    private final int slots;
    private final int[] feature;
    private final double[] zero;
    private final double[] one;
    private final double[] weight;
    /** {@code reciprocal[k] = 1 / k}. */
    private final double[] reciprocal;
    private Tree tree;
    private double[] x;
    private double[] phi;

    /** Buffers for trees up to {@code maxDepth} levels below the root. */
    TreeShap(int maxDepth) {
        slots = maxDepth + 2;
        int size = slots * (maxDepth + 1);
        feature = new int[size];
        zero = new double[size];
        one = new double[size];
        weight = new double[size];
        reciprocal = new double[slots + 1];
        for (int k = 1; k <= slots; k++) {
            reciprocal[k] = 1.0 / k;
        }
    }

    /** Adds the tree's SHAP value of each feature of {@code row} to {@code contributions}. */
    void add(Tree t, double[] row, double[] contributions) {
        if (!t.hasCover()) {
            throw new IllegalStateException("the tree was saved without node covers; retrain the model to explain it");
        }
        if (t.depth() + 2 > slots) {
            throw new IllegalArgumentException("a tree of depth " + t.depth() + " needs buffers for " + (slots - 2) + "+");
        }
        tree = t;
        x = row;
        phi = contributions;
        recurse(0, 0, 0, 1, 1, -1, 0);
    }

    /** The tree's mean output over the training rows: the value SHAP values start from. */
    static double expectedValue(Tree tree) {
        return expectedValue(tree, 0);
    }

    private static double expectedValue(Tree tree, int node) {
        if (tree.isLeaf(node)) {
            return tree.value(node);
        }
        int l = tree.left(node);
        int r = tree.right(node);
        double covered = tree.cover(l) + tree.cover(r);
        return covered == 0 ? 0
                : (tree.cover(l) * expectedValue(tree, l) + tree.cover(r) * expectedValue(tree, r)) / covered;
    }

    /**
     * @param parentLength the parent's path length (0 at the root)
     * @param zeroFraction the share of the parent's cover this node holds when {@code splitFeature} is unknown
     * @param oneFraction 1 if the row itself goes this way at the parent, else 0
     */
    private void recurse(int node, int parentBase, int parentLength, double zeroFraction, double oneFraction,
                         int splitFeature, int level) {
        int base = level * slots;
        // A plain loop: paths are a few slots long, where four System.arraycopy calls cost more than the copying.
        for (int k = 0; k < parentLength; k++) {
            feature[base + k] = feature[parentBase + k];
            zero[base + k] = zero[parentBase + k];
            one[base + k] = one[parentBase + k];
            weight[base + k] = weight[parentBase + k];
        }
        int length = extend(base, parentLength, zeroFraction, oneFraction, splitFeature);
        if (tree.isLeaf(node)) {
            double value = tree.value(node);
            for (int i = 1; i < length; i++) {
                phi[feature[base + i]] += unwoundSum(base, length, i) * (one[base + i] - zero[base + i]) * value;
            }
            return;
        }
        int split = tree.feature(node);
        boolean goesLeft = x[split] < tree.threshold(node);
        int hot = goesLeft ? tree.left(node) : tree.right(node);
        int cold = goesLeft ? tree.right(node) : tree.left(node);
        double incomingZero = 1;
        double incomingOne = 1;
        for (int k = 1; k < length; k++) {
            // A feature split twice on the path is one player: its earlier fractions carry over and its slot goes.
            if (feature[base + k] == split) {
                incomingZero = zero[base + k];
                incomingOne = one[base + k];
                unwind(base, length, k);
                length--;
                break;
            }
        }
        recurse(hot, base, length, incomingZero * share(node, hot), incomingOne, split, level + 1);
        double coldZero = incomingZero * share(node, cold);
        // A branch the row does not take and no training row reached adds nothing (and its weights would divide by 0).
        if (coldZero > 0) {
            recurse(cold, base, length, coldZero, 0, split, level + 1);
        }
    }

    private double share(int node, int child) {
        double cover = tree.cover(node);
        return cover > 0 ? tree.cover(child) / cover : 0;
    }

    /** Appends a feature to the path at {@code base} of {@code length}, updating the permutation weights. */
    private int extend(int base, int length, double zeroFraction, double oneFraction, int splitFeature) {
        feature[base + length] = splitFeature;
        zero[base + length] = zeroFraction;
        one[base + length] = oneFraction;
        weight[base + length] = length == 0 ? 1 : 0;
        // Constants grouped apart from the weights, so each step's dependent work is one multiply-add.
        double oneScaled = oneFraction * reciprocal[length + 1];
        double zeroScaled = zeroFraction * reciprocal[length + 1];
        for (int i = length - 1; i >= 0; i--) {
            double w = weight[base + i];
            weight[base + i + 1] += w * (oneScaled * (i + 1));
            weight[base + i] = w * (zeroScaled * (length - i));
        }
        return length + 1;
    }

    /** Removes slot {@code i} from the path, undoing its {@link #extend}. */
    private void unwind(int base, int length, int i) {
        double o = one[base + i];
        double z = zero[base + i];
        double next = weight[base + length - 1];
        double perLength = reciprocal[length];
        if (o != 0) {
            double overOne = length / o;
            for (int j = length - 2; j >= 0; j--) {
                double kept = weight[base + j];
                weight[base + j] = next * overOne * reciprocal[j + 1];
                next = kept - weight[base + j] * z * (length - j - 1) * perLength;
            }
        } else {
            double overZero = length / z;
            for (int j = length - 2; j >= 0; j--) {
                weight[base + j] = weight[base + j] * overZero * reciprocal[length - j - 1];
            }
        }
        for (int j = i; j < length - 1; j++) {
            feature[base + j] = feature[base + j + 1];
            zero[base + j] = zero[base + j + 1];
            one[base + j] = one[base + j + 1];
        }
    }

    /** The sum of the weights {@link #unwind} of slot {@code i} would leave, without changing the path. */
    private double unwoundSum(int base, int length, int i) {
        double o = one[base + i];
        double z = zero[base + i];
        double total = 0;
        if (o != 0) {
            double next = weight[base + length - 1];
            double overOne = length / o;
            double perLength = reciprocal[length];
            double zPerLength = z * perLength;
            for (int j = length - 2; j >= 0; j--) {
                // The chain from one step's next to the following one is a multiply and a multiply-add.
                double w = next * (overOne * reciprocal[j + 1]);
                total += w;
                next = weight[base + j] - w * (zPerLength * (length - j - 1));
            }
        } else {
            double overZero = length / z;
            for (int j = length - 2; j >= 0; j--) {
                total += weight[base + j] * (overZero * reciprocal[length - j - 1]);
            }
        }
        return total;
    }
}
