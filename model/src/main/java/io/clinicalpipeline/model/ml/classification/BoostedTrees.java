package io.clinicalpipeline.model.ml.classification;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.List;

/**
 * A fitted {@link GbtClassifier}: the margin is {@code base + Σ tree(x)} (learning rate already in the leaves) and
 * the probability its sigmoid. {@code importance} is each feature's total loss reduction over all splits.
 *
 * <p>Saved as {@code int format, int features, double base, double[features] importance, int trees, trees…},
 * big-endian like Flink ML's own model data. Format 2 added each node's cover, which {@link #contributions} needs;
 * format 1 models still score.
 */
public record BoostedTrees(int features, double base, List<Tree> trees, double[] importance) implements Serializable {

    static final int FORMAT = 2;
    private static final int WITHOUT_COVERS = 1;

    public double margin(double[] x) {
        if (x.length != features) {
            throw new IllegalArgumentException("the model takes " + features + " features, got " + x.length);
        }
        double margin = base;
        for (Tree tree : trees) {
            margin += tree.predict(x);
        }
        return margin;
    }

    /** Whether every tree kept its node covers (models saved in format 2 on), so that {@link #contributions} works. */
    public boolean explainable() {
        return trees.stream().allMatch(Tree::hasCover);
    }

    /** The base of {@link #contributions}: {@code base} plus each tree's mean output over the training rows. */
    public double expectedMargin() {
        double expected = base;
        for (Tree tree : trees) {
            expected += TreeShap.expectedValue(tree);
        }
        return expected;
    }

    /**
     * Each feature's TreeSHAP value for {@code x}, summed over the trees (see {@link TreeShap}): with
     * {@link #expectedMargin} they add up to {@link #margin}.
     *
     * @throws IllegalStateException for a model saved without node covers (format 1)
     */
    public double[] contributions(double[] x) {
        if (x.length != features) {
            throw new IllegalArgumentException("the model takes " + features + " features, got " + x.length);
        }
        double[] phi = new double[features];
        TreeShap shap = new TreeShap(trees.stream().mapToInt(Tree::depth).max().orElse(0));
        for (Tree tree : trees) {
            shap.add(tree, x, phi);
        }
        return phi;
    }

    /** The positive class's probability, with the formula Flink ML's logistic regression servable uses. */
    public double probability(double[] x) {
        return 1 - 1.0 / (1.0 + Math.exp(margin(x)));
    }

    public byte[] encode() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(FORMAT);
            out.writeInt(features);
            out.writeDouble(base);
            for (double gain : importance) {
                out.writeDouble(gain);
            }
            out.writeInt(trees.size());
            for (Tree tree : trees) {
                tree.write(out);
            }
        }
        return bytes.toByteArray();
    }

    public static BoostedTrees decode(InputStream stream) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        int format = in.readInt();
        if (format != FORMAT && format != WITHOUT_COVERS) {
            throw new IOException("boosted trees in format " + format + "; this version reads formats "
                    + WITHOUT_COVERS + " and " + FORMAT);
        }
        int features = in.readInt();
        double base = in.readDouble();
        double[] importance = new double[features];
        for (int j = 0; j < features; j++) {
            importance[j] = in.readDouble();
        }
        int n = in.readInt();
        Tree[] trees = new Tree[n];
        for (int t = 0; t < n; t++) {
            trees[t] = Tree.read(in, features, format >= FORMAT);
        }
        return new BoostedTrees(features, base, List.of(trees), importance);
    }
}
