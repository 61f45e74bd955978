package io.clinicalpipeline.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.clinicalpipeline.model.eval.BinaryMetrics;
import io.clinicalpipeline.model.ml.classification.TrainingTrace;
import io.clinicalpipeline.model.ml.feature.TabularEncoder;
import io.clinicalpipeline.model.ml.feature.TabularEncoderModel;
import org.apache.flink.ml.api.Stage;
import org.apache.flink.ml.builder.PipelineModel;
import org.apache.flink.ml.linalg.DenseVector;
import org.apache.flink.table.api.Table;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.apache.flink.table.api.Expressions.$;

/**
 * Fits the tabular encoder and an {@link Algorithm} on the train rows of a {@link TrainInput}, scores the test rows
 * and measures them; every stage is a Flink job (several for an iterative fit's rounds).
 */
public final class Trainer {

    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    /**
     * What to fit.
     *
     * @param params   the algorithm's hyperparameters by command-line name; the rest keep their defaults
     * @param baseline a column whose values rank the same test rows as a reference (NEWS2's {@code news2_total}
     *                 on a clinical training set), or null; missing values rank lowest
     */
    public record Settings(List<String> features, List<String> categorical, int maxCategories, Algorithm algorithm,
                           Map<String, Double> params, String classWeight, double threshold, String scratchDir,
                           String baseline, double baselineThreshold, List<Map<String, Double>> grid, int folds) {}

    /** One grid point's cross-validated AUROC: per held-out fold and their mean. */
    public record CvResult(Map<String, Double> params, double[] foldAuroc, double meanAuroc) {}

    /**
     * The fitted pipeline, its evaluation on the test rows (and the baseline's on the same rows, or null), the rows
     * that could not be used, and for trees each encoded feature's share of the total gain (largest first).
     */
    public record Result(PipelineModel model, List<String> featureNames, BinaryMetrics test, BinaryMetrics baseline,
                         long trainRows, TrainingTrace trace, Map<String, Long> skipped, long millis,
                         List<CvResult> crossValidation, Map<String, Double> chosen, Map<String, Double> importance) {}

    private record Fitted(PipelineModel model, List<String> featureNames, TrainingTrace trace,
                          Map<String, Double> importance) {}

    private Trainer() {}

    public static Result train(TrainInput input, Settings s) throws Exception {
        long started = System.currentTimeMillis();
        Map<String, Long> skipped = problems(input.table());
        skipped.forEach((problem, n) -> LOG.warn("{} rows left out: {}", n, problem));
        Table usable = input.table().where($(TrainInput.PROBLEM).isNull());
        Table train = usable.where($(TrainInput.SPLIT).isEqual("train"));
        Table test = usable.where($(TrainInput.SPLIT).isEqual("test"));
        LOG.info("training on {} with {} features: {}", input.describe(), s.features().size(), s.features());
        Map<String, Double> chosen = s.algorithm().params(s.params());
        List<CvResult> cv = List.of();
        if (s.folds() > 1) {
            cv = crossValidate(train, s);
            CvResult best = cv.stream().max(java.util.Comparator.comparingDouble(CvResult::meanAuroc)).orElseThrow();
            chosen.putAll(best.params());
            LOG.info("cross-validation chose {} (mean AUROC {})", chosen, String.format("%.4f", best.meanAuroc()));
        }
        Fitted fitted = fit(train, s, chosen);
        BinaryMetrics[] metrics = evaluate(fitted.model(), test, s);
        TrainingTrace trace = fitted.trace();
        long trainRows = trace.rounds().isEmpty() ? 0 : sum(trace.rounds().get(0).pointsPerSubtask());
        return new Result(fitted.model(), fitted.featureNames(), metrics[0], metrics[1], trainRows, trace, skipped,
                System.currentTimeMillis() - started, cv, chosen, fitted.importance());
    }

    private static Fitted fit(Table train, Settings s, Map<String, Double> params) {
        TabularEncoderModel encoder = new TabularEncoder().setInputCols(s.features().toArray(new String[0]))
                .setCategoricalCols(s.categorical().toArray(new String[0])).setMaxCategories(s.maxCategories())
                .setOutputCol(Algorithm.ENCODED).fit(train);
        List<String> names = encoder.modelData().featureNames();
        LOG.info("encoded into {} columns; fitting {} {}", names.size(), s.algorithm().description(), params);
        Algorithm.Fitted fitted = s.algorithm().fit(encoder.transform(train)[0], params, s.classWeight(), s.scratchDir());
        List<Stage<?>> stages = new ArrayList<>();
        stages.add(encoder);
        stages.addAll(fitted.stages());
        return new Fitted(new PipelineModel(stages), names, fitted.trace(), importance(names, fitted.importance()));
    }

    private static Map<String, Double> importance(List<String> names, double[] gains) {
        Map<String, Double> shares = new LinkedHashMap<>();
        if (gains == null) {
            return shares;
        }
        double total = Arrays.stream(gains).sum();
        IntStream.range(0, gains.length).boxed().filter(j -> gains[j] > 0)
                .sorted((a, b) -> Double.compare(gains[b], gains[a]))
                .forEach(j -> shares.put(names.get(j), gains[j] / total));
        return shares;
    }

