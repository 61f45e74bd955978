package io.clinicalpipeline.model.ml;

import io.clinicalpipeline.model.ml.classification.GbtClassifierModel;
import io.clinicalpipeline.model.ml.classification.LogisticRegressionModel;
import io.clinicalpipeline.model.ml.feature.StandardScalerModel;
import io.clinicalpipeline.model.ml.feature.TabularEncoderModel;
import io.clinicalpipeline.model.ml.feature.Encoding;
import org.apache.flink.ml.linalg.DenseVector;
import org.apache.flink.ml.util.FileUtils;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.ToDoubleFunction;
import java.util.function.UnaryOperator;

/**
 * A saved pipeline (tabular encoder, optional scalers, logistic regression or gradient-boosted trees) scoring one
 * row at a time, for the streaming and batch scoring jobs: no Flink table, no data frame per row. It runs the same
 * code as the stages' Flink transforms and servables (encoding, scaling, the classifier's probability), so its
 * scores equal theirs bit for bit.
 */
public final class RiskScorer {

    private final List<String> inputColumns;
    private final Encoding encoding;
    private final List<UnaryOperator<double[]>> vectorStages;
    private final ToDoubleFunction<double[]> classifier;

    private RiskScorer(List<String> inputColumns, Encoding encoding, List<UnaryOperator<double[]>> vectorStages,
                       ToDoubleFunction<double[]> classifier) {
        this.inputColumns = inputColumns;
        this.encoding = encoding;
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
        TabularEncoderModel encoder = null;
        List<UnaryOperator<double[]>> vectorStages = new ArrayList<>();
        ToDoubleFunction<double[]> classifier = null;
        for (int i = 0; i < n; i++) {
            String stagePath = FileUtils.getPathForPipelineStage(i, n, path);
            String className = (String) FileUtils.loadMetadata(stagePath, "").get("className");
            if (i == 0 && TabularEncoderModel.class.getName().equals(className)) {
                encoder = TabularEncoderModel.load(null, stagePath);
            } else if (i == n - 1 && LogisticRegressionModel.class.getName().equals(className)) {
                LogisticRegressionModel regression = LogisticRegressionModel.load(null, stagePath);
                classifier = x -> regression.probability(new DenseVector(x));
            } else if (i == n - 1 && GbtClassifierModel.class.getName().equals(className)) {
                classifier = GbtClassifierModel.load(null, stagePath)::probability;
            } else if (StandardScalerModel.class.getName().equals(className)) {
                vectorStages.add(StandardScalerModel.load(null, stagePath)::scale);
            } else {
                throw new IllegalArgumentException("stage " + i + " of " + path + " is a " + className + "; the scorer "
                        + "takes a TabularEncoderModel, StandardScalerModels and a LogisticRegressionModel or "
                        + "GbtClassifierModel last");
            }
        }
        if (encoder == null || classifier == null) {
            throw new IllegalArgumentException(path + " must start with a TabularEncoderModel and end with a "
                    + "LogisticRegressionModel or GbtClassifierModel");
        }
        return new RiskScorer(List.of(encoder.getInputCols()), encoder.modelData(), vectorStages, classifier);
    }

    /** The raw columns the pipeline reads, in its order. */
    public List<String> inputColumns() {
        return inputColumns;
    }

    /** Scores rows of a fixed layout: the model's input columns resolved to positions once, not per row. */
    public interface Bound {
        /** The probability of the positive class; {@code field.apply(i)} is the row's value at position i. */
        double score(IntFunction<Object> field);
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
        return field -> score(encoding.encode(i -> field.apply(positions[i])));
    }

    /** The probability of the positive class for a row whose column values {@code column} returns (null: missing). */
    public double score(Function<String, Object> column) {
        return score(encoding.encode(i -> column.apply(inputColumns.get(i))));
    }

    private double score(double[] encoded) {
        double[] x = encoded;
        for (UnaryOperator<double[]> stage : vectorStages) {
            x = stage.apply(x);
        }
        return classifier.applyAsDouble(x);
    }
}
