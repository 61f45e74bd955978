package io.clinicalpipeline.model.ml.classification;

import org.apache.flink.ml.linalg.DenseVector;
import org.apache.flink.ml.linalg.Vector;
import org.apache.flink.ml.param.Param;
import org.apache.flink.ml.servable.api.DataFrame;
import org.apache.flink.ml.servable.api.ModelServable;
import org.apache.flink.ml.servable.api.Row;
import org.apache.flink.ml.servable.types.BasicType;
import org.apache.flink.ml.servable.types.DataTypes;
import org.apache.flink.ml.util.ParamUtils;
import org.apache.flink.ml.util.ServableReadWriteUtils;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@link GbtClassifierModel} outside Flink, for Flink ML's servable API: the same columns, the same scores. */
public class GbtClassifierModelServable implements ModelServable<GbtClassifierModelServable>,
        GbtClassifierModelParams<GbtClassifierModelServable> {

    private final Map<Param<?>, Object> paramMap = new HashMap<>();
    private BoostedTrees trees;

    public GbtClassifierModelServable() {
        ParamUtils.initializeMapWithDefaultValues(paramMap, this);
    }

    public static GbtClassifierModelServable load(String path) throws IOException {
        GbtClassifierModelServable servable =
                ServableReadWriteUtils.loadServableParam(path, GbtClassifierModelServable.class);
        try (InputStream in = ServableReadWriteUtils.loadModelData(path)) {
            return servable.setModelData(in);
        }
    }

    @Override
    public GbtClassifierModelServable setModelData(InputStream... modelDataInputs) throws IOException {
        trees = BoostedTrees.decode(modelDataInputs[0]);
        return this;
    }

    @Override
    public DataFrame transform(DataFrame input) {
        int column = input.getIndex(getFeaturesCol());
        List<Double> predictions = new ArrayList<>();
        List<DenseVector> raw = new ArrayList<>();
        for (Row row : input.collect()) {
            double p = trees.probability(((Vector) row.get(column)).toArray());
            predictions.add(p >= 0.5 ? 1.0 : 0.0);
            raw.add(new DenseVector(new double[] {1 - p, p}));
        }
        return input.addColumn(getPredictionCol(), DataTypes.DOUBLE, predictions)
                .addColumn(getRawPredictionCol(), DataTypes.VECTOR(BasicType.DOUBLE), raw);
    }

    @Override
    public Map<Param<?>, Object> getParamMap() {
        return paramMap;
    }
}
