package io.clinicalpipeline.model.ml.classification;

import io.clinicalpipeline.model.ml.common.LabelCheck;
import io.clinicalpipeline.model.ml.common.PartitionedPoints;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The passes {@link GbtClassifier} runs over its cached points {@code [label, weight, margin, x_1 … x_d]}: bounds
 * while caching, a fine histogram per feature for the quantile cut points, then per tree level a gradient/hessian
 * histogram per open node, feature and bin.
 */
final class GbtPasses {

    /** Index of the first feature in a point. */
    static final int X = 3;
    /** Equal-width cells per feature between its minimum and maximum, from which the quantile bins are read. */
    static final int FINE = 1024;

    private GbtPasses() {}

    /** The label check, then the number of points and each feature's minimum and maximum. */
    static final class Bounds extends LabelCheck {
        static final int SEEN = LabelCheck.SIZE;

        @Override
        public int size(int width) {
            return SEEN + 1 + 2 * (width - X);
        }

        @Override
        public void add(double[] partial, double[] point) {
            super.add(partial, point);
            int d = point.length - X;
            boolean first = partial[SEEN]++ == 0;
            for (int j = 0; j < d; j++) {
                double x = point[X + j];
                if (Double.isFinite(x)) {
                    partial[SEEN + 1 + j] = first ? x : Math.min(partial[SEEN + 1 + j], x);
                    partial[SEEN + 1 + d + j] = first ? x : Math.max(partial[SEEN + 1 + d + j], x);
                }
            }
        }

        @Override
        public void merge(double[] total, double[] partial) {
            int d = (total.length - SEEN - 1) / 2;
            for (int i = 0; i <= SEEN; i++) {
                total[i] += partial[i];
            }
            for (int j = 0; j < d; j++) {
                total[SEEN + 1 + j] = Math.min(total[SEEN + 1 + j], partial[SEEN + 1 + j]);
                total[SEEN + 1 + d + j] = Math.max(total[SEEN + 1 + d + j], partial[SEEN + 1 + d + j]);
            }
        }

        static double[] min(double[] bounds) {
            int d = (bounds.length - SEEN - 1) / 2;
            return Arrays.copyOfRange(bounds, SEEN + 1, SEEN + 1 + d);
        }

        static double[] max(double[] bounds) {
            int d = (bounds.length - SEEN - 1) / 2;
            return Arrays.copyOfRange(bounds, SEEN + 1 + d, SEEN + 1 + 2 * d);
        }
    }

    /** Points per fine cell: {@code partial[j * FINE + cell]}. */
    static final class FineHistogram implements PartitionedPoints.Pass {
        private final double[] min;
        private final double[] max;

        FineHistogram(double[] min, double[] max) {
            this.min = min;
            this.max = max;
        }

        @Override
        public int size(int width) {
            return min.length * FINE;
        }

        @Override
        public void add(double[] partial, double[] point) {
            for (int j = 0; j < min.length; j++) {
                partial[j * FINE + cell(point[X + j], min[j], max[j])]++;
            }
        }
    }

    static int cell(double x, double min, double max) {
        if (!(max > min)) {
            return 0;
        }
        return Math.max(0, Math.min(FINE - 1, (int) ((x - min) / (max - min) * FINE)));
    }

    /**
     * Up to {@code maxBins - 1} cut points of feature j at its count quantiles, read off the fine histogram: each cut
     * is the upper edge of a cell, with points on both sides. A value x falls in bin {@link #bin(double[], double)},
     * the number of cuts at or below it, so a feature with k cuts has k + 1 bins.
     */
    static double[] cuts(double[] fine, int j, double min, double max, int maxBins) {
        int last = -1;
        double total = 0;
        for (int c = 0; c < FINE; c++) {
            double n = fine[j * FINE + c];
            total += n;
            if (n > 0) {
                last = c;
            }
        }
        double[] cuts = new double[maxBins - 1];
        int k = 0;
        double seen = 0;
        int quantile = 1;
        for (int c = 0; c < last && k < cuts.length; c++) {
            double n = fine[j * FINE + c];
            if (n == 0) {
                continue;
            }
            seen += n;
            if (seen >= quantile * total / maxBins) {
                cuts[k++] = min + (c + 1) * (max - min) / FINE;
                while (quantile < maxBins && seen >= quantile * total / maxBins) {
                    quantile++;
                }
            }
        }
        return Arrays.copyOf(cuts, k);
    }