    /**
     * k-fold cross-validation on the train rows for each grid point: fold f holds the rows whose fold key lies in
     * [f/k, (f+1)/k); every fold is held out once, the model fitted on the others.
     */
    private static List<CvResult> crossValidate(Table train, Settings s) throws Exception {
        List<Map<String, Double>> grid = s.grid().isEmpty() ? List.of(Map.of()) : s.grid();
        List<CvResult> results = new ArrayList<>();
        int k = s.folds();
        for (Map<String, Double> point : grid) {
            Map<String, Double> params = s.algorithm().params(s.params());
            params.putAll(point);
            double[] aurocs = new double[k];
            for (int f = 0; f < k; f++) {
                double lo = (double) f / k;
                double hi = (double) (f + 1) / k;
                Table fitOn = train.where($(TrainInput.FOLD_KEY).isLess(lo).or($(TrainInput.FOLD_KEY).isGreaterOrEqual(hi)));
                Table heldOut = train.where($(TrainInput.FOLD_KEY).isGreaterOrEqual(lo).and($(TrainInput.FOLD_KEY).isLess(hi)));
                aurocs[f] = evaluate(fit(fitOn, s, params).model(), heldOut, s)[0].auroc();
                LOG.info("cross-validation {} fold {}/{}: AUROC {}", params, f + 1, k, String.format("%.4f", aurocs[f]));
            }
            results.add(new CvResult(Map.copyOf(point), aurocs, Arrays.stream(aurocs).average().orElseThrow()));
        }
        return results;
    }

    /** Scores {@code test}; measures the scores, and the baseline column if any, against its labels. */
    private static BinaryMetrics[] evaluate(PipelineModel model, Table test, Settings s) throws Exception {
        List<double[]> scored = new ArrayList<>();
        Table scoredTest = model.transform(test)[0];
        Table predictions = s.baseline() == null ? scoredTest.select($(TrainInput.LABEL), $("rawPrediction"))
                : scoredTest.select($(TrainInput.LABEL), $("rawPrediction"), $(s.baseline()));
        try (CloseableIterator<Row> it = predictions.execute().collect()) {
            while (it.hasNext()) {
                Row row = it.next();
                Object baseline = row.getArity() > 2 ? row.getField(2) : null;
                scored.add(new double[] {((DenseVector) row.getField(1)).get(1), (Double) row.getField(0),
                        baseline instanceof Number n ? n.doubleValue() : Double.NEGATIVE_INFINITY});
            }
        }
        if (scored.isEmpty()) {
            throw new IllegalArgumentException("no test rows: raise the test fraction");
        }
        double[] scores = new double[scored.size()];
        double[] labels = new double[scored.size()];
        double[] baseline = new double[scored.size()];
        for (int i = 0; i < scored.size(); i++) {
            scores[i] = scored.get(i)[0];
            labels[i] = scored.get(i)[1];
            baseline[i] = scored.get(i)[2];
        }
        return new BinaryMetrics[] {BinaryMetrics.of(scores, labels, s.threshold()),
                s.baseline() == null ? null : BinaryMetrics.of(baseline, labels, s.baselineThreshold())};
    }

    private static Map<String, Long> problems(Table table) throws Exception {
        Map<String, Long> counts = new LinkedHashMap<>();
        Table grouped = table.where($(TrainInput.PROBLEM).isNotNull()).groupBy($(TrainInput.PROBLEM))
                .select($(TrainInput.PROBLEM), $(TrainInput.PROBLEM).count());
        try (CloseableIterator<Row> it = grouped.execute().collect()) {
            while (it.hasNext()) {
                Row row = it.next();
                counts.merge((String) row.getField(0), (Long) row.getField(1), Long::sum);
            }
        }
        return counts;
    }

    private static long sum(long[] values) {
        long n = 0;
        for (long v : values) {
            n += v;
        }
        return n;
    }

    /** The {@code --metrics-out} JSON: headline metrics, row counts, the confusion matrix and calibration. */
    public static void writeMetrics(Result r, Map<String, Object> run, Path file) throws IOException {
        Map<String, Object> json = metrics(r, run);
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
    }

    /** The metrics as stored with a registered version and written by {@code --metrics-out}. */
    public static Map<String, Object> metrics(Result r, Map<String, Object> run) {
        Map<String, Object> json = new LinkedHashMap<>(r.test().summary());
        json.put("rows_train", r.trainRows());
        json.put("rows_test", r.test().rows());
        json.put("rows_skipped", r.skipped());
        json.put("confusion", r.test().confusion());
        json.put("calibration", r.test().calibration());
        json.put("rounds", r.trace().rounds().size());
        json.put("converged", r.trace().converged());
        if (r.baseline() != null) {
            Map<String, Object> baseline = new LinkedHashMap<>(r.baseline().summary());
            baseline.remove("brier");
            baseline.put("column", run.get("baseline"));
            json.put("baseline", baseline);
        }
        if (!r.crossValidation().isEmpty()) {
            Map<String, Object> cv = new LinkedHashMap<>();
            List<Map<String, Object>> results = new ArrayList<>();
            for (CvResult c : r.crossValidation()) {
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("params", c.params());
                one.put("mean_auroc", c.meanAuroc());
                one.put("fold_auroc", c.foldAuroc());
                results.add(one);
            }
            cv.put("folds", r.crossValidation().get(0).foldAuroc().length);
            cv.put("results", results);
            json.put("cross_validation", cv);
        }
        json.put("params", r.chosen());
        if (!r.importance().isEmpty()) {
            json.put("feature_importance", r.importance());
        }
        json.put("features", r.featureNames());
        json.put("run", run);
        return json;
    }
}
