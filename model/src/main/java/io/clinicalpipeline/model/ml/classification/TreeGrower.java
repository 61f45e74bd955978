package io.clinicalpipeline.model.ml.classification;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Grows one tree level by level in the client from the histograms the subtasks sum (see
 * {@link GbtPasses.Histogram}): each open node takes the split with the largest loss reduction
 * {@code ½ [G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)]} over all features and bin boundaries (second-order, as
 * XGBoost and LightGBM); a leaf's value is {@code −step · G/(H+λ)}.
 */
final class TreeGrower {

    private static final int LEAF = -1;
    /** Relative difference below which two gains count as equal. */
    private static final double TIE = 1e-9;

    private final int maxDepth;
    private final double lambda;
    private final int minInstances;
    private final double minGain;
    private final double step;
    private final int[] offsets;
    private final int[] bins;
    private final double[] importance;

    private final List<int[]> links = new ArrayList<>();
    private final List<double[]> totals = new ArrayList<>();
    private final List<Integer> feature = new ArrayList<>();
    private final List<Double> threshold = new ArrayList<>();
    private List<Integer> open = new ArrayList<>(List.of(0));
    private int depth;

    /** @param importance each feature's gain, added to by every split of this tree */
    TreeGrower(int maxDepth, double lambda, int minInstances, double minGain, double step, int[] offsets, int[] bins,
               double[] importance) {
        this.maxDepth = maxDepth;
        this.lambda = lambda;
        this.minInstances = minInstances;
        this.minGain = minGain;
        this.step = step;
        this.offsets = offsets;
        this.bins = bins;
        this.importance = importance;
        addNode(null);
    }

    /** Whether some node is still open for a split at the current level. */
    boolean growing() {
        return !open.isEmpty();
    }

    int depth() {
        return depth;
    }

    /** The tree so far, for routing points to open nodes. */
    Tree snapshot() {
        return tree(new double[feature.size()], null);
    }

    /** The histogram slot of every node: its index among the open nodes, or -1. */
    int[] slots() {
        int[] slot = new int[feature.size()];
        Arrays.fill(slot, -1);
        for (int s = 0; s < open.size(); s++) {
            slot[open.get(s)] = s;
        }
        return slot;
    }

    /** Splits the open nodes with {@code histogram} (laid out as {@link GbtPasses.Histogram}); returns the best gain. */
    double split(double[] histogram, int totalBins) {
        List<Integer> next = new ArrayList<>();
        double bestGain = 0;
        for (int slot = 0; slot < open.size(); slot++) {
            int node = open.get(slot);
            int base = 2 + slot * totalBins * 3;
            double[] sum = new double[3];
            for (int b = 0; b < bins[0]; b++) {
                for (int k = 0; k < 3; k++) {
                    sum[k] += histogram[base + (offsets[0] + b) * 3 + k];
                }
            }
            totals.set(node, sum);
            Split best = best(histogram, base, sum);
            if (best == null) {
                continue;
            }
            bestGain = Math.max(bestGain, best.gain);
            importance[best.feature] += best.gain;
            feature.set(node, best.feature);
            threshold.set(node, best.bin + 0.5);
            int left = addNode(best.left);
            int right = addNode(new double[] {sum[0] - best.left[0], sum[1] - best.left[1], sum[2] - best.left[2]});
            links.set(node, new int[] {left, right});
            for (int child : new int[] {left, right}) {
                if (depth + 1 < maxDepth && totals.get(child)[2] >= 2L * minInstances) {
                    next.add(child);
                }
            }
        }
        open = next;
        depth++;
        return bestGain;
    }

    private record Split(int feature, int bin, double gain, double[] left) {}

    private Split best(double[] histogram, int base, double[] sum) {
        double parent = score(sum[0], sum[1]);
        Split best = null;
        double bestGain = minGain;
        for (int j = 0; j < offsets.length; j++) {
            double gl = 0;
            double hl = 0;
            double cl = 0;
            for (int b = 0; b < bins[j] - 1; b++) {
                int i = base + (offsets[j] + b) * 3;
                gl += histogram[i];
                hl += histogram[i + 1];
                cl += histogram[i + 2];
                if (cl < minInstances) {
                    continue;
                }
                if (sum[2] - cl < minInstances) {
                    break;
                }
                double gain = 0.5 * (score(gl, hl) + score(sum[0] - gl, sum[1] - hl) - parent);
                // Different features often cut a small node into the same two sets: equal gains up to rounding,
                // which depends on how the subtasks' sums were added. The first (lowest feature and bin) wins, so
                // a fit does not depend on its parallelism.
                if (gain > bestGain + TIE * Math.abs(bestGain)) {
                    bestGain = gain;
                    best = new Split(j, b, gain, new double[] {gl, hl, cl});
                }
            }
        }
        return best;
    }

    private double score(double g, double h) {
        return h + lambda > 0 ? g * g / (h + lambda) : 0;
    }

    /**
     * The finished tree: every node not split is a leaf valued from its gradient and hessian sums, and every node keeps
     * the count of rows that reached it as its cover.
     */
    Tree build() {
        double[] value = new double[feature.size()];
        double[] cover = new double[feature.size()];
        for (int node = 0; node < value.length; node++) {
            double[] sum = totals.get(node);
            if (feature.get(node) == LEAF && sum != null && sum[1] + lambda > 0) {
                value[node] = -step * sum[0] / (sum[1] + lambda);
            }
            cover[node] = sum == null ? 0 : sum[2];
        }
        return tree(value, cover);
    }

    private Tree tree(double[] value, double[] cover) {
        int n = feature.size();
        int[] f = new int[n];
        double[] t = new double[n];
        int[] l = new int[n];
        int[] r = new int[n];
        for (int node = 0; node < n; node++) {
            f[node] = feature.get(node);
            t[node] = threshold.get(node);
            l[node] = links.get(node)[0];
            r[node] = links.get(node)[1];
        }
        return new Tree(f, t, l, r, value, cover);
    }

    private int addNode(double[] sum) {
        links.add(new int[2]);
        totals.add(sum);
        feature.add(LEAF);
        threshold.add(0.0);
        return feature.size() - 1;
    }
}
