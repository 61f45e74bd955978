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
     * @param models the algorithms to train with {@code train}'s defaults (none: NEWS2 only)
     * @param folds  1: train on 80% of the patients and test them and NEWS2 on the other 20%; k of 2 or more: k fits,
     *               each testing one k-th of the patients, so every patient is tested once by a model that never saw
     *               them, and the intervals narrow by about the square root of the test patients gained
     */
    public record Settings(GeneratorConfig workload, SimulatedCohort.Labels labels, List<Algorithm> models, int folds) {

        public Settings {
            if (folds < 1) {
                throw new IllegalArgumentException("folds must be 1 (one 80/20 split) or more, not " + folds);
            }
        }
    }

    /**
     * One algorithm's test rows, scored by models that never saw their patients, and measured with NEWS2 on the same
     * rows; {@code selection} says how each fit chose its hyperparameters (the first fit's, when several).
     */
    public record Tested(Evaluation evaluation, double[] scores, double[] labels, String[] patients, int fits,
                         String selection, long millis) {

        public BinaryMetrics test() {
            return evaluation.model();
        }

        public BinaryMetrics baseline() {
            return evaluation.baseline();
        }
    }

    /**
     * NEWS2 on every labelled row (with patient-bootstrap intervals and the breakdown by outcome type, as the trainer
     * measures a model); the models' results by algorithm when asked for, and each pair of them compared on the same
     * test rows.
     */
    public record Report(SimulatedCohort cohort, Map<String, Long> admissionsWithOutcome, Evaluation news2,
                         Map<Algorithm, Tested> models, List<Comparison> comparisons, long millis) {}

    /**
     * Two models on the same test rows, resampled by patient together: {@code difference.aurocDifference()} is the
     * interval of {@code first}'s AUROC minus {@code second}'s; the two are distinguishable when it excludes 0.
     */
    public record Comparison(Algorithm first, Algorithm second, double aurocDifference, Bootstrap.Result difference) {}

    /**
     * The labelled rows as a training set split by patient, in the trainer's row layout; {@code testRows} gives each
     * test row's index in the cohort's rows.
     */
    private record Split(List<String> columns, Set<String> numeric, List<Row> train, List<Row> test, int[] testRows) {}

    private static final double TEST_PATIENTS = 0.2;
    private static final long SPLIT_SEED = 42;
    private static final int NEWS2_THRESHOLD = 5;

    private SimulationCheck() {}

    public static Report run(Settings s, PrintStream out) throws Exception {
        long started = System.currentTimeMillis();
        GeneratorConfig w = s.workload();
        out.printf("simulation: %d patients over %s (seed %d) ...%n", w.patients(), w.duration(), w.seed());
        SimulatedCohort cohort = SimulatedCohort.generate(w, s.labels());
        Map<String, Long> admissions = cohort.admissionsWithOutcome(s.labels().outcomes());
        Column all = news2Column(cohort);
        Evaluation news2 = news2(all);
        Map<Algorithm, Tested> models = new LinkedHashMap<>();
        List<Comparison> comparisons = new ArrayList<>();
        for (Algorithm algorithm : s.models()) {
            models.put(algorithm, tested(cohort, all, algorithm, s.folds(), out));
        }
        for (int i = 0; i < s.models().size(); i++) {
            for (int j = i + 1; j < s.models().size(); j++) {
                comparisons.add(compare(s.models().get(i), s.models().get(j), models));
            }
        }
        Report report = new Report(cohort, admissions, news2, models, comparisons, System.currentTimeMillis() - started);
        print(report, w, s.labels(), out);
        return report;
    }

    /**
     * Trains with {@code train}'s defaults and tests on unseen patients: once on a 20% test split, or k times with
     * every patient in one test fold, the folds' scores pooled and measured together with NEWS2 on the same rows;
     * {@code all} is every labelled row's NEWS2, label and patient, in the cohort's order.
     */
    private static Tested tested(SimulatedCohort cohort, Column all, Algorithm algorithm, int folds, PrintStream out)
            throws Exception {
        long started = System.currentTimeMillis();
        if (folds == 1) {
            out.printf("simulation: training %s (train's defaults, in one thread) ...%n", algorithm.description());
            Split split = split(cohort, 0, TEST_PATIENTS);
            Trainer.Result r = train(split, cohort.featureNames(), algorithm);
            double[] labels = Arrays.stream(split.testRows()).mapToDouble(i -> all.labels()[i]).toArray();
            String[] patients = Arrays.stream(split.testRows()).mapToObj(i -> all.patients()[i]).toArray(String[]::new);
            return new Tested(r.evaluation(), r.testScores(), labels, patients, 1, r.selection(),
                    System.currentTimeMillis() - started);
        }
        double[] scores = new double[all.scores().length];
        String selection = null;
        for (int f = 0; f < folds; f++) {
            out.printf("simulation: training %s, fold %d of %d (train's defaults, in one thread) ...%n",
                    algorithm.description(), f + 1, folds);
            Split split = split(cohort, (double) f / folds, (double) (f + 1) / folds);
            Trainer.Result r = train(split, cohort.featureNames(), algorithm);
            for (int i = 0; i < split.testRows().length; i++) {
                scores[split.testRows()[i]] = r.testScores()[i];
            }
            // Each fit's own test rows, so a fold that ranks far from the others is seen before the pool hides it.
            out.printf("simulation: fold %d: AUROC %.3f (NEWS2 %.3f) on %,d rows; top features %s%n", f + 1,
                    r.test().auroc(), r.baseline().auroc(), split.testRows().length,
                    String.join(", ", Trainer.top(r.importance(), 5).keySet()));
            selection = selection == null ? r.selection() : selection;
        }
        Evaluation pooled = Evaluation.of(scores, all.labels(), 0.5, all.scores(), NEWS2_THRESHOLD, all.patients(),
                all.outcomes(), Bootstrap.DEFAULT_RESAMPLES, SPLIT_SEED);
        return new Tested(pooled, scores, all.labels(), all.patients(), folds, selection,
                System.currentTimeMillis() - started);
    }

    /** The cohort's rows as a training set, the patients whose split hash lies in [{@code from}, {@code to}) held out. */
    private static Split split(SimulatedCohort cohort, double from, double to) {
        List<String> features = cohort.featureNames();
        List<String> columns = new ArrayList<>(features);
        columns.addAll(List.of(TrainInput.LABEL, TrainInput.FOLD_KEY, TrainInput.GROUP, TrainInput.OUTCOME));
        Set<String> numeric = new HashSet<>(List.of(TrainInput.LABEL, TrainInput.FOLD_KEY));
        FeatureCalculator.catalog().stream().filter(d -> d.type().equals("DOUBLE") || d.type().equals("INT"))
                .forEach(d -> numeric.add(d.name()));
        List<Row> train = new ArrayList<>();
        List<Row> test = new ArrayList<>();
        List<Integer> testRows = new ArrayList<>();
        List<SimulatedCohort.LabelledRow> rows = cohort.rows();
        for (int i = 0; i < rows.size(); i++) {
            SimulatedCohort.LabelledRow r = rows.get(i);
            String patient = cohort.patients().get(r.patient());
            Object[] fields = Arrays.copyOf(r.values(), columns.size());
            int at = features.size();
            fields[at] = r.positive() ? 1.0 : 0.0;
            fields[at + 1] = StableHash.unit(patient, SPLIT_SEED + 1);
            fields[at + 2] = patient;
            fields[at + 3] = r.outcome();
            double unit = StableHash.unit(patient, SPLIT_SEED);
            if (unit >= from && unit < to) {
                test.add(Row.of(fields));
                testRows.add(i);
            } else {
                train.add(Row.of(fields));
            }
        }
        return new Split(columns, numeric, train, test, testRows.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Fitted and tested with the trainer's own local path and defaults. */
    private static Trainer.Result train(Split split, List<String> features, Algorithm algorithm) throws Exception {
        return Trainer.trainLocally(split.columns(), split.numeric(), split.train(), split.test(), new Trainer.Settings(
                features, List.of(), 50, algorithm, Map.of(), "none", 0.5, "", "news2_total", NEWS2_THRESHOLD, List.of(),
                1, Long.MAX_VALUE));
    }

    /** Two algorithms tested on the same rows (the same patients either way), resampled by patient together. */
    private static Comparison compare(Algorithm first, Algorithm second, Map<Algorithm, Tested> models) {
        Tested a = models.get(first);
        Tested b = models.get(second);
        Bootstrap.Result paired = Bootstrap.of(a.scores(), b.scores(), a.labels(), a.patients(),
                Bootstrap.DEFAULT_RESAMPLES, SPLIT_SEED);
        return new Comparison(first, second, a.test().auroc() - b.test().auroc(), paired);
    }

    /** Every labelled row's NEWS2 total, label, patient and outcome type, in the cohort's order. */
    private record Column(double[] scores, double[] labels, String[] patients, String[] outcomes) {}

    private static Column news2Column(SimulatedCohort cohort) {
        List<SimulatedCohort.LabelledRow> rows = cohort.rows();
        int n = rows.size();
        Column c = new Column(new double[n], new double[n], new String[n], new String[n]);
        for (int i = 0; i < n; i++) {
            SimulatedCohort.LabelledRow r = rows.get(i);
            c.scores()[i] = r.news2();
            c.labels()[i] = r.positive() ? 1 : 0;
            c.patients()[i] = cohort.patients().get(r.patient());
            c.outcomes()[i] = r.outcome();
        }
        return c;
    }

    /** NEWS2 total as the score of every labelled row, resampled by patient. */
    private static Evaluation news2(Column c) {
        return Evaluation.of(c.scores(), c.labels(), NEWS2_THRESHOLD, null, 0, c.patients(), c.outcomes(),
                Bootstrap.DEFAULT_RESAMPLES, SPLIT_SEED);
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
            out.printf(Locale.ROOT, "simulation: %s on %,d test rows of %,d unseen patients (%s; %s): AUROC %.3f (%.3f-%.3f) AUPRC "
                            + "%.3f (%.3f-%.3f) | NEWS2 AUROC %.3f AUPRC %.3f | AUROC minus NEWS2 %+.3f (%+.3f to %+.3f), %.0f s%n",
                    algorithm.id(), t.test().rows(), mci.units(), t.fits() == 1 ? "one 20% split"
                            : t.fits() + "-fold, every patient tested once", t.selection(), t.test().auroc(), mci.auroc().low(),
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
