package io.clinicalpipeline.simulation;

import io.clinicalpipeline.generator.GeneratorConfig;
import io.clinicalpipeline.model.eval.BinaryMetrics;
import io.clinicalpipeline.model.eval.Bootstrap;
import io.clinicalpipeline.model.eval.Evaluation;
import io.clinicalpipeline.model.features.FeatureCalculator;
import io.clinicalpipeline.model.ml.common.StableHash;
import io.clinicalpipeline.train.Algorithm;
import io.clinicalpipeline.train.TrainInput;
import io.clinicalpipeline.train.Trainer;
import org.apache.flink.types.Row;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code bin/pipeline simulation}: how hard the simulated cohort is. Outcome rates per admission, and how well NEWS2
 * ranks the labelled rows, overall and by outcome type, computed from the same silver rules, feature definition and
 * labels the pipeline uses.
 */
public final class SimulationCheck {

    /**
     * @param models the algorithms to train with {@code train}'s defaults on 80% of the patients, testing them and
     *               NEWS2 on the other 20% (none: NEWS2 only)
     */
    public record Settings(GeneratorConfig workload, SimulatedCohort.Labels labels, List<Algorithm> models) {}

    /**
     * NEWS2 on every labelled row (with patient-bootstrap intervals and the breakdown by outcome type, as the trainer
     * measures a model); the models' results by algorithm when asked for, and each pair of them compared on the same
     * test rows.
     */
    public record Report(SimulatedCohort cohort, Map<String, Long> admissionsWithOutcome, Evaluation news2,
                         Map<Algorithm, Trainer.Result> models, List<Comparison> comparisons, long millis) {}

    /**
     * Two models on the same test rows, resampled by patient together: {@code difference.aurocDifference()} is the
     * interval of {@code first}'s AUROC minus {@code second}'s; the two are distinguishable when it excludes 0.
     */
    public record Comparison(Algorithm first, Algorithm second, double aurocDifference, Bootstrap.Result difference) {}

    /** The labelled rows as a training set split by patient, in the trainer's row layout. */
    private record Split(List<String> columns, Set<String> numeric, List<Row> train, List<Row> test) {}

    private static final double TEST_PATIENTS = 0.2;
    private static final long SPLIT_SEED = 42;

    private SimulationCheck() {}

    public static Report run(Settings s, PrintStream out) throws Exception {
        long started = System.currentTimeMillis();
        GeneratorConfig w = s.workload();
        out.printf("simulation: %d patients over %s (seed %d) ...%n", w.patients(), w.duration(), w.seed());
        SimulatedCohort cohort = SimulatedCohort.generate(w, s.labels());
        Map<String, Long> admissions = cohort.admissionsWithOutcome(s.labels().outcomes());
        Evaluation news2 = news2(cohort);
        Map<Algorithm, Trainer.Result> models = new LinkedHashMap<>();
        List<Comparison> comparisons = new ArrayList<>();
        if (!s.models().isEmpty()) {
            Split split = split(cohort);
            for (Algorithm algorithm : s.models()) {
                out.printf("simulation: training %s (train's defaults, in one thread) ...%n", algorithm.description());
                models.put(algorithm, train(split, cohort.featureNames(), algorithm));
            }
            for (int i = 0; i < s.models().size(); i++) {
                for (int j = i + 1; j < s.models().size(); j++) {
                    comparisons.add(compare(split, s.models().get(i), s.models().get(j), models));
                }
            }
        }
        Report report = new Report(cohort, admissions, news2, models, comparisons, System.currentTimeMillis() - started);
        print(report, w, s.labels(), out);
        return report;
    }

    /** The cohort's rows as a training set, 20% of the patients held out for the test. */
    private static Split split(SimulatedCohort cohort) {
        List<String> features = cohort.featureNames();
        List<String> columns = new ArrayList<>(features);
        columns.addAll(List.of(TrainInput.LABEL, TrainInput.FOLD_KEY, TrainInput.GROUP, TrainInput.OUTCOME));
        Set<String> numeric = new HashSet<>(List.of(TrainInput.LABEL, TrainInput.FOLD_KEY));
        FeatureCalculator.catalog().stream().filter(d -> d.type().equals("DOUBLE") || d.type().equals("INT"))
                .forEach(d -> numeric.add(d.name()));
        List<Row> train = new ArrayList<>();
        List<Row> test = new ArrayList<>();
        for (SimulatedCohort.LabelledRow r : cohort.rows()) {
            String patient = cohort.patients().get(r.patient());
            Object[] fields = Arrays.copyOf(r.values(), columns.size());
            int at = features.size();
            fields[at] = r.positive() ? 1.0 : 0.0;
            fields[at + 1] = StableHash.unit(patient, SPLIT_SEED + 1);
            fields[at + 2] = patient;
            fields[at + 3] = r.outcome();
            (StableHash.unit(patient, SPLIT_SEED) < TEST_PATIENTS ? test : train).add(Row.of(fields));
        }
        return new Split(columns, numeric, train, test);
    }

    /** Fitted and tested with the trainer's own local path and defaults. */
    private static Trainer.Result train(Split split, List<String> features, Algorithm algorithm) throws Exception {
        return Trainer.trainLocally(split.columns(), split.numeric(), split.train(), split.test(), new Trainer.Settings(
                features, List.of(), 50, algorithm, Map.of(), "none", 0.5, "", "news2_total", 5, List.of(), 1,
                Long.MAX_VALUE));
    }

