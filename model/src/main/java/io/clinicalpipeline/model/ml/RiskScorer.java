package io.clinicalpipeline.model.ml;

import io.clinicalpipeline.model.ml.classification.BoostedTrees;
import io.clinicalpipeline.model.ml.classification.GbtClassifierModel;
import io.clinicalpipeline.model.ml.classification.LogisticRegressionModel;
import io.clinicalpipeline.model.ml.feature.StandardScalerModel;
import io.clinicalpipeline.model.ml.feature.TabularEncoderModel;
import io.clinicalpipeline.model.ml.feature.Encoding;
import org.apache.flink.ml.api.Stage;
import org.apache.flink.ml.linalg.DenseVector;
import org.apache.flink.ml.util.FileUtils;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;

/**
 * A saved pipeline (tabular encoder, optional scalers, logistic regression or gradient-boosted trees) scoring one
 * row at a time, for the streaming and batch scoring jobs: no Flink table, no data frame per row. It runs the same
 * code as the stages' Flink transforms and servables (encoding, scaling, the classifier's probability), so its
 * scores equal theirs bit for bit. {@link #explain} says which columns made a score (see {@link Explanation}).
 */
public final class RiskScorer {

    private final List<String> inputColumns;
    private final Encoding encoding;
    private final int[] columnOfPosition;
    private final List<UnaryOperator<double[]>> vectorStages;
    private final Classifier classifier;

    /** The last stage: its probability and margin, and the margin's additive attribution to vector positions. */
    private interface Classifier {
        double probability(double[] x);

        double margin(double[] x);

        /** What the contributions add to. */
        double base();

        /** One per vector position; with {@link #base} they add up to the margin. */
        double[] contributions(double[] x);

        boolean explainable();
    }

    private record Regression(LogisticRegressionModel model, double[] coefficients) implements Classifier {
        Regression(LogisticRegressionModel model) {
            this(model, model.coefficients());
        }

        @Override
        public double probability(double[] x) {
            return model.probability(new DenseVector(x));
        }

        @Override
        public double margin(double[] x) {
            double margin = 0;
            for (int j = 0; j < x.length; j++) {
                margin += coefficients[j] * x[j];
            }
            return margin;
        }

        /** 0: the intercept's position maps to no column, so its term joins the base there. */
        @Override
        public double base() {
            return 0;
        }

        @Override
        public double[] contributions(double[] x) {
            double[] c = new double[x.length];
            for (int j = 0; j < x.length; j++) {
                c[j] = coefficients[j] * x[j];
            }
            return c;
        }

        @Override
        public boolean explainable() {
            return true;
        }
    }

    private record Trees(BoostedTrees trees, double base) implements Classifier {
        Trees(BoostedTrees trees) {
            this(trees, trees.explainable() ? trees.expectedMargin() : Double.NaN);
        }

        @Override
        public double probability(double[] x) {
            return trees.probability(x);
        }

        @Override
        public double margin(double[] x) {
            return trees.margin(x);
        }

        @Override
        public double[] contributions(double[] x) {
            return trees.contributions(x);
        }

        @Override
        public boolean explainable() {
            return trees.explainable();
        }
    }

    private static final String SHAPE = "the scorer takes a TabularEncoderModel first, StandardScalerModels, and a "
            + "LogisticRegressionModel or GbtClassifierModel last";

    private RiskScorer(List<String> inputColumns, Encoding encoding, List<UnaryOperator<double[]>> vectorStages,
                       Classifier classifier) {
        this.inputColumns = inputColumns;
        this.encoding = encoding;
        this.columnOfPosition = encoding.columnOfPosition();
        this.vectorStages = vectorStages;
        this.classifier = classifier;
    }

