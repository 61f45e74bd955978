package io.clinicalpipeline.model.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Binary-classification metrics of scores against 0/1 labels: ranking (AUROC, AUPRC), probability quality (Brier
 * score, a calibration table) and, at a threshold, the confusion matrix with precision, recall and F1.
 *
 * <p>Tied scores are handled as one threshold step: AUROC counts a positive–negative tie as half (the Mann–Whitney
 * statistic), AUPRC is average precision with tied scores entering together, so neither depends on row order.
 */
public record BinaryMetrics(long rows, long positives, double auroc, double auprc, double brier, double threshold,
                            Confusion confusion, List<CalibrationBin> calibration, List<RocPoint> roc) {

    /** Counts at a threshold: a score at or above it predicts the positive class. */
    public record Confusion(long truePositives, long falsePositives, long trueNegatives, long falseNegatives) {
        public double precision() {
            long predicted = truePositives + falsePositives;
            return predicted == 0 ? 0 : (double) truePositives / predicted;
        }

        public double recall() {
            long actual = truePositives + falseNegatives;
            return actual == 0 ? 0 : (double) truePositives / actual;
        }

        public double f1() {
            double p = precision();
            double r = recall();
            return p + r == 0 ? 0 : 2 * p * r / (p + r);
        }

        public double accuracy() {
            long all = truePositives + falsePositives + trueNegatives + falseNegatives;
            return all == 0 ? 0 : (double) (truePositives + trueNegatives) / all;
        }
    }

    /** Rows whose score falls in [lower, upper): their mean score next to their observed positive rate. */
    public record CalibrationBin(double lower, double upper, long rows, double meanScore, double positiveRate) {}

    /** One corner of the ROC curve. */
    public record RocPoint(double threshold, double falsePositiveRate, double truePositiveRate) {}

    private static final int CALIBRATION_BINS = 10;
    private static final int ROC_POINTS = 200;

    /**
     * @param scores probabilities in [0, 1] for the Brier score and calibration; any monotone score works for
     *               AUROC/AUPRC (NEWS2 points, say)
     * @param labels 0 or 1
     */
    public static BinaryMetrics of(double[] scores, double[] labels, double threshold) {
        if (scores.length != labels.length) {
            throw new IllegalArgumentException(scores.length + " scores for " + labels.length + " labels");
        }
        int n = scores.length;
        long positives = 0;
        double brier = 0;
        long tp = 0;
        long fp = 0;
        for (int i = 0; i < n; i++) {
            if (labels[i] != 0 && labels[i] != 1) {
                throw new IllegalArgumentException("label " + labels[i] + " at row " + i + " is not 0 or 1");
            }
            boolean positive = labels[i] == 1;
            positives += positive ? 1 : 0;
            brier += (scores[i] - labels[i]) * (scores[i] - labels[i]);
            if (scores[i] >= threshold) {
                if (positive) {
                    tp++;
                } else {
                    fp++;
                }
            }
        }
        long negatives = n - positives;
        Confusion confusion = new Confusion(tp, fp, negatives - fp, positives - tp);
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
        double auroc = 0;
        double auprc = 0;
        long seenPositives = 0;
        long seenNegatives = 0;
        List<RocPoint> roc = new ArrayList<>();
        roc.add(new RocPoint(Double.POSITIVE_INFINITY, 0, 0));
        int step = Math.max(1, n / ROC_POINTS);
        int lastRecorded = 0;
        for (int i = 0; i < n; ) {
            int j = i;
            long groupPositives = 0;
            while (j < n && scores[order[j]] == scores[order[i]]) {
                groupPositives += labels[order[j]] == 1 ? 1 : 0;
                j++;
            }
            long groupNegatives = (j - i) - groupPositives;
            auroc += groupNegatives * (seenPositives + groupPositives / 2.0);
            seenPositives += groupPositives;
            seenNegatives += groupNegatives;
            if (groupPositives > 0) {
                auprc += groupPositives * ((double) seenPositives / (seenPositives + seenNegatives));
            }
            if (j - lastRecorded >= step || j == n) {
                roc.add(new RocPoint(scores[order[i]], rate(seenNegatives, negatives), rate(seenPositives, positives)));
                lastRecorded = j;
            }
            i = j;
        }
        auroc = positives == 0 || negatives == 0 ? Double.NaN : auroc / ((double) positives * negatives);
        auprc = positives == 0 ? Double.NaN : auprc / positives;
        return new BinaryMetrics(n, positives, auroc, auprc, n == 0 ? Double.NaN : brier / n, threshold, confusion,
                calibration(scores, labels), roc);
    }

    private static double rate(long count, long total) {
        return total == 0 ? 0 : (double) count / total;
    }

    private static List<CalibrationBin> calibration(double[] scores, double[] labels) {
        long[] rows = new long[CALIBRATION_BINS];
        double[] scoreSums = new double[CALIBRATION_BINS];
        double[] positives = new double[CALIBRATION_BINS];
        for (int i = 0; i < scores.length; i++) {
            int bin = (int) Math.min(CALIBRATION_BINS - 1, Math.max(0, Math.floor(scores[i] * CALIBRATION_BINS)));
            rows[bin]++;
            scoreSums[bin] += scores[i];
            positives[bin] += labels[i];
        }
        List<CalibrationBin> bins = new ArrayList<>();
        for (int b = 0; b < CALIBRATION_BINS; b++) {
            bins.add(new CalibrationBin((double) b / CALIBRATION_BINS, (double) (b + 1) / CALIBRATION_BINS, rows[b],
                    rows[b] == 0 ? Double.NaN : scoreSums[b] / rows[b], rows[b] == 0 ? Double.NaN : positives[b] / rows[b]));
        }
        return bins;
    }

    /** The headline numbers under the names the train command's {@code --metrics-out} file uses. */
    public Map<String, Object> summary() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("auroc", auroc);
        m.put("auprc", auprc);
        m.put("f1", confusion.f1());
        m.put("precision", confusion.precision());
        m.put("recall", confusion.recall());
        m.put("accuracy", confusion.accuracy());
        m.put("brier", brier);
        m.put("threshold", threshold);
        m.put("rows", rows);
        m.put("positives", positives);
        return m;
    }
}