    private static Comparison compare(Split split, Algorithm first, Algorithm second, Map<Algorithm, Trainer.Result> models) {
        Trainer.Result a = models.get(first);
        Trainer.Result b = models.get(second);
        int label = split.columns().indexOf(TrainInput.LABEL);
        int group = split.columns().indexOf(TrainInput.GROUP);
        double[] labels = split.test().stream().mapToDouble(r -> (double) r.getField(label)).toArray();
        String[] patients = split.test().stream().map(r -> (String) r.getField(group)).toArray(String[]::new);
        Bootstrap.Result paired = Bootstrap.of(a.testScores(), b.testScores(), labels, patients,
                Bootstrap.DEFAULT_RESAMPLES, SPLIT_SEED);
        return new Comparison(first, second, a.test().auroc() - b.test().auroc(), paired);
    }

    /** NEWS2 total as the score of every labelled row, resampled by patient. */
    private static Evaluation news2(SimulatedCohort cohort) {
        List<SimulatedCohort.LabelledRow> rows = cohort.rows();
        int n = rows.size();
        double[] scores = new double[n];
        double[] labels = new double[n];
        String[] patients = new String[n];
        String[] outcomes = new String[n];
        for (int i = 0; i < n; i++) {
            SimulatedCohort.LabelledRow r = rows.get(i);
            scores[i] = r.news2();
            labels[i] = r.positive() ? 1 : 0;
            patients[i] = cohort.patients().get(r.patient());
            outcomes[i] = r.outcome();
        }
        return Evaluation.of(scores, labels, 5, null, 0, patients, outcomes, Bootstrap.DEFAULT_RESAMPLES, SPLIT_SEED);
    }

    private static void print(Report r, GeneratorConfig w, SimulatedCohort.Labels labels, PrintStream out) {
        SimulatedCohort c = r.cohort();
        out.printf(Locale.ROOT, "simulation: %,d events, %,d feature rows, %,d labelled (%,d left out), %.1f s%n",
                c.events(), c.featureRows(), c.rows().size(), c.leftOut(), r.millis() / 1000.0);
        out.println("simulation: admissions with an outcome (of " + w.patients() + "):");
        r.admissionsWithOutcome().forEach((type, n) -> out.printf(Locale.ROOT, "  %-22s %5d  %5.1f%%%n", type, n,
                100.0 * n / w.patients()));
        BinaryMetrics news2 = r.news2().model();
        Bootstrap.Result ci = r.news2().uncertainty();
        out.printf(Locale.ROOT, "simulation: NEWS2 for %s within %s: AUROC %.3f (%.3f-%.3f) AUPRC %.3f (%.3f-%.3f) (%,d rows, "
                        + "%,d positive, prevalence %.3f)%n", String.join("|", labels.outcomes()), labels.horizon(), news2.auroc(),
                ci.auroc().low(), ci.auroc().high(), news2.auprc(), ci.auprc().low(), ci.auprc().high(), news2.rows(),
                news2.positives(), (double) news2.positives() / news2.rows());
        BinaryMetrics.Confusion at5 = news2.confusion();
        out.printf(Locale.ROOT, "simulation: NEWS2 >= 5 on %.1f%% of positive rows and %.1f%% of negative rows%n",
                100 * at5.recall(), 100.0 * at5.falsePositives() / (at5.falsePositives() + at5.trueNegatives()));
        r.news2().byOutcome().forEach((type, m) -> out.printf(Locale.ROOT, "  %-22s AUROC %.3f AUPRC %.3f (%,d positive rows)%n",
                type, m.auroc(), m.auprc(), m.positives()));
        r.models().forEach((algorithm, t) -> {
            Bootstrap.Result mci = t.evaluation().uncertainty();
            out.printf(Locale.ROOT, "simulation: %s on %,d test rows of %,d unseen patients (%s): AUROC %.3f (%.3f-%.3f) AUPRC "
                            + "%.3f (%.3f-%.3f) | NEWS2 AUROC %.3f AUPRC %.3f | AUROC minus NEWS2 %+.3f (%+.3f to %+.3f), %.0f s%n",
                    algorithm.id(), t.test().rows(), mci.units(), t.selection(), t.test().auroc(), mci.auroc().low(),
                    mci.auroc().high(), t.test().auprc(), mci.auprc().low(), mci.auprc().high(), t.baseline().auroc(),
                    t.baseline().auprc(), t.test().auroc() - t.baseline().auroc(), mci.aurocDifference().low(),
                    mci.aurocDifference().high(), t.millis() / 1000.0);
            t.evaluation().byOutcome().forEach((type, b) -> out.printf(Locale.ROOT, "  %-22s AUROC %.3f (NEWS2 %.3f), %,d positive rows%n",
                    type, b.auroc(), b.baselineAuroc(), b.positives()));
        });
        r.comparisons().forEach(pair -> {
            Bootstrap.Interval d = pair.difference().aurocDifference();
            out.printf(Locale.ROOT, "simulation: %s minus %s on the same test rows: AUROC %+.3f (%+.3f to %+.3f), %s%n",
                    pair.first().id(), pair.second().id(), pair.aurocDifference(), d.low(), d.high(),
                    d.low() > 0 || d.high() < 0 ? "distinguishable" : "not distinguishable at 95%");
        });
    }
}
