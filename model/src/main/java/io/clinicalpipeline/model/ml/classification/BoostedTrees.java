package io.clinicalpipeline.model.ml.classification;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.List;

/**
 * A fitted {@link GbtClassifier}: the margin is {@code base + baseline(x) + Σ tree(x)} (learning rate already in the
 * leaves) and the probability its sigmoid. {@code importance} is each feature's total loss reduction over all splits.
 *
 * <p>Saved as {@code int format, int features, double base, [int feature, double slope, double mean,]
 * double[features] importance, int trees, trees…}, big-endian like Flink ML's own model data. Format 2 added each
 * node's cover, which {@link #contributions} needs; format 3 the baseline. Older models still score.
 */
public record BoostedTrees(int features, double base, Baseline baseline, List<Tree> trees, double[] importance)
        implements Serializable {

    static final int FORMAT = 3;
    private static final int WITHOUT_COVERS = 1;
    private static final int WITHOUT_BASELINE = 2;

    /**
     * The margin the trees were boosted from, beyond the constant: {@code slope * x[feature]}, a logistic fit on one
     * feature (a clinical score such as NEWS2), so the trees learn what that score misses. {@code mean} is the
     * feature's mean over the training rows, the reference its contribution is measured from.
     */
    public record Baseline(int feature, double slope, double mean) implements Serializable {
        public static final Baseline NONE = new Baseline(-1, 0, 0);

        /** The term for features laid out from {@code x[offset]}. */
        double term(double[] x, int offset) {
            return feature < 0 ? 0 : slope * x[offset + feature];
        }
    }

    public BoostedTrees(int features, double base, List<Tree> trees, double[] importance) {
        this(features, base, Baseline.NONE, trees, importance);
    }

    public double margin(double[] x) {
        if (x.length != features) {
            throw new IllegalArgumentException("the model takes " + features + " features, got " + x.length);
        }
        double margin = base + baseline.term(x, 0);
        for (Tree tree : trees) {
            margin += tree.predict(x);
        }
        return margin;
    }

    /** Whether every tree kept its node covers (models saved in format 2 on), so that {@link #contributions} works. */
    public boolean explainable() {
        return trees.stream().allMatch(Tree::hasCover);
    }

    /**
     * The base of {@link #contributions}: {@code base}, the baseline at its training mean, and each tree's mean output
     * over the training rows.
     */
    public double expectedMargin() {
        double expected = base + baseline.slope() * baseline.mean();
        for (Tree tree : trees) {
            expected += TreeShap.expectedValue(tree);
        }
        return expected;
    }

    /**
     * Each feature's TreeSHAP value for {@code x}, summed over the trees (see {@link TreeShap}), the baseline's feature
     * also credited with its term's distance from the term at the mean (the exact Shapley value of a linear term): with
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
        if (baseline.feature() >= 0) {
            phi[baseline.feature()] += baseline.slope() * (x[baseline.feature()] - baseline.mean());
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
            out.writeInt(baseline.feature());
            out.writeDouble(baseline.slope());
            out.writeDouble(baseline.mean());
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
        if (format < WITHOUT_COVERS || format > FORMAT) {
            throw new IOException("boosted trees in format " + format + "; this version reads formats "
                    + WITHOUT_COVERS + " to " + FORMAT);
        }
        int features = in.readInt();
        double base = in.readDouble();
        Baseline baseline = format > WITHOUT_BASELINE
                ? new Baseline(in.readInt(), in.readDouble(), in.readDouble()) : Baseline.NONE;
        double[] importance = new double[features];
        for (int j = 0; j < features; j++) {
            importance[j] = in.readDouble();
        }
        int n = in.readInt();
        Tree[] trees = new Tree[n];
        for (int t = 0; t < n; t++) {
            trees[t] = Tree.read(in, features, format > WITHOUT_COVERS);
        }
        return new BoostedTrees(features, base, baseline, List.of(trees), importance);
    }
}
