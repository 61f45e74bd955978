package io.clinicalpipeline.train;

import io.clinicalpipeline.model.eval.BinaryMetrics;
import io.clinicalpipeline.model.eval.Bootstrap;

import java.io.PrintStream;
import java.util.Locale;

/** How a training run reads on the console. */
public final class TrainSummary {

    private TrainSummary() {}

    /** The fit and its test metrics, next to the baseline on the same rows, as {@code train} prints them. */
    public static void print(Trainer.Result r, Algorithm algorithm, String baselineName, PrintStream out) {
        BinaryMetrics m = r.test();
        out.printf(Locale.ROOT, "trained %s on %,d rows (%d features, %d %s%s) in %.1f s, in %s; %s%n",
                algorithm.description(), r.trainRows(), r.featureNames().size(), r.trace().rounds().size(),
                algorithm.rounds(), algorithm.ending(r.trace()), r.millis() / 1000.0, r.engine(), r.selection());
        if (!r.importance().isEmpty()) {
            StringBuilder top = new StringBuilder("most important features (" + algorithm.importanceMeaning() + "):");
            r.importance().entrySet().stream().limit(8).forEach(e ->
                    top.append(String.format(Locale.ROOT, " %s %.3f", e.getKey(), e.getValue())));
            out.println(top);
        }
        r.skipped().forEach((problem, n) -> out.printf(Locale.ROOT, "left out %,d rows: %s%n", n, problem));
        for (Trainer.CvResult c : r.crossValidation()) {
            out.printf(Locale.ROOT, "cross-validation %s: mean AUROC %.4f over %d folds%n", c.params(),
                    c.meanAuroc(), c.foldAuroc().length);
        }
        if (!r.crossValidation().isEmpty()) {
            out.println("chosen " + r.chosen() + ", refitted on all train rows");
        }
        out.printf(Locale.ROOT, "test rows %,d (%,d positive)%n", m.rows(), m.positives());
        Bootstrap.Result ci = r.evaluation().uncertainty();
        out.printf(Locale.ROOT, "AUROC %.4f (95%% CI %.4f-%.4f)  AUPRC %.4f (%.4f-%.4f)  Brier %.4f; intervals by "
                        + "bootstrap over %,d %s%n", m.auroc(), ci.auroc().low(), ci.auroc().high(), m.auprc(), ci.auprc().low(),
                ci.auprc().high(), m.brier(), ci.units(), ci.unit());
        out.printf(Locale.ROOT, "at threshold %.2f: precision %.4f  recall %.4f  F1 %.4f  (TP %d FP %d TN %d FN %d)%n",
                m.threshold(), m.confusion().precision(), m.confusion().recall(), m.confusion().f1(),
                m.confusion().truePositives(), m.confusion().falsePositives(), m.confusion().trueNegatives(),
                m.confusion().falseNegatives());
        if (r.baseline() != null) {
            BinaryMetrics b = r.baseline();
            out.printf(Locale.ROOT, "baseline %s on the same rows: AUROC %.4f (95%% CI %.4f-%.4f)  AUPRC %.4f (%.4f-%.4f); "
                            + "at >= %.1f: precision %.4f  recall %.4f%n", baselineName, b.auroc(), ci.baselineAuroc().low(),
                    ci.baselineAuroc().high(), b.auprc(), ci.baselineAuprc().low(), ci.baselineAuprc().high(), b.threshold(),
                    b.confusion().precision(), b.confusion().recall());
            out.printf(Locale.ROOT, "model minus %s: AUROC %+.4f (95%% CI %+.4f to %+.4f)%n", baselineName,
                    m.auroc() - b.auroc(), ci.aurocDifference().low(), ci.aurocDifference().high());
        }
        r.evaluation().byOutcome().forEach((type, b) -> out.printf(Locale.ROOT,
                "  %-22s %,7d positive rows: AUROC %.4f%s%n", type, b.positives(), b.auroc(),
                r.baseline() == null ? "" : String.format(Locale.ROOT, " (%s %.4f)", baselineName, b.baselineAuroc())));
    }
}
