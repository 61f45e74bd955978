package io.clinicalpipeline.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.clinicalpipeline.model.drift.DriftReference;
import io.clinicalpipeline.model.drift.FeatureReference;
import io.clinicalpipeline.model.eval.BinaryMetrics;
import io.clinicalpipeline.model.eval.Bootstrap;
import io.clinicalpipeline.model.eval.Evaluation;
import io.clinicalpipeline.model.eval.HtmlReport;
import io.clinicalpipeline.model.ml.Explanation;
import io.clinicalpipeline.model.ml.RiskScorer;
import io.clinicalpipeline.model.ml.classification.TrainingTrace;
import io.clinicalpipeline.model.ml.feature.Encoding;
import io.clinicalpipeline.model.ml.feature.TabularEncoder;
import io.clinicalpipeline.model.ml.feature.TabularEncoderModel;
import org.apache.flink.ml.api.Stage;
import org.apache.flink.ml.builder.PipelineModel;
import org.apache.flink.ml.linalg.DenseVector;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.expressions.Expression;
import org.apache.flink.table.types.logical.LogicalTypeFamily;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;

import static org.apache.flink.table.api.Expressions.$;

/**
 * Fits the tabular encoder and an {@link Algorithm} on the train rows of a {@link TrainInput}, scores the test rows
 * and measures them; every stage is a Flink job (several for an iterative fit's rounds).
 */
public final class Trainer {

    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    /** The regularisation strengths the default inner cross-validation of a logistic regression compares. */
    public static final List<Double> DEFAULT_REG_GRID = List.of(1e-3, 1e-2, 1e-1, 1.0);
    static final int DEFAULT_FOLDS = 3;
    /**
     * The default inner cross-validation runs on at most about this many train rows (whole patients, by fold key), so
     * it costs seconds to a minute at any size; the chosen model is then fitted on every train row.
     */
    static final long DEFAULT_SEARCH_ROWS = 40_000;
    /** Train rows up to which {@code train} fits in one thread by default: about 2 GB of heap at 200 feature columns. */
    public static final long DEFAULT_LOCAL_ROWS = 300_000;
    /** Without an inner cross-validation (the input is too large to fit in one thread), this strength is used. */
    static final double FALLBACK_REG = 1e-3;

    /**
     * What to fit.
     *
     * @param params   the algorithm's hyperparameters by command-line name; the rest keep their defaults. A logistic
     *                 regression given no {@code reg} and no grid picks it by an inner cross-validation
     *                 ({@link #DEFAULT_REG_GRID}) when it trains in one thread, else uses {@link #FALLBACK_REG}
     * @param baseline a column whose values rank the same test rows as a reference (NEWS2's {@code news2_total}
     *                 on a clinical training set), or null; missing values rank lowest
     * @param localRows train in this thread, without Flink jobs, when there are at most this many train rows; 0: always
     *                  use Flink jobs
     */
    public record Settings(List<String> features, List<String> categorical, int maxCategories, Algorithm algorithm,
                           Map<String, Double> params, String classWeight, double threshold, String scratchDir,
                           String baseline, double baselineThreshold, List<Map<String, Double>> grid, int folds,
                           long localRows) {}

    /** One grid point's cross-validated AUROC: per held-out fold, and the mean of those with both classes. */
    public record CvResult(Map<String, Double> params, double[] foldAuroc, double meanAuroc) {}

    /**
     * The fitted pipeline, its evaluation on the test rows (with the baseline's on the same rows), the rows that could
     * not be used, and for trees each encoded feature's share of the total gain (largest first).
     *
     * @param engine   where the fit ran: "one thread" or "Flink jobs"
     * @param selection how the hyperparameters were chosen, in words
     * @param testScores the model's score of each test row, in the test rows' order: two models tested on the same rows
     *                   can be compared row by row
     * @param reference  the input features' distribution over (up to {@value #REFERENCE_ROWS} of) the train rows, which
     *                   drift is measured against
     * @param contributions each input column's mean |contribution| to the log-odds (see {@code Explanation}) over up
     *                   to {@value #EXPLAINED_ROWS} of those rows, largest first: global importance from the same
     *                   contributions every score carries
     */
    public record Result(PipelineModel model, List<String> featureNames, Evaluation evaluation, long trainRows,
                         TrainingTrace trace, Map<String, Long> skipped, long millis, List<CvResult> crossValidation,
                         Map<String, Double> chosen, Map<String, Double> importance, String engine, String selection,
                         double[] testScores, DriftReference reference, Map<String, Double> contributions) {

        public BinaryMetrics test() {
            return evaluation.model();
        }

        /** The baseline's metrics on the test rows, or null. */
        public BinaryMetrics baseline() {
            return evaluation.baseline();
        }
    }

