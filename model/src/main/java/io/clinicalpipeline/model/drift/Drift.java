package io.clinicalpipeline.model.drift;

import java.util.Arrays;

/** Distribution shift measures between a model's training data and what it scores now. */
public final class Drift {
    /**
     * A bin empty on one side would make PSI infinite; it counts as this share instead (the usual floor, about one row
     * in ten thousand).
     */
    static final double EMPTY_BIN = 1e-4;

    private Drift() {}

    /**
     * Population stability index: {@code Σ (actual − expected) · ln(actual / expected)} over bins, with shares floored
     * at {@link #EMPTY_BIN}. Under 0.1 is usually read as stable, 0.1–0.2 as a moderate shift, over 0.2 as a
     * significant one.
     *
     * @param expected the reference shares of each bin (summing to 1)
     * @param actual   the current counts of the same bins
     * @return NaN when {@code actual} has no rows
     */
    public static double psi(double[] expected, long[] actual) {
        if (expected.length != actual.length) {
            throw new IllegalArgumentException("PSI needs the same bins on both sides: " + expected.length + " and " + actual.length);
        }
        long n = Arrays.stream(actual).sum();
        if (n == 0) {
            return Double.NaN;
        }
        double psi = 0;
        for (int i = 0; i < expected.length; i++) {
            double e = Math.max(expected[i], EMPTY_BIN);
            double a = Math.max((double) actual[i] / n, EMPTY_BIN);
            psi += (a - e) * Math.log(a / e);
        }
        return psi;
    }

    /**
     * Kolmogorov–Smirnov statistic between the reference's distribution, given by its quantiles at evenly spaced
     * probabilities {@code 0, 1/(q−1), …, 1} (linear in between), and a sample: the largest distance between the two
     * cumulative distribution functions.
     *
     * @param sorted the sample, ascending, without missing values
     * @return NaN for an empty sample
     */
    public static double ks(double[] quantiles, double[] sorted) {
        int n = sorted.length;
        if (n == 0 || quantiles.length < 2) {
            return Double.NaN;
        }
        double d = 0;
        for (int i = 0; i < n; i++) {
            double f = cdf(quantiles, sorted[i]);
            d = Math.max(d, Math.max((i + 1.0) / n - f, f - (double) i / n));
        }
        return d;
    }

    /** The reference CDF at {@code x}, interpolating between its quantiles. */
    static double cdf(double[] quantiles, double x) {
        int q = quantiles.length;
        if (x < quantiles[0]) {
            return 0;
        }
        if (x >= quantiles[q - 1]) {
            return 1;
        }
        int hi = 1;
        while (quantiles[hi] <= x) {
            hi++;
        }
        // The last quantile at or below x: where values repeat (integer vitals), the CDF jumps past all of them.
        int lo = hi - 1;
        double span = quantiles[hi] - quantiles[lo];
        double within = span == 0 ? 0 : (x - quantiles[lo]) / span;
        return (lo + within) / (q - 1);
    }
}
