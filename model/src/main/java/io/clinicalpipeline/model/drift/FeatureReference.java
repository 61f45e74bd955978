package io.clinicalpipeline.model.drift;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One input feature's distribution in a model's training rows, as drift is measured against it: bins (deciles of a
 * numeric feature, the most frequent values of a categorical one, then "other"), each bin's share, and a last bin for
 * missing values; for a numeric feature also its percentiles, for the KS statistic.
 *
 * @param edges      numeric: the bins' upper bounds, ascending and distinct (bin i holds values ≤ edges[i] and above
 *                   the previous edge; the last value bin holds everything above the last edge); empty for categorical
 * @param categories categorical: the values with a bin of their own (the others share the bin after them); empty for
 *                   numeric
 * @param shares     each bin's share of the training rows, the missing bin last
 * @param percentiles numeric: the 0th to 100th percentile of the values present; empty for categorical
 */
public record FeatureReference(String name, boolean numeric, double[] edges, List<String> categories, double[] shares,
                               double[] percentiles) {
    static final int DECILES = 10;
    static final int MAX_CATEGORIES = 20;

    /** From a numeric feature's training values; NaN is missing. */
    public static FeatureReference numeric(String name, double[] values) {
        double[] present = Arrays.stream(values).filter(v -> !Double.isNaN(v)).sorted().toArray();
        double[] edges = present.length == 0 ? new double[0] : Arrays.stream(quantiles(present, DECILES))
                .limit(DECILES).skip(1).distinct().toArray();
        double[] percentiles = present.length == 0 ? new double[0] : quantiles(present, 100);
        FeatureReference shape = new FeatureReference(name, true, edges, List.of(), new double[edges.length + 2], percentiles);
        return shape.withShares(Arrays.stream(values).boxed().map(v -> (Object) v).toList());
    }

    /** From a categorical feature's training values; null is missing. */
    public static FeatureReference categorical(String name, List<String> values) {
        Map<String, Long> counts = new HashMap<>();
        values.stream().filter(v -> v != null).forEach(v -> counts.merge(v, 1L, Long::sum));
        List<String> kept = counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(MAX_CATEGORIES).map(Map.Entry::getKey).sorted(Comparator.naturalOrder()).toList();
        FeatureReference shape = new FeatureReference(name, false, new double[0], kept, new double[kept.size() + 2], new double[0]);
        return shape.withShares(new ArrayList<>(values));
    }

    /** The bins: value bins, then (categorical) other, then missing. */
    public int bins() {
        return shares.length;
    }

    /** The bin of a value: a number for a numeric feature, a string for a categorical one; null or NaN is missing. */
    public int bin(Object value) {
        int missing = shares.length - 1;
        if (value == null) {
            return missing;
        }
        if (numeric) {
            double x = ((Number) value).doubleValue();
            if (Double.isNaN(x)) {
                return missing;
            }
            int at = Arrays.binarySearch(edges, x);
            return at >= 0 ? at : -at - 1;
        }
        int at = categories.indexOf(value.toString());
        return at >= 0 ? at : categories.size();
    }

    private FeatureReference withShares(List<Object> values) {
        long[] counts = new long[shares.length];
        values.forEach(v -> counts[bin(v)]++);
        double[] s = new double[counts.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = values.isEmpty() ? 0 : (double) counts[i] / values.size();
        }
        return new FeatureReference(name, numeric, edges, categories, s, percentiles);
    }

    /** The values at probabilities 0, 1/k, …, 1 of a sorted sample (linear interpolation between order statistics). */
    static double[] quantiles(double[] sorted, int k) {
        double[] q = new double[k + 1];
        for (int i = 0; i <= k; i++) {
            double pos = (double) i / k * (sorted.length - 1);
            int lo = (int) Math.floor(pos);
            int hi = Math.min(lo + 1, sorted.length - 1);
            q[i] = sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
        }
        return q;
    }
}