    private record Fitted(List<Stage<?>> stages, Encoding encoding, List<String> featureNames, TrainingTrace trace,
                          Map<String, Double> importance, ToDoubleFunction<Row> probability) {
        PipelineModel model() {
            return new PipelineModel(stages);
        }
    }

    /**
     * How the hyperparameters get chosen: the grid and folds, and the choice described; {@code subsample}: on at most
     * {@link #DEFAULT_SEARCH_ROWS} rows.
     */
    private record Search(List<Map<String, Double>> grid, int folds, Map<String, Double> fixed, String described,
                          boolean subsample) {}

    /** Test rows scored: label, score, baseline, patient, outcome type. */
    private record Scored(double[] labels, double[] scores, double[] baseline, String[] groups, String[] outcomes) {}

    /** Train rows the drift reference is computed from, at most (about). */
    static final long REFERENCE_ROWS = 100_000;
    /** Features the drift reference marks as the model's top ones. */
    static final int TOP_FEATURES = 10;
    /** Rows the mean contributions are taken over, at most. */
    static final int EXPLAINED_ROWS = 20_000;

    private Trainer() {}

    public static Result train(TrainInput input, Settings s) throws Exception {
        long started = System.currentTimeMillis();
        Map<String, Long> skipped = problems(input.table());
        skipped.forEach((problem, n) -> LOG.warn("{} rows left out: {}", n, problem));
        Table usable = input.table().where($(TrainInput.PROBLEM).isNull());
        Table train = usable.where($(TrainInput.SPLIT).isEqual("train"));
        Table test = usable.where($(TrainInput.SPLIT).isEqual("test"));
        LOG.info("training on {} with {} features: {}", input.describe(), s.features().size(), s.features());
        List<Row> local = s.localRows() > 0 ? collectAtMost(train, s.localRows() + 1) : null;
        if (local != null && local.size() <= s.localRows()) {
            List<String> columns = train.getResolvedSchema().getColumnNames();
            Set<String> numeric = new HashSet<>();
            for (int i = 0; i < columns.size(); i++) {
                if (train.getResolvedSchema().getColumnDataTypes().get(i).getLogicalType().is(LogicalTypeFamily.NUMERIC)) {
                    numeric.add(columns.get(i));
                }
            }
            return fit(new LocalEngine(columns, numeric, local, s), s, skipped, started,
                    fitted -> scored(collectAtMost(test, Long.MAX_VALUE), columns, s, fitted.probability()));
        }
        FlinkEngine engine = new FlinkEngine(train, s);
        return fit(engine, s, skipped, started, fitted -> engine.score(fitted, test));
    }

    /**
     * Fits and evaluates on rows already in memory, in this thread: {@code columns} name the rows' fields, which hold
     * the features, {@link TrainInput#LABEL} and {@link TrainInput#FOLD_KEY} (and {@link TrainInput#GROUP},
     * {@link TrainInput#OUTCOME} and the baseline column where known); {@code numeric} says which are numeric.
     */
    public static Result trainLocally(List<String> columns, Set<String> numeric, List<Row> train, List<Row> test,
                                      Settings s) throws Exception {
        return fit(new LocalEngine(columns, numeric, train, s), s, Map.of(), System.currentTimeMillis(),
                fitted -> scored(test, columns, s, fitted.probability()));
    }

    /** Scores the test rows with a fitted model. */
    private interface Tester {
        Scored score(Fitted fitted) throws Exception;
    }

