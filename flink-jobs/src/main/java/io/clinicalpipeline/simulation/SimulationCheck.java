package io.clinicalpipeline.simulation;

import io.clinicalpipeline.generator.GeneratorConfig;
import io.clinicalpipeline.model.eval.BinaryMetrics;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bin/pipeline simulation}: how hard the simulated cohort is. Outcome rates per admission, and how well NEWS2
 * ranks the labelled rows, overall and by outcome type, computed from the same silver rules, feature definition and
 * labels the pipeline uses.
 */
public final class SimulationCheck {

    public record Settings(GeneratorConfig workload, SimulatedCohort.Labels labels) {}

    /** NEWS2 on every labelled row, and on the positives of each outcome type against all negatives. */
    public record Report(SimulatedCohort cohort, Map<String, Long> admissionsWithOutcome, BinaryMetrics news2,
                         Map<String, BinaryMetrics> news2ByOutcome, long millis) {}

    private SimulationCheck() {}

    public static Report run(Settings s, PrintStream out) {
        long started = System.currentTimeMillis();
        GeneratorConfig w = s.workload();
        out.printf("simulation: %d patients over %s (seed %d) ...%n", w.patients(), w.duration(), w.seed());
        SimulatedCohort cohort = SimulatedCohort.generate(w, s.labels());
        Map<String, Long> admissions = cohort.admissionsWithOutcome(s.labels().outcomes());
        List<SimulatedCohort.LabelledRow> rows = cohort.rows();
        BinaryMetrics news2 = news2(rows, null);
        Map<String, BinaryMetrics> byOutcome = new LinkedHashMap<>();
        for (String type : s.labels().outcomes()) {
            if (rows.stream().anyMatch(r -> type.equals(r.outcome()))) {
                byOutcome.put(type, news2(rows, type));
            }
        }
        Report report = new Report(cohort, admissions, news2, byOutcome, System.currentTimeMillis() - started);
        print(report, w, s.labels(), out);
        return report;
    }

    /** NEWS2 total as the score; {@code type} non-null keeps only that outcome's positives. */
    private static BinaryMetrics news2(List<SimulatedCohort.LabelledRow> rows, String type) {
        List<SimulatedCohort.LabelledRow> kept = new ArrayList<>();
        for (SimulatedCohort.LabelledRow r : rows) {
            if (type == null || !r.positive() || type.equals(r.outcome())) {
                kept.add(r);
            }
        }
        double[] scores = new double[kept.size()];
        double[] labels = new double[kept.size()];
        for (int i = 0; i < kept.size(); i++) {
            scores[i] = kept.get(i).news2();
            labels[i] = kept.get(i).positive() ? 1 : 0;
        }
        return BinaryMetrics.of(scores, labels, 5);
    }

    private static void print(Report r, GeneratorConfig w, SimulatedCohort.Labels labels, PrintStream out) {
        SimulatedCohort c = r.cohort();
        out.printf(Locale.ROOT, "simulation: %,d events, %,d feature rows, %,d labelled (%,d left out), %.1f s%n",
                c.events(), c.featureRows(), c.rows().size(), c.leftOut(), r.millis() / 1000.0);
        out.println("simulation: admissions with an outcome (of " + w.patients() + "):");
        r.admissionsWithOutcome().forEach((type, n) -> out.printf(Locale.ROOT, "  %-22s %5d  %5.1f%%%n", type, n,
                100.0 * n / w.patients()));
        out.printf(Locale.ROOT, "simulation: NEWS2 for %s within %s: AUROC %.3f AUPRC %.3f (%,d rows, %,d positive, "
                        + "prevalence %.3f)%n", String.join("|", labels.outcomes()), labels.horizon(), r.news2().auroc(),
                r.news2().auprc(), r.news2().rows(), r.news2().positives(), (double) r.news2().positives() / r.news2().rows());
        BinaryMetrics.Confusion at5 = r.news2().confusion();
        out.printf(Locale.ROOT, "simulation: NEWS2 >= 5 on %.1f%% of positive rows and %.1f%% of negative rows%n",
                100 * at5.recall(), 100.0 * at5.falsePositives() / (at5.falsePositives() + at5.trueNegatives()));
        r.news2ByOutcome().forEach((type, m) -> out.printf(Locale.ROOT, "  %-22s AUROC %.3f AUPRC %.3f (%,d positive rows)%n",
                type, m.auroc(), m.auprc(), m.positives()));
    }
}
