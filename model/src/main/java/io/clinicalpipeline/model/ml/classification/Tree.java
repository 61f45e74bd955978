package io.clinicalpipeline.model.ml.classification;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;

/**
 * A binary decision tree: an internal node sends {@code x[feature] < threshold} left and the rest right; a leaf
 * holds the value it adds to the margin. While a tree grows its features are bin indices and a split after bin b
 * has threshold {@code b + 0.5}, so training routes points with the same rule the fitted model uses on raw
 * values once thresholds become cut points. {@code cover} is the number of training rows that reached each node: the
 * distribution {@link TreeShap} takes expectations over (null for a tree saved before covers were kept).
 */
public final class Tree implements Serializable {

    private static final int LEAF = -1;

    private final int[] feature;
    private final double[] threshold;
    private final int[] left;
    private final int[] right;
    private final double[] value;
    private final double[] cover;
    private final int depth;

    Tree(int[] feature, double[] threshold, int[] left, int[] right, double[] value, double[] cover) {
        this.feature = feature;
        this.threshold = threshold;
        this.left = left;
        this.right = right;
        this.value = value;
        this.cover = cover;
        // Children come after their parent, so one pass in node order sees every parent's level first.
        int[] level = new int[feature.length];
        int deepest = 0;
        for (int node = 0; node < feature.length; node++) {
            if (feature[node] != LEAF) {
                level[left[node]] = level[node] + 1;
                level[right[node]] = level[node] + 1;
                deepest = Math.max(deepest, level[node] + 1);
            }
        }
        this.depth = deepest;
    }

    /** A tree of one leaf (value 0): where every tree starts growing. */
    static Tree root() {
        return new Tree(new int[] {LEAF}, new double[1], new int[1], new int[1], new double[1], null);
    }

    /** The leaf that {@code x}, read from {@code offset} on, falls into. */
    int leaf(double[] x, int offset) {
        int node = 0;
        while (feature[node] != LEAF) {
            node = x[offset + feature[node]] < threshold[node] ? left[node] : right[node];
        }
        return node;
    }

    /** The value this tree adds to the margin of {@code x}. */
    public double predict(double[] x) {
        return value[leaf(x, 0)];
    }

    double predict(double[] x, int offset) {
        return value[leaf(x, offset)];
    }

    public int nodes() {
        return feature.length;
    }

    boolean isLeaf(int node) {
        return feature[node] == LEAF;
    }

    /** This tree grown on bin indices, with each split's threshold the raw cut point of its bin. */
    Tree onRawValues(double[][] cuts) {
        double[] raw = threshold.clone();
        for (int node = 0; node < feature.length; node++) {
            if (feature[node] != LEAF) {
                raw[node] = cuts[feature[node]][(int) threshold[node]];
            }
        }
        return new Tree(feature, raw, left, right, value, cover);
    }

    int feature(int node) {
        return feature[node];
    }

    double threshold(int node) {
        return threshold[node];
    }

    int left(int node) {
        return left[node];
    }

    int right(int node) {
        return right[node];
    }

    double value(int node) {
        return value[node];
    }

    boolean hasCover() {
        return cover != null;
    }

    double cover(int node) {
        return cover[node];
    }

    /** Levels below the root on the longest path: the depth {@link TreeShap}'s path buffers need. */
    int depth() {
        return depth;
    }

    /** Written as nodes of {@code feature, threshold, left, right, value, cover}; see {@link BoostedTrees}. */
    void write(DataOutputStream out) throws IOException {
        if (cover == null) {
            throw new IOException("a tree without node covers cannot be saved in format " + BoostedTrees.FORMAT);
        }
        out.writeInt(feature.length);
        for (int node = 0; node < feature.length; node++) {
            out.writeInt(feature[node]);
            out.writeDouble(threshold[node]);
            out.writeInt(left[node]);
            out.writeInt(right[node]);
            out.writeDouble(value[node]);
            out.writeDouble(cover[node]);
        }
    }

    /** @param withCover whether the nodes carry their cover (format 2 on) */
    static Tree read(DataInputStream in, int features, boolean withCover) throws IOException {
        int n = in.readInt();
        if (n <= 0) {
            throw new IOException("a tree has " + n + " nodes");
        }
        int[] feature = new int[n];
        double[] threshold = new double[n];
        int[] left = new int[n];
        int[] right = new int[n];
        double[] value = new double[n];
        double[] cover = withCover ? new double[n] : null;
        for (int node = 0; node < n; node++) {
            feature[node] = in.readInt();
            threshold[node] = in.readDouble();
            left[node] = in.readInt();
            right[node] = in.readInt();
            value[node] = in.readDouble();
            if (withCover) {
                cover[node] = in.readDouble();
            }
            boolean valid = feature[node] == LEAF || (feature[node] >= 0 && feature[node] < features
                    && left[node] > node && left[node] < n && right[node] > node && right[node] < n);
            if (!valid) {
                throw new IOException("node " + node + " of a tree is corrupt (feature " + feature[node] + ", children "
                        + left[node] + ", " + right[node] + " of " + n + " nodes)");
            }
        }
        return new Tree(feature, threshold, left, right, value, cover);
    }
}
