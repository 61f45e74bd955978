package io.clinicalpipeline.model.ml.feature;

import io.clinicalpipeline.model.ml.common.PartitionedPoints;
import io.clinicalpipeline.model.ml.common.Tables;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.ml.api.Estimator;
import org.apache.flink.ml.linalg.Vector;
import org.apache.flink.ml.param.Param;
import org.apache.flink.ml.util.ParamUtils;
import org.apache.flink.ml.util.ReadWriteUtils;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Learns each feature's mean and (sample) standard deviation in one parallel pass: every subtask sums count, values
 * and squares of its share; the client adds the partial sums.
 */
public class StandardScaler implements Estimator<StandardScaler, StandardScalerModel>,
        StandardScalerParams<StandardScaler> {

    private final Map<Param<?>, Object> paramMap = new HashMap<>();

    public StandardScaler() {
        ParamUtils.initializeMapWithDefaultValues(paramMap, this);
    }

    @Override
    public StandardScalerModel fit(Table... inputs) {
        int column = Tables.column(inputs[0], getInputCol());
        String name = getInputCol();
        try {
            PartitionedPoints.PassResult moments = PartitionedPoints.aggregate(
                    Tables.environment(inputs[0]).toDataStream(inputs[0]).map(row -> {
                        Vector x = (Vector) row.getField(column);
                        if (x == null) {
                            throw new IllegalArgumentException("a row has no '" + name + "' vector: " + row);
                        }
                        return x.toArray();
                    }).returns(PrimitiveArrayTypeInfo.DOUBLE_PRIMITIVE_ARRAY_TYPE_INFO).name("scaler input"),
                    "standard scaler: moments", new Moments());
            return model(moments.sum(), moments.points());
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("standard scaler failed: " + e.getMessage(), e);
        }
    }

    /** The same fit over vectors in memory, without a job. */
    public StandardScalerModel fitLocally(List<double[]> vectors) {
        Moments pass = new Moments();
        double[] sums = new double[pass.size(vectors.isEmpty() ? 0 : vectors.get(0).length)];
        for (double[] x : vectors) {
            pass.add(sums, x);
        }
        return model(sums, vectors.size());
    }

    private StandardScalerModel model(double[] sums, long n) {
        if (n == 0) {
            throw new IllegalArgumentException("the standard scaler's input has no rows");
        }
        int d = sums.length / 2;
        double[] mean = new double[d];
        double[] std = new double[d];
        for (int j = 0; j < d; j++) {
            mean[j] = sums[j] / n;
            double variance = n > 1 ? (sums[d + j] - n * mean[j] * mean[j]) / (n - 1) : 0;
            std[j] = variance > 1e-24 * Math.max(1, mean[j] * mean[j]) ? Math.sqrt(variance) : 0;
        }
        StandardScalerModel model = new StandardScalerModel().setModelData(new ScalerData(mean, std));
        ParamUtils.updateExistingParams(model, paramMap);
        return model;
    }

    /** {@code [Σx_1 … Σx_d, Σx_1² … Σx_d²]}. */
    private static final class Moments implements PartitionedPoints.Pass {
        @Override
        public int size(int width) {
            return 2 * width;
        }

        @Override
        public void add(double[] partial, double[] x) {
            int d = x.length;
            for (int j = 0; j < d; j++) {
                partial[j] += x[j];
                partial[d + j] += x[j] * x[j];
            }
        }
    }

    @Override
    public void save(String path) throws IOException {
        ReadWriteUtils.saveMetadata(this, path);
    }

    public static StandardScaler load(StreamTableEnvironment tEnv, String path) throws IOException {
        return ReadWriteUtils.loadStageParam(path);
    }

    @Override
    public Map<Param<?>, Object> getParamMap() {
        return paramMap;
    }
}