    private static Result fit(Engine engine, Settings s, Map<String, Long> skipped, long started, Tester tester)
            throws Exception {
        boolean inMemory = engine instanceof LocalEngine;
        Search search = search(s, inMemory);
        Map<String, Double> chosen = s.algorithm().params(s.params());
        chosen.putAll(search.fixed());
        LOG.info("fitting in {}; {}", inMemory ? "one thread" : "Flink jobs", search.described());
        List<CvResult> cv = List.of();
        if (search.folds() > 1) {
            cv = crossValidate(search.subsample() ? engine.sample(DEFAULT_SEARCH_ROWS) : engine, s, search, chosen);
            // A point whose every fold lacked a class has no mean; it must not win by NaN sorting above every number.
            CvResult best = cv.stream().max(java.util.Comparator.comparingDouble(r -> Double.isNaN(r.meanAuroc())
                    ? Double.NEGATIVE_INFINITY : r.meanAuroc())).orElseThrow();
            chosen.putAll(best.params());
            LOG.info("cross-validation chose {} (mean AUROC {})", chosen, String.format("%.4f", best.meanAuroc()));
        }
        Fitted fitted = engine.fit(null, chosen);
        TrainingTrace trace = fitted.trace();
        long trainRows = trace.rounds().isEmpty() ? 0 : sum(trace.rounds().get(0).pointsPerSubtask());
        List<Row> referenceRows = engine.referenceRows(REFERENCE_ROWS, trainRows);
        DriftReference reference = reference(referenceRows, engine.columns(), fitted);
        Map<String, Double> contributions = meanContributions(referenceRows, engine.columns(), fitted);
        Scored tested = tester.score(fitted);
        Evaluation evaluation = evaluate(tested, s);
        return new Result(fitted.model(), fitted.featureNames(), evaluation, trainRows, trace, skipped,
                System.currentTimeMillis() - started, cv, chosen, fitted.importance(),
                inMemory ? "one thread" : "Flink jobs", search.described(), tested.scores(), reference, contributions);
    }

    /** Where the baseline column sits in the encoded vector, or -1 when it is not one of the features. */
    private static int baselinePosition(List<String> encodedNames, Settings s) {
        return s.baseline() == null ? -1 : encodedNames.indexOf(s.baseline());
    }

    /** The first {@code n} entries of an ordered map. */
    public static Map<String, Double> top(Map<String, Double> ordered, int n) {
        Map<String, Double> first = new LinkedHashMap<>();
        ordered.entrySet().stream().limit(n).forEach(e -> first.put(e.getKey(), e.getValue()));
        return first;
    }

