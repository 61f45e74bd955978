package io.clinicalpipeline.model.ml.classification;

import io.clinicalpipeline.model.ml.common.ModelFiles;
import io.clinicalpipeline.model.ml.common.Tables;
import org.apache.flink.ml.api.Model;
import org.apache.flink.ml.classification.logisticregression.LogisticRegressionModelData;
import org.apache.flink.ml.classification.logisticregression.LogisticRegressionModelParams;
import org.apache.flink.ml.classification.logisticregression.LogisticRegressionModelServable;
import org.apache.flink.ml.linalg.BLAS;
import org.apache.flink.ml.linalg.DenseVector;
import org.apache.flink.ml.linalg.Vector;
import org.apache.flink.ml.linalg.typeinfo.DenseVectorSerializer;
import org.apache.flink.ml.param.Param;
import org.apache.flink.ml.util.ParamUtils;
import org.apache.flink.ml.util.ReadWriteUtils;
import org.apache.flink.core.memory.DataInputViewStreamWrapper;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * A fitted logistic regression. Its saved directory is Flink ML's: {@code metadata} with only the servable's params
 * and {@code data/} holding {@link LogisticRegressionModelData} (big-endian int n, n doubles, long version), so
 * Flink ML's {@link LogisticRegressionModelServable} loads and scores it outside Flink, with the same scores as
 * {@link #probability(Vector)} (same dot product, same formula).
 */
public class LogisticRegressionModel implements Model<LogisticRegressionModel>,
        LogisticRegressionModelParams<LogisticRegressionModel> {

    private final Map<Param<?>, Object> paramMap = new HashMap<>();
    private LogisticRegressionModelData modelData;
    private transient TrainingTrace trace;

    public LogisticRegressionModel() {
        ParamUtils.initializeMapWithDefaultValues(paramMap, this);
    }

    public LogisticRegressionModel setModelData(LogisticRegressionModelData data) {
        this.modelData = data;
        return this;
    }

    public LogisticRegressionModelData modelData() {
        if (modelData == null) {
            throw new IllegalStateException("the model has no coefficients yet: fit, load or setModelData first");
        }
        return modelData;
    }

    /** The coefficients; with an intercept, its coefficient is the last. */
    public double[] coefficients() {
        return modelData().coefficient.values.clone();
    }

    /** The positive class's probability, as {@link LogisticRegressionModelServable} computes it. */
    public double probability(Vector features) {
        return probability(features, modelData().coefficient);
    }

    static double probability(Vector features, DenseVector coefficient) {
        double dot = BLAS.dot(features, coefficient);
        return 1 - 1.0 / (1.0 + Math.exp(dot));
    }

    /** How the fit went (rounds, objective, points per subtask); null for a loaded model. */
    public TrainingTrace trace() {
        return trace;
    }

    void trace(TrainingTrace value) {
        this.trace = value;
    }

    @Override
    public Table[] transform(Table... inputs) {
        DenseVector coefficient = modelData().coefficient;
        return new Table[] {Tables.appendPrediction(inputs[0], getFeaturesCol(), getPredictionCol(),
                getRawPredictionCol(), "logistic regression: predict", x -> probability(x, coefficient))};
    }

    @Override
    public void save(String path) throws IOException {
        ReadWriteUtils.saveMetadata(this, path);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        modelData().encode(bytes);
        ModelFiles.writeData(path, bytes.toByteArray());
    }

    public static LogisticRegressionModel load(StreamTableEnvironment tEnv, String path) throws IOException {
        LogisticRegressionModel model = ReadWriteUtils.loadStageParam(path);
        try (InputStream in = ModelFiles.openData(path)) {
            DataInputViewStreamWrapper view = new DataInputViewStreamWrapper(in);
            DenseVector coefficient = new DenseVectorSerializer().deserialize(view);
            return model.setModelData(new LogisticRegressionModelData(coefficient, view.readLong()));
        }
    }

    /** Called by Flink ML's {@code PipelineModelServable} for this stage of a saved pipeline. */
    public static LogisticRegressionModelServable loadServable(String path) throws IOException {
        return LogisticRegressionModelServable.load(path);
    }

    @Override
    public Map<Param<?>, Object> getParamMap() {
        return paramMap;
    }
}
