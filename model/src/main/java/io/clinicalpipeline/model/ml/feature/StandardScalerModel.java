package io.clinicalpipeline.model.ml.feature;

import io.clinicalpipeline.model.ml.common.ModelFiles;
import io.clinicalpipeline.model.ml.common.Tables;
import org.apache.flink.ml.api.Model;
import org.apache.flink.ml.linalg.Vector;
import org.apache.flink.ml.param.Param;
import org.apache.flink.ml.util.ParamUtils;
import org.apache.flink.ml.util.ReadWriteUtils;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

/** A fitted {@link StandardScaler}: appends the scaled vector as {@code outputCol}. */
public class StandardScalerModel implements Model<StandardScalerModel>, StandardScalerParams<StandardScalerModel> {

    private final Map<Param<?>, Object> paramMap = new HashMap<>();
    private ScalerData data;

    public StandardScalerModel() {
        ParamUtils.initializeMapWithDefaultValues(paramMap, this);
    }

    public StandardScalerModel setModelData(ScalerData value) {
        this.data = value;
        return this;
    }

    public ScalerData modelData() {
        if (data == null) {
            throw new IllegalStateException("the scaler has no statistics yet: fit or load it first");
        }
        return data;
    }

    public double[] scale(double[] x) {
        return modelData().apply(x, getWithMean(), getWithStd());
    }

    @Override
    public Table[] transform(Table... inputs) {
        int column = Tables.column(inputs[0], getInputCol());
        ScalerData scaler = modelData();
        boolean withMean = getWithMean();
        boolean withStd = getWithStd();
        return new Table[] {Tables.appendVector(inputs[0], getOutputCol(), "standard scaler: scale",
                row -> scaler.apply(((Vector) row.getField(column)).toArray(), withMean, withStd))};
    }

    @Override
    public void save(String path) throws IOException {
        ReadWriteUtils.saveMetadata(this, path);
        ModelFiles.writeData(path, modelData().encode());
    }

    public static StandardScalerModel load(StreamTableEnvironment tEnv, String path) throws IOException {
        StandardScalerModel model = ReadWriteUtils.loadStageParam(path);
        return model.setModelData(readData(path));
    }

    /** Called by Flink ML's {@code PipelineModelServable} for this stage of a saved pipeline. */
    public static StandardScalerModelServable loadServable(String path) throws IOException {
        return StandardScalerModelServable.load(path);
    }

    static ScalerData readData(String path) throws IOException {
        try (InputStream in = ModelFiles.openData(path)) {
            return ScalerData.decode(in);
        }
    }

    @Override
    public Map<Param<?>, Object> getParamMap() {
        return paramMap;
    }
}