    /** Each input column's mean |contribution| over every k-th row, so that about {@value #EXPLAINED_ROWS} are explained. */
    private static Map<String, Double> meanContributions(List<Row> rows, List<String> columns, Fitted fitted) {
        RiskScorer.Bound scorer = RiskScorer.of(fitted.stages(), "the fitted pipeline").bind(columns);
        Map<String, Double> sums = new HashMap<>();
        int step = Math.max(1, rows.size() / EXPLAINED_ROWS);
        int explained = 0;
        for (int i = 0; i < rows.size(); i += step) {
            Row row = rows.get(i);
            for (Explanation.Contribution c : scorer.explain(row::getField).contributions()) {
                sums.merge(c.feature(), Math.abs(c.contribution()), Double::sum);
            }
            explained++;
        }
        int n = explained;
        Map<String, Double> means = new LinkedHashMap<>();
        sums.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> means.put(e.getKey(), e.getValue() / n));
        return means;
    }

    /**
     * The model's input features' training distribution, from whole patients' rows (a fold key range) when there are
     * many; numeric or categorical as the fitted encoder took each.
     */
    private static DriftReference reference(List<Row> rows, List<String> columns, Fitted fitted) {
        List<FeatureReference> features = new ArrayList<>();
        for (Encoding.Column c : fitted.encoding().columns()) {
            int at = columns.indexOf(c.name());
            features.add(c.categorical()
                    ? FeatureReference.categorical(c.name(), rows.stream().map(r -> r.getField(at) == null ? null
                            : r.getField(at).toString()).toList())
                    : FeatureReference.numeric(c.name(), rows.stream().mapToDouble(r -> r.getField(at) instanceof Number v
                            ? v.doubleValue() : Double.NaN).toArray()));
        }
        List<String> inputs = features.stream().map(FeatureReference::name).toList();
        return new DriftReference(rows.size(), features, DriftReference.top(inputs, fitted.importance(), TOP_FEATURES));
    }

    /** The grid to cross-validate, or the default choice when none was asked for. */
    private static Search search(Settings s, boolean inMemory) {
        boolean defaultReg = s.algorithm() == Algorithm.LR && !s.params().containsKey("reg") && s.grid().isEmpty();
        if (!defaultReg) {
            return new Search(s.grid().isEmpty() ? List.of(Map.of()) : s.grid(), s.folds(), Map.of(),
                    s.folds() > 1 ? "chosen by " + s.folds() + "-fold cross-validation over the grid given" : "as given",
                    false);
        }
        if (!inMemory) {
            return new Search(List.of(Map.of()), s.folds(), Map.of("reg", FALLBACK_REG), "reg " + FALLBACK_REG
                    + " by default: the input is too large for the inner cross-validation; give --reg or --grid", false);
        }
        List<Map<String, Double>> grid = DEFAULT_REG_GRID.stream().map(r -> Map.of("reg", r)).toList();
        int folds = Math.max(s.folds(), DEFAULT_FOLDS);
        return new Search(grid, folds, Map.of(), "reg chosen by inner " + folds + "-fold cross-validation over "
                + DEFAULT_REG_GRID + " on up to " + DEFAULT_SEARCH_ROWS + " rows", true);
    }

    /**
     * k-fold cross-validation on the train rows for each grid point: fold f holds the rows whose fold key lies in
     * [f/k, (f+1)/k); every fold is held out once, the model fitted on the others. The fold key hashes the patient
     * where the input has one, so no patient is in both a fold and its complement.
     */
    private static List<CvResult> crossValidate(Engine engine, Settings s, Search search, Map<String, Double> base)
            throws Exception {
        List<CvResult> results = new ArrayList<>();
        int k = search.folds();
        for (Map<String, Double> point : search.grid()) {
            Map<String, Double> params = new LinkedHashMap<>(base);
            params.putAll(point);
            double[] aurocs = new double[k];
            for (int f = 0; f < k; f++) {
                double lo = (double) f / k;
                double hi = (double) (f + 1) / k;
                Scored held = engine.heldOut(engine.fit(new double[] {lo, hi}, params), lo, hi);
                aurocs[f] = BinaryMetrics.of(held.scores(), held.labels(), s.threshold()).auroc();
                LOG.info("cross-validation {} fold {}/{}: AUROC {}", params, f + 1, k, String.format("%.4f", aurocs[f]));
            }
            // A fold without positives (few outcomes, whole patients per fold) has no AUROC; the others still measure.
            results.add(new CvResult(Map.copyOf(point), aurocs,
                    Arrays.stream(aurocs).filter(a -> !Double.isNaN(a)).average().orElse(Double.NaN)));
        }
        return results;
    }

    private static Evaluation evaluate(Scored t, Settings s) {
        if (t.labels().length == 0) {
            throw new IllegalArgumentException("no test rows: raise the test fraction");
        }
        return Evaluation.of(t.scores(), t.labels(), s.threshold(), s.baseline() == null ? null : t.baseline(),
                s.baselineThreshold(), t.groups(), t.outcomes(), Bootstrap.DEFAULT_RESAMPLES, 42);
    }

    /** Where fits run: the same encoder and solvers, over a table with Flink jobs or over collected rows in this thread. */
    private interface Engine {
        /** Fits on the train rows, or on those outside the fold key range {@code [lo, hi)} when {@code fold} is given. */
        Fitted fit(double[] fold, Map<String, Double> params) throws Exception;

        /** The train rows inside the fold key range, scored. */
        Scored heldOut(Fitted fitted, double lo, double hi) throws Exception;

        /** An engine over about {@code rows} of the train rows (whole fold key ranges, so whole patients), or this. */
        Engine sample(long rows);

        /** Up to about {@code rows} of the {@code trainRows} train rows, whole fold key ranges (so whole patients). */
        List<Row> referenceRows(long rows, long trainRows) throws Exception;

        /** The names of the rows' fields. */
        List<String> columns();
    }

    private static final class FlinkEngine implements Engine {
        private final Table train;
        private final Settings s;

        FlinkEngine(Table train, Settings s) {
            this.train = train;
            this.s = s;
        }

        @Override
        public Fitted fit(double[] fold, Map<String, Double> params) {
            Table rows = fold == null ? train : train.where($(TrainInput.FOLD_KEY).isLess(fold[0])
                    .or($(TrainInput.FOLD_KEY).isGreaterOrEqual(fold[1])));
            TabularEncoderModel encoder = encoder(s).fit(rows);
            List<String> names = encoder.modelData().featureNames();
            LOG.info("encoded into {} columns; fitting {} {}", names.size(), s.algorithm().description(), params);
            Algorithm.Fitted fitted = s.algorithm().fit(encoder.transform(rows)[0], params, s.classWeight(), s.scratchDir(),
                    baselinePosition(names, s));
            return new Fitted(stages(encoder, fitted), encoder.modelData(), names, fitted.trace(),
                    importance(names, fitted.importance()), null);
        }

        Scored score(Fitted fitted, Table rows) throws Exception {
            Table transformed = fitted.model().transform(rows)[0];
            List<String> available = transformed.getResolvedSchema().getColumnNames();
            List<String> wanted = new ArrayList<>(List.of(TrainInput.LABEL, "rawPrediction", TrainInput.GROUP, TrainInput.OUTCOME));
            if (s.baseline() != null) {
                wanted.add(s.baseline());
            }
            wanted.retainAll(available);
            Table scored = transformed.select(wanted.stream().map(c -> $(c)).toArray(Expression[]::new));
            List<String> columns = scored.getResolvedSchema().getColumnNames();
            List<Row> collected = new ArrayList<>();
            try (CloseableIterator<Row> it = scored.execute().collect()) {
                it.forEachRemaining(collected::add);
            }
            int prediction = columns.indexOf("rawPrediction");
            return scored(collected, columns, s, row -> ((DenseVector) row.getField(prediction)).get(1));
        }

        @Override
        public Engine sample(long rows) {
            return this;
        }

        @Override
        public List<Row> referenceRows(long rows, long trainRows) throws Exception {
            double share = Math.min(1.0, (double) rows / Math.max(1, trainRows));
            return collectAtMost(train.where($(TrainInput.FOLD_KEY).isLess(share)), 2 * rows);
        }

        @Override
        public List<String> columns() {
            return train.getResolvedSchema().getColumnNames();
        }

        @Override
        public Scored heldOut(Fitted fitted, double lo, double hi) throws Exception {
            return score(fitted, train.where($(TrainInput.FOLD_KEY).isGreaterOrEqual(lo).and($(TrainInput.FOLD_KEY).isLess(hi))));
        }
    }

    /** The train rows collected once; encoder, scaler and solver fitted on them in this thread. */
    private static final class LocalEngine implements Engine {
        private final List<String> columns;
        private final Set<String> numeric;
        private final List<Row> train;
        private final int foldKey;
        private final int label;
        private final Settings s;

        LocalEngine(List<String> columns, Set<String> numeric, List<Row> train, Settings s) {
            this.columns = columns;
            this.numeric = numeric;
            this.train = train;
            this.foldKey = columns.indexOf(TrainInput.FOLD_KEY);
            this.label = columns.indexOf(TrainInput.LABEL);
            this.s = s;
        }

        @Override
        public Fitted fit(double[] fold, Map<String, Double> params) throws Exception {
            List<Row> rows = fold == null ? train : train.stream().filter(r -> !inFold(r, fold[0], fold[1])).toList();
            TabularEncoderModel encoder = encoder(s).fitLocally(columns, numeric, rows);
            int[] inputs = encoder.modelData().columns().stream().mapToInt(c -> columns.indexOf(c.name())).toArray();
            List<double[]> points = new ArrayList<>(rows.size());
            for (Row r : rows) {
                double[] x = encoder.modelData().encode(i -> r.getField(inputs[i]));
                double[] point = new double[x.length + 2];
                point[0] = ((Number) r.getField(label)).doubleValue();
                point[1] = 1;
                System.arraycopy(x, 0, point, 2, x.length);
                points.add(point);
            }
            List<String> names = encoder.modelData().featureNames();
            LOG.info("encoded {} rows into {} columns in memory; fitting {} {}", rows.size(), names.size(),
                    s.algorithm().description(), params);
            Algorithm.LocalFit fit = s.algorithm().fitLocally(points, params, s.classWeight(), baselinePosition(names, s));
            ToDoubleFunction<Row> probability = r -> fit.probability().applyAsDouble(
                    encoder.modelData().encode(i -> r.getField(inputs[i])));
            return new Fitted(stages(encoder, fit.fitted()), encoder.modelData(), names, fit.fitted().trace(),
                    importance(names, fit.fitted().importance()), probability);
        }

        @Override
        public Scored heldOut(Fitted fitted, double lo, double hi) {
            return scored(train.stream().filter(r -> inFold(r, lo, hi)).toList(), columns, s, fitted.probability());
        }

        /** The rows whose fold key is below the share that keeps about {@code rows}, with their keys stretched to [0, 1). */
        @Override
        public Engine sample(long rows) {
            if (train.size() <= rows) {
                return this;
            }
            double share = (double) rows / train.size();
            List<Row> kept = new ArrayList<>();
            for (Row r : train) {
                double key = ((Number) r.getField(foldKey)).doubleValue();
                if (key < share) {
                    Row copy = Row.copy(r);
                    copy.setField(foldKey, key / share);
                    kept.add(copy);
                }
            }
            LOG.info("hyperparameter search on {} of the {} train rows", kept.size(), train.size());
            return new LocalEngine(columns, numeric, kept, s);
        }

        @Override
        public List<Row> referenceRows(long rows, long trainRows) {
            double share = (double) rows / Math.max(1, train.size());
            return share >= 1 ? train : train.stream().filter(r -> inFold(r, 0, share)).toList();
        }

        @Override
        public List<String> columns() {
            return columns;
        }

        private boolean inFold(Row r, double lo, double hi) {
            double key = ((Number) r.getField(foldKey)).doubleValue();
            return key >= lo && key < hi;
        }
    }

    private static TabularEncoder encoder(Settings s) {
        return new TabularEncoder().setInputCols(s.features().toArray(new String[0]))
                .setCategoricalCols(s.categorical().toArray(new String[0])).setMaxCategories(s.maxCategories())
                .setOutputCol(Algorithm.ENCODED);
    }

    private static List<Stage<?>> stages(TabularEncoderModel encoder, Algorithm.Fitted fitted) {
        List<Stage<?>> stages = new ArrayList<>();
        stages.add(encoder);
        stages.addAll(fitted.stages());
        return List.copyOf(stages);
    }

    /** Scores, labels, baseline values (missing ranks lowest), patients and outcome types of scored rows. */
    private static Scored scored(List<Row> rows, List<String> columns, Settings s, ToDoubleFunction<Row> score) {
        int label = columns.indexOf(TrainInput.LABEL);
        int baseline = s.baseline() == null ? -1 : columns.indexOf(s.baseline());
        int group = columns.indexOf(TrainInput.GROUP);
        int outcome = columns.indexOf(TrainInput.OUTCOME);
        int n = rows.size();
        Scored out = new Scored(new double[n], new double[n], new double[n], group < 0 ? null : new String[n],
                outcome < 0 ? null : new String[n]);
        for (int i = 0; i < n; i++) {
            Row row = rows.get(i);
            out.labels()[i] = ((Number) row.getField(label)).doubleValue();
            out.scores()[i] = score.applyAsDouble(row);
            Object b = baseline < 0 ? null : row.getField(baseline);
            out.baseline()[i] = b instanceof Number v ? v.doubleValue() : Double.NEGATIVE_INFINITY;
            if (out.groups() != null) {
                out.groups()[i] = (String) row.getField(group);
            }
            if (out.outcomes() != null) {
                out.outcomes()[i] = (String) row.getField(outcome);
            }
        }
        if (out.groups() != null && Arrays.stream(out.groups()).anyMatch(java.util.Objects::isNull)) {
            return new Scored(out.labels(), out.scores(), out.baseline(), null, out.outcomes());
        }
        return out;
    }

    /** Up to {@code limit} rows of {@code table}; the job stops reading once it has them. */
    private static List<Row> collectAtMost(Table table, long limit) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (CloseableIterator<Row> it = table.execute().collect()) {
            while (it.hasNext() && rows.size() < limit) {
                rows.add(it.next());
            }
        }
        return rows;
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
        Bootstrap.Result ci = r.evaluation().uncertainty();
        json.putAll(ci.fields(false));
        json.put("bootstrap", Map.of("resamples", ci.resamples(), "level", ci.level(), "unit", ci.unit(), "units", ci.units()));
        json.put("fit_engine", r.engine());
        json.put("hyperparameter_selection", r.selection());
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
            baseline.putAll(ci.fields(true));
            baseline.put("column", run.get("baseline"));
            json.put("baseline", baseline);
            Map<String, Object> difference = new LinkedHashMap<>();
            difference.put("auroc", r.test().auroc() - r.baseline().auroc());
            difference.put("auroc_ci_low", ci.aurocDifference().low());
            difference.put("auroc_ci_high", ci.aurocDifference().high());
            json.put("model_minus_baseline", difference);
        }
        if (!r.evaluation().byOutcome().isEmpty()) {
            Map<String, Object> byOutcome = new LinkedHashMap<>();
            r.evaluation().byOutcome().forEach((type, b) -> {
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("positives", b.positives());
                one.put("auroc", b.auroc());
                one.put("auprc", b.auprc());
                if (r.baseline() != null) {
                    one.put("baseline_auroc", b.baselineAuroc());
                    one.put("baseline_auprc", b.baselineAuprc());
                }
                byOutcome.put(type, one);
            });
            json.put("by_outcome", byOutcome);
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
        json.put("mean_abs_contribution", top(r.contributions(), HtmlReport.CONTRIBUTIONS_SHOWN));
        json.put("features", r.featureNames());
        json.put("run", run);
        return json;
    }
}
