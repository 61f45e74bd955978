package io.clinicalpipeline.model.ml.feature;

import io.clinicalpipeline.model.ml.common.Servables;
import org.apache.flink.ml.linalg.Vector;
import org.apache.flink.ml.param.Param;
import org.apache.flink.ml.servable.api.DataFrame;
import org.apache.flink.ml.servable.api.TransformerServable;
import org.apache.flink.ml.util.ParamUtils;
import org.apache.flink.ml.util.ServableReadWriteUtils;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/** {@link StandardScalerModel} outside Flink, for Flink ML's servable API. */
public class StandardScalerModelServable implements TransformerServable<StandardScalerModelServable>,
        StandardScalerParams<StandardScalerModelServable> {

    private final Map<Param<?>, Object> paramMap = new HashMap<>();
    private ScalerData data;

    public StandardScalerModelServable() {
        ParamUtils.initializeMapWithDefaultValues(paramMap, this);
    }

    public static StandardScalerModelServable load(String path) throws IOException {
        StandardScalerModelServable servable =
                ServableReadWriteUtils.loadServableParam(path, StandardScalerModelServable.class);
        servable.data = StandardScalerModel.readData(path);
        return servable;
    }

    @Override
    public DataFrame transform(DataFrame input) {
        int column = input.getIndex(getInputCol());
        return Servables.appendVector(input, getOutputCol(),
                row -> data.apply(((Vector) row.get(column)).toArray(), getWithMean(), getWithStd()));
    }

    @Override
    public Map<Param<?>, Object> getParamMap() {
        return paramMap;
    }
}
