package io.clinicalpipeline.model.ml;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.RowTypeInfo;
import org.apache.flink.ml.linalg.DenseVector;
import org.apache.flink.ml.linalg.Vectors;
import org.apache.flink.ml.linalg.typeinfo.DenseVectorTypeInfo;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Seeded logistic data with a known answer, and a batch table environment with parallelism 2. */
public final class SyntheticData {

    private SyntheticData() {}

    public static StreamTableEnvironment batchEnvironment() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        return StreamTableEnvironment.create(env);
    }

    /**
     * Rows (features with a trailing intercept 1, label) drawn from P(y=1) = sigmoid(x·beta), the last element of
     * {@code beta} being the intercept. Features are standard normal.
     */
    public static List<Row> logistic(double[] beta, int rows, long seed) {
        Random random = new Random(seed);
        List<Row> out = new ArrayList<>();
        int d = beta.length;
        for (int i = 0; i < rows; i++) {
            double[] x = new double[d];
            double margin = 0;
            for (int j = 0; j < d; j++) {
                x[j] = j == d - 1 ? 1 : random.nextGaussian();
                margin += x[j] * beta[j];
            }
            double label = random.nextDouble() < 1 / (1 + Math.exp(-margin)) ? 1 : 0;
            out.add(Row.of(Vectors.dense(x), label));
        }
        return out;
    }

    public static Table table(StreamTableEnvironment tEnv, List<Row> rows) {
        StreamExecutionEnvironment env = org.apache.flink.ml.common.datastream.TableUtils.getExecutionEnvironment(tEnv);
        return tEnv.fromDataStream(env.fromData(rows).returns(
                new RowTypeInfo(new org.apache.flink.api.common.typeinfo.TypeInformation<?>[] {
                        DenseVectorTypeInfo.INSTANCE, Types.DOUBLE}, new String[] {"features", "label"})));
    }

    public static List<Row> collect(Table table) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (CloseableIterator<Row> it = table.execute().collect()) {
            it.forEachRemaining(rows::add);
        }
        return rows;
    }

    public static double[] features(Row row) {
        return ((DenseVector) row.getField(0)).values;
    }
}
