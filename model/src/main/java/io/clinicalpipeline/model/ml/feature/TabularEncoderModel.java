package io.clinicalpipeline.model.ml.feature;

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

/** A fitted {@link TabularEncoder}: appends the encoded features vector as {@code outputCol}. */
public class TabularEncoderModel implements Model<TabularEncoderModel>, TabularEncoderParams<TabularEncoderModel> {

    private final Map<Param<?>, Object> paramMap = new HashMap<>();
    private Encoding encoding;

    public TabularEncoderModel() {
        ParamUtils.initializeMapWithDefaultValues(paramMap, this);
    }

    public TabularEncoderModel setModelData(Encoding value) {
        this.encoding = value;
        return this;
    }

    public Encoding modelData() {
        if (encoding == null) {
            throw new IllegalStateException("the encoder has no encoding yet: fit or load it first");
        }
        return encoding;
    }

    @Override
    public Table[] transform(Table... inputs) {
        Encoding e = modelData();
        String[] names = getInputCols();
        int[] indexes = new int[names.length];
        for (int i = 0; i < names.length; i++) {
            indexes[i] = Tables.column(inputs[0], names[i]);
        }
        return new Table[] {Tables.appendVector(inputs[0], getOutputCol(), "tabular encoder: encode",
                row -> e.encode(i -> row.getField(indexes[i])))};
    }

    @Override
    public void save(String path) throws IOException {
        ReadWriteUtils.saveMetadata(this, path);
        ModelFiles.writeData(path, modelData().toJson());
    }

    public static TabularEncoderModel load(StreamTableEnvironment tEnv, String path) throws IOException {
        TabularEncoderModel model = ReadWriteUtils.loadStageParam(path);
        return model.setModelData(readData(path));
    }

    /** Called by Flink ML's {@code PipelineModelServable} for this stage of a saved pipeline. */
    public static TabularEncoderModelServable loadServable(String path) throws IOException {
        return TabularEncoderModelServable.load(path);
    }

    static Encoding readData(String path) throws IOException {
        try (InputStream in = ModelFiles.openData(path)) {
            return Encoding.fromJson(in);
        }
    }

    @Override
    public Map<Param<?>, Object> getParamMap() {
        return paramMap;
    }
}
