package io.clinicalpipeline.model.ml.classification;

import io.clinicalpipeline.model.ml.common.ModelFiles;
import io.clinicalpipeline.model.ml.common.Tables;
import org.apache.flink.ml.api.Model;
import org.apache.flink.ml.param.Param;
import org.apache.flink.ml.util.ParamUtils;
import org.apache.flink.ml.util.ReadWriteUtils;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * Fitted gradient-boosted trees: appends {@code predictionCol} and {@code rawPredictionCol} ({@code [1 - p, p]})
 * as Flink ML's classifiers do. Saved as {@link BoostedTrees} in {@code data/}; {@link GbtClassifierModelServable}
 * scores it outside Flink.
 */
public class GbtClassifierModel implements Model<GbtClassifierModel>, GbtClassifierModelParams<GbtClassifierModel> {

    private final Map<Param<?>, Object> paramMap = new HashMap<>();
    private BoostedTrees modelData;
    private transient TrainingTrace trace;

    public GbtClassifierModel() {
        ParamUtils.initializeMapWithDefaultValues(paramMap, this);
    }

    public GbtClassifierModel setModelData(BoostedTrees data) {
        this.modelData = data;
        return this;
    }

    public BoostedTrees modelData() {
        if (modelData == null) {
            throw new IllegalStateException("the model has no trees yet: fit, load or setModelData first");
        }
        return modelData;
    }

    /** The positive class's probability for encoded features {@code x}. */
    public double probability(double[] x) {
        return modelData().probability(x);
    }

    /** How the fit went (one round per tree, the training log-loss after it); null for a loaded model. */
    public TrainingTrace trace() {
        return trace;
    }

    void trace(TrainingTrace value) {
        this.trace = value;
    }

    @Override
    public Table[] transform(Table... inputs) {
        BoostedTrees trees = modelData();
        return new Table[] {Tables.appendPrediction(inputs[0], getFeaturesCol(), getPredictionCol(),
                getRawPredictionCol(), "gradient-boosted trees: predict", x -> trees.probability(x.toArray()))};
    }

    @Override
    public void save(String path) throws IOException {
        ReadWriteUtils.saveMetadata(this, path);
        ModelFiles.writeData(path, modelData().encode());
    }

    public static GbtClassifierModel load(StreamTableEnvironment tEnv, String path) throws IOException {
        GbtClassifierModel model = ReadWriteUtils.loadStageParam(path);
        return model.setModelData(readData(path));
    }

    /** Called by Flink ML's {@code PipelineModelServable} for this stage of a saved pipeline. */
    public static GbtClassifierModelServable loadServable(String path) throws IOException {
        return GbtClassifierModelServable.load(path);
    }

    static BoostedTrees readData(String path) throws IOException {
        try (InputStream in = ModelFiles.openData(path)) {
            return BoostedTrees.decode(in);
        }
    }

    @Override
    public Map<Param<?>, Object> getParamMap() {
        return paramMap;
    }
}