    /** The bin of {@code x}: how many of the sorted {@code cuts} are at or below it. */
    static int bin(double[] cuts, double x) {
        int lo = 0;
        int hi = cuts.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cuts[mid] <= x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** A change to a cached point before it is counted. */
    interface PointUpdate extends Serializable {
        void apply(double[] point);
    }

    /** The number and sum of one feature's values over the points that carry weight: the mean a tree's covers use. */
    static final class FeatureSum implements PartitionedPoints.Pass {
        private final int feature;
        private final double negativeWeight;
        private final double positiveWeight;

        FeatureSum(int feature, double[] classWeights) {
            this.feature = feature;
            this.negativeWeight = classWeights[0];
            this.positiveWeight = classWeights[1];
        }

        @Override
        public int size(int width) {
            return 2;
        }

        @Override
        public void add(double[] partial, double[] point) {
            if (LogisticPass.weight(point, negativeWeight, positiveWeight) != 0) {
                partial[0]++;
                partial[1] += point[X + feature];
            }
        }
    }

    /**
     * Replaces raw features by bin indices and starts every margin at the base plus the baseline's term (read off the
     * raw value, before it is binned).
     */
    static PointUpdate binning(double[][] cuts, double base, BoostedTrees.Baseline baseline) {
        return point -> {
            point[2] = base + baseline.term(point, X);
            for (int j = 0; j < cuts.length; j++) {
                point[X + j] = bin(cuts[j], point[X + j]);
            }
        };
    }

    /** Adds a finished tree (grown on bin indices) to every margin. */
    static PointUpdate applying(Tree tree) {
        return point -> point[2] += tree.predict(point, X);
    }

    /**
     * For every open node of the tree being grown (its slot), every feature and bin: the sums of gradient, hessian
     * and points, at {@code 2 + (slot * bins + offset[j] + bin) * 3}. A pass that updates the points first (the
     * first level of a tree) also sums total weight and log-loss at the new margins into {@code [W, loss]}: the
     * training loss after the previous tree, at no extra pass.
     */
    static final class Histogram implements PartitionedPoints.Update {
        private final Tree growing;
        private final int[] slotOfNode;
        private final int slots;
        private final int[] offsets;
        private final int totalBins;
        private final double negativeWeight;
        private final double positiveWeight;
        private final PointUpdate before;

        Histogram(Tree growing, int[] slotOfNode, int[] offsets, int totalBins, double[] classWeights, PointUpdate before) {
            this.growing = growing;
            this.slotOfNode = slotOfNode;
            this.slots = (int) Arrays.stream(slotOfNode).filter(s -> s >= 0).count();
            this.offsets = offsets;
            this.totalBins = totalBins;
            this.negativeWeight = classWeights[0];
            this.positiveWeight = classWeights[1];
            this.before = before;
        }

        @Override
        public int size(int width) {
            return 2 + slots * totalBins * 3;
        }

        @Override
        public void update(double[] point) {
            before.apply(point);
        }

        @Override
        public void add(double[] partial, double[] point) {
            double y = point[0];
            double w = LogisticPass.weight(point, negativeWeight, positiveWeight);
            if (w == 0) {
                return;
            }
            double margin = point[2];
            if (before != null) {
                partial[0] += w;
                partial[1] += w * (LogisticPass.softplus(margin) - y * margin);
            }
            int slot = slotOfNode[growing.leaf(point, X)];
            if (slot < 0) {
                return;
            }
            double p = LogisticPass.sigmoid(margin);
            double g = w * (p - y);
            double h = w * p * (1 - p);
            int base = 2 + slot * totalBins * 3;
            for (int j = 0; j < offsets.length; j++) {
                int i = base + (offsets[j] + (int) point[X + j]) * 3;
                partial[i] += g;
                partial[i + 1] += h;
                partial[i + 2]++;
            }
        }
    }
}
