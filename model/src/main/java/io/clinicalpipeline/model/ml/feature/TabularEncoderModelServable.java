package io.clinicalpipeline.model.ml.feature;

import io.clinicalpipeline.model.ml.common.Servables;
import org.apache.flink.ml.param.Param;
import org.apache.flink.ml.servable.api.DataFrame;
import org.apache.flink.ml.servable.api.TransformerServable;
import org.apache.flink.ml.util.ParamUtils;
import org.apache.flink.ml.util.ServableReadWriteUtils;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/** {@link TabularEncoderModel} outside Flink, for Flink ML's servable API: raw columns in, features vector out. */
public class TabularEncoderModelServable implements TransformerServable<TabularEncoderModelServable>,
        TabularEncoderParams<TabularEncoderModelServable> {

    private final Map<Param<?>, Object> paramMap = new HashMap<>();
    private Encoding encoding;

    public TabularEncoderModelServable() {
        ParamUtils.initializeMapWithDefaultValues(paramMap, this);
    }

    public static TabularEncoderModelServable load(String path) throws IOException {
        TabularEncoderModelServable servable =
                ServableReadWriteUtils.loadServableParam(path, TabularEncoderModelServable.class);
        servable.encoding = TabularEncoderModel.readData(path);
        return servable;
    }

    @Override
    public DataFrame transform(DataFrame input) {
        String[] names = getInputCols();
        int[] indexes = new int[names.length];
        for (int i = 0; i < names.length; i++) {
            indexes[i] = input.getIndex(names[i]);
        }
        return Servables.appendVector(input, getOutputCol(), row -> encoding.encode(i -> row.get(indexes[i])));
    }

    @Override
    public Map<Param<?>, Object> getParamMap() {
        return paramMap;
    }
}