    /** Loads a pipeline saved by {@code PipelineModel.save} (e.g. by {@code bin/pipeline train --register}). */
    public static RiskScorer load(String path) throws IOException {
        Map<String, ?> metadata = FileUtils.loadMetadata(path, "");
        Object stages = metadata.get("numStages");
        if (!(stages instanceof Integer n) || n < 2) {
            throw new IllegalArgumentException(path + " is not a saved pipeline of an encoder and a classifier");
        }
        List<Stage<?>> loaded = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String stagePath = FileUtils.getPathForPipelineStage(i, n, path);
            String className = (String) FileUtils.loadMetadata(stagePath, "").get("className");
            if (TabularEncoderModel.class.getName().equals(className)) {
                loaded.add(TabularEncoderModel.load(null, stagePath));
            } else if (LogisticRegressionModel.class.getName().equals(className)) {
                loaded.add(LogisticRegressionModel.load(null, stagePath));
            } else if (GbtClassifierModel.class.getName().equals(className)) {
                loaded.add(GbtClassifierModel.load(null, stagePath));
            } else if (StandardScalerModel.class.getName().equals(className)) {
                loaded.add(StandardScalerModel.load(null, stagePath));
            } else {
                throw new IllegalArgumentException("stage " + i + " of " + path + " is a " + className + "; " + SHAPE);
            }
        }
        return of(loaded, path);
    }

    /** The scorer of fitted stages still in memory (a trainer's), as {@link #load} builds it from saved ones. */
    public static RiskScorer of(List<Stage<?>> stages, String describedAs) {
        TabularEncoderModel encoder = null;
        List<UnaryOperator<double[]>> vectorStages = new ArrayList<>();
        Classifier classifier = null;
        int last = stages.size() - 1;
        for (int i = 0; i <= last; i++) {
            Stage<?> stage = stages.get(i);
            if (i == 0 && stage instanceof TabularEncoderModel e) {
                encoder = e;
            } else if (i == last && stage instanceof LogisticRegressionModel regression) {
                classifier = new Regression(regression);
            } else if (i == last && stage instanceof GbtClassifierModel trees) {
                classifier = new Trees(trees.modelData());
            } else if (i > 0 && i < last && stage instanceof StandardScalerModel scaler) {
                vectorStages.add(scaler::scale);
            } else {
                throw new IllegalArgumentException("stage " + i + " of " + describedAs + " is a "
                        + stage.getClass().getName() + "; " + SHAPE);
            }
        }
        if (encoder == null || classifier == null) {
            throw new IllegalArgumentException(describedAs + " has no encoder or classifier; " + SHAPE);
        }
        return new RiskScorer(List.of(encoder.getInputCols()), encoder.modelData(), vectorStages, classifier);
    }

    /** The raw columns the pipeline reads, in its order. */
    public List<String> inputColumns() {
        return inputColumns;
    }

    /** Whether {@link #explain} works: false only for boosted trees saved before node covers were kept. */
    public boolean explainable() {
        return classifier.explainable();
    }

    /** Scores rows of a fixed layout: the model's input columns resolved to positions once, not per row. */
    public interface Bound {
        /** The probability of the positive class; {@code field.apply(i)} is the row's value at position i. */
        double score(IntFunction<Object> field);

        /** The score with its explanation; see {@link RiskScorer#explainable}. */
        Explanation explain(IntFunction<Object> field);

        boolean explainable();
    }

    /**
     * Binds the scorer to rows whose columns are {@code rowColumns}, in that order.
     *
     * @throws IllegalArgumentException when the rows lack a column the model reads (it was trained on another table)
     */
    public Bound bind(List<String> rowColumns) {
        int[] positions = new int[inputColumns.size()];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = rowColumns.indexOf(inputColumns.get(i));
            if (positions[i] < 0) {
                throw new IllegalArgumentException("the model reads column '" + inputColumns.get(i)
                        + "', which the rows do not have; it was trained on another table");
            }
        }
        return new Bound() {
            @Override
            public double score(IntFunction<Object> field) {
                return classifier.probability(vector(i -> field.apply(positions[i])));
            }

            @Override
            public Explanation explain(IntFunction<Object> field) {
                return explainInput(i -> field.apply(positions[i]));
            }

            @Override
            public boolean explainable() {
                return RiskScorer.this.explainable();
            }
        };
    }

    /** The probability of the positive class for a row whose column values {@code column} returns (null: missing). */
    public double score(Function<String, Object> column) {
        return classifier.probability(vector(i -> column.apply(inputColumns.get(i))));
    }

    /** The same score with each input column's contribution to it. */
    public Explanation explain(Function<String, Object> column) {
        return explainInput(i -> column.apply(inputColumns.get(i)));
    }

    private Explanation explainInput(IntFunction<Object> input) {
        double[] x = vector(input);
        double[] byPosition = classifier.contributions(x);
        double base = classifier.base();
        double[] byColumn = new double[inputColumns.size()];
        for (int j = 0; j < byPosition.length; j++) {
            if (columnOfPosition[j] < 0) {
                base += byPosition[j];
            } else {
                byColumn[columnOfPosition[j]] += byPosition[j];
            }
        }
        Integer[] order = new Integer[byColumn.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> -Math.abs(byColumn[i])));
        List<Explanation.Contribution> contributions = new ArrayList<>(order.length);
        for (int i : order) {
            contributions.add(new Explanation.Contribution(inputColumns.get(i), input.apply(i), byColumn[i]));
        }
        return new Explanation(classifier.probability(x), classifier.margin(x), base, contributions);
    }

    private double[] vector(IntFunction<Object> input) {
        double[] x = encoding.encode(input);
        for (UnaryOperator<double[]> stage : vectorStages) {
            x = stage.apply(x);
        }
        return x;
    }
}
