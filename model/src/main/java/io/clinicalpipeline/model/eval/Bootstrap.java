package io.clinicalpipeline.model.eval;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Percentile bootstrap confidence intervals for AUROC and AUPRC. When rows belong to groups (a patient's rows),
 * whole groups are resampled: a patient's rows are not independent, and resampling rows would make the interval far
 * too narrow. A baseline scored on the same rows is resampled with the model (paired), so the difference between
 * their AUROCs gets an interval too. Seeded, so a run reports the same interval every time.
 */
public final class Bootstrap {

    public static final int DEFAULT_RESAMPLES = 500;
    private static final double LEVEL = 0.95;

    /** A two-sided interval at {@link #LEVEL}. */
    public record Interval(double low, double high) {}

    /**
     * @param unit what was resampled: "patients" or "rows"
     * @param baselineAuroc null (as are the other baseline intervals) without a baseline
     */
    public record Result(int resamples, double level, String unit, long units, Interval auroc, Interval auprc,
                         Interval baselineAuroc, Interval baselineAuprc, Interval aurocDifference) {

        /** {@code <prefix>_ci_low} and {@code _ci_high} for AUROC and AUPRC, as the metrics JSON names them. */
        public Map<String, Object> fields(boolean baseline) {
            Map<String, Object> m = new LinkedHashMap<>();
            put(m, "auroc", baseline ? baselineAuroc : auroc);
            put(m, "auprc", baseline ? baselineAuprc : auprc);
            return m;
        }

        private static void put(Map<String, Object> m, String metric, Interval i) {
            m.put(metric + "_ci_low", i.low());
            m.put(metric + "_ci_high", i.high());
        }
    }

    private Bootstrap() {}

    /**
     * @param baseline the baseline's scores on the same rows, or null
     * @param groups each row's group (patient), or null to resample rows
     */
    public static Result of(double[] scores, double[] baseline, double[] labels, String[] groups, int resamples, long seed) {
        int n = scores.length;
        int[] cluster = new int[n];
        int clusters;
        if (groups == null) {
            for (int i = 0; i < n; i++) {
                cluster[i] = i;
            }
            clusters = n;
        } else {
            Map<String, Integer> ids = new HashMap<>();
            for (int i = 0; i < n; i++) {
                cluster[i] = ids.computeIfAbsent(groups[i], g -> ids.size());
            }
            clusters = ids.size();
        }
        Ranked model = new Ranked(scores, labels, cluster);
        Ranked reference = baseline == null ? null : new Ranked(baseline, labels, cluster);
        double[][] draws = new double[5][resamples];
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] times = new int[clusters];
        for (int b = 0; b < resamples; b++) {
            Arrays.fill(times, 0);
            for (int k = 0; k < clusters; k++) {
                times[rnd.nextInt(clusters)]++;
            }
            double[] m = model.metrics(times);
            draws[0][b] = m[0];
            draws[1][b] = m[1];
            if (reference != null) {
                double[] r = reference.metrics(times);
                draws[2][b] = r[0];
                draws[3][b] = r[1];
                draws[4][b] = m[0] - r[0];
            }
        }
        return new Result(resamples, LEVEL, groups == null ? "rows" : "patients", clusters, interval(draws[0]),
                interval(draws[1]), reference == null ? null : interval(draws[2]),
                reference == null ? null : interval(draws[3]), reference == null ? null : interval(draws[4]));
    }

    /** Percentiles of the draws; a resample without both classes (NaN) is left out. */
    private static Interval interval(double[] draws) {
        double[] valid = Arrays.stream(draws).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (valid.length == 0) {
            return new Interval(Double.NaN, Double.NaN);
        }
        double tail = (1 - LEVEL) / 2;
        return new Interval(valid[(int) Math.floor(tail * (valid.length - 1))],
                valid[(int) Math.ceil((1 - tail) * (valid.length - 1))]);
    }

    /**
     * Rows sorted by score once, so each resample's AUROC and AUPRC is one weighted pass (a row weighs as often as its
     * group was drawn), with ties treated as {@link BinaryMetrics} treats them.
     */
    private static final class Ranked {
        private final double[] scores;
        private final boolean[] positive;
        private final int[] cluster;

        Ranked(double[] scores, double[] labels, int[] clusterOfRow) {
            int n = scores.length;
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
            this.scores = new double[n];
            this.positive = new boolean[n];
            this.cluster = new int[n];
            for (int i = 0; i < n; i++) {
                this.scores[i] = scores[order[i]];
                this.positive[i] = labels[order[i]] == 1;
                this.cluster[i] = clusterOfRow[order[i]];
            }
        }

        double[] metrics(int[] times) {
            double auroc = 0;
            double auprc = 0;
            double seenPositives = 0;
            double seenNegatives = 0;
            int n = scores.length;
            for (int i = 0; i < n; ) {
                int j = i;
                double groupPositives = 0;
                double groupNegatives = 0;
                while (j < n && scores[j] == scores[i]) {
                    int w = times[cluster[j]];
                    if (positive[j]) {
                        groupPositives += w;
                    } else {
                        groupNegatives += w;
                    }
                    j++;
                }
                auroc += groupNegatives * (seenPositives + groupPositives / 2.0);
                seenPositives += groupPositives;
                seenNegatives += groupNegatives;
                if (groupPositives > 0) {
                    auprc += groupPositives * (seenPositives / (seenPositives + seenNegatives));
                }
                i = j;
            }
            if (seenPositives == 0 || seenNegatives == 0) {
                return new double[] {Double.NaN, Double.NaN};
            }
            return new double[] {auroc / (seenPositives * seenNegatives), auprc / seenPositives};
        }
    }
}
