package io.clinicalpipeline.model.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A model's test rows measured: its metrics, the baseline's on the same rows, bootstrap intervals for both, and how
 * each outcome type's positives rank against all the negatives (so a model that only finds the easy outcome shows).
 *
 * @param baseline null without a baseline
 * @param byOutcome empty when the rows carry no outcome type
 */
public record Evaluation(BinaryMetrics model, BinaryMetrics baseline, Bootstrap.Result uncertainty,
                         Map<String, Breakdown> byOutcome) {

    /** One outcome type's positives against every negative; the baseline's figures are NaN without one. */
    public record Breakdown(long positives, double auroc, double auprc, double baselineAuroc, double baselineAuprc) {}

    /**
     * @param baseline the baseline's values on the same rows, or null; missing values should rank lowest
     * @param groups   each row's patient, or null (then rows are resampled)
     * @param outcomes each positive row's outcome type (null for negatives), or null
     */
    public static Evaluation of(double[] scores, double[] labels, double threshold, double[] baseline,
                                double baselineThreshold, String[] groups, String[] outcomes, int resamples, long seed) {
        BinaryMetrics model = BinaryMetrics.of(scores, labels, threshold);
        BinaryMetrics reference = baseline == null ? null : BinaryMetrics.of(baseline, labels, baselineThreshold);
        Bootstrap.Result uncertainty = Bootstrap.of(scores, baseline, labels, groups, resamples, seed);
        Map<String, Breakdown> byOutcome = new LinkedHashMap<>();
        if (outcomes != null) {
            TreeSet<String> types = new TreeSet<>();
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] == 1 && outcomes[i] != null) {
                    types.add(outcomes[i]);
                }
            }
            for (String type : types) {
                List<Integer> rows = new ArrayList<>();
                for (int i = 0; i < labels.length; i++) {
                    if (labels[i] == 0 || type.equals(outcomes[i])) {
                        rows.add(i);
                    }
                }
                BinaryMetrics m = BinaryMetrics.of(pick(scores, rows), pick(labels, rows), threshold);
                BinaryMetrics b = baseline == null ? null : BinaryMetrics.of(pick(baseline, rows), pick(labels, rows),
                        baselineThreshold);
                byOutcome.put(type, new Breakdown(m.positives(), m.auroc(), m.auprc(),
                        b == null ? Double.NaN : b.auroc(), b == null ? Double.NaN : b.auprc()));
            }
        }
        return new Evaluation(model, reference, uncertainty, byOutcome);
    }

    private static double[] pick(double[] values, List<Integer> rows) {
        double[] out = new double[rows.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values[rows.get(i)];
        }
        return out;
    }
}
