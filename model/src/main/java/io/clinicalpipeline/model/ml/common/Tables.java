package io.clinicalpipeline.model.ml.common;

import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.RowTypeInfo;
import org.apache.flink.ml.common.datastream.TableUtils;
import org.apache.flink.ml.linalg.DenseVector;
import org.apache.flink.ml.linalg.Vector;
import org.apache.flink.ml.linalg.Vectors;
import org.apache.flink.ml.linalg.typeinfo.DenseVectorTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.api.internal.TableImpl;
import org.apache.flink.types.Row;

import java.util.Arrays;
import java.util.List;

/** What every estimator and model does with its input tables. */
public final class Tables {

    private Tables() {}

    public static StreamTableEnvironment environment(Table table) {
        if (((TableImpl) table).getTableEnvironment() instanceof StreamTableEnvironment tEnv) {
            return tEnv;
        }
        throw new IllegalArgumentException("Flink ML stages need a table of a StreamTableEnvironment "
                + "(StreamTableEnvironment.create(env), in batch or streaming mode)");
    }

    /** The index of {@code column} in {@code table}, with an error naming the columns there are. */
    public static int column(Table table, String column) {
        List<String> names = table.getResolvedSchema().getColumnNames();
        int index = names.indexOf(column);
        if (index < 0) {
            throw new IllegalArgumentException("column '" + column + "' is not in the input table; it has " + names);
        }
        return index;
    }

    /** The input rows' type followed by {@code extraNames} of {@code extraTypes}, for a transform's output. */
    public static RowTypeInfo appended(Table input, String[] extraNames, TypeInformation<?>... extraTypes) {
        RowTypeInfo in = TableUtils.getRowTypeInfo(input.getResolvedSchema());
        TypeInformation<?>[] types = Arrays.copyOf(in.getFieldTypes(), in.getArity() + extraTypes.length);
        String[] names = Arrays.copyOf(in.getFieldNames(), in.getArity() + extraNames.length);
        System.arraycopy(extraTypes, 0, types, in.getArity(), extraTypes.length);
        System.arraycopy(extraNames, 0, names, in.getArity(), extraNames.length);
        return new RowTypeInfo(types, names);
    }

    /** Row {@code row} with {@code values} appended. */
    public static Row append(Row row, Object... values) {
        Row out = new Row(row.getKind(), row.getArity() + values.length);
        for (int i = 0; i < row.getArity(); i++) {
            out.setField(i, row.getField(i));
        }
        for (int i = 0; i < values.length; i++) {
            out.setField(row.getArity() + i, values[i]);
        }
        return out;
    }

    /** A row-wise computation of a new vector column, serialisable into the job. */
    public interface VectorFunction extends java.io.Serializable {
        double[] apply(Row row);
    }

    /** {@code input} with a dense-vector column {@code outputCol} computed per row by {@code function}. */
    public static Table appendVector(Table input, String outputCol, String operatorName, VectorFunction function) {
        StreamTableEnvironment tEnv = environment(input);
        return tEnv.fromDataStream(tEnv.toDataStream(input)
                .map(row -> append(row, new DenseVector(function.apply(row))),
                        appended(input, new String[] {outputCol}, DenseVectorTypeInfo.INSTANCE))
                .name(operatorName));
    }

    /** A binary classifier's probability of the positive class, serialisable into the job. */
    public interface Probability extends java.io.Serializable {
        double of(Vector features);
    }

    /**
     * {@code input} with Flink ML's classifier outputs appended: {@code predictionCol} (1.0 when the probability is
     * at least 0.5, else 0.0) and {@code rawPredictionCol} ({@code [1 - p, p]}).
     */
    public static Table appendPrediction(Table input, String featuresCol, String predictionCol, String rawPredictionCol,
                                         String operatorName, Probability probability) {
        StreamTableEnvironment tEnv = environment(input);
        int features = column(input, featuresCol);
        return tEnv.fromDataStream(tEnv.toDataStream(input)
                .map(row -> {
                    double p = probability.of((Vector) row.getField(features));
                    return append(row, p >= 0.5 ? 1.0 : 0.0, Vectors.dense(1 - p, p));
                }, appended(input, new String[] {predictionCol, rawPredictionCol}, Types.DOUBLE,
                        DenseVectorTypeInfo.INSTANCE))
                .name(operatorName));
    }

    /**
     * Training points {@code [label, weight, x…]} from a vector column, a numeric label column and an optional
     * weight column (empty name: weight 1). A missing label or weight becomes NaN, which the estimators count and
     * report instead of training on it.
     */
    public static DataStream<double[]> points(Table table, String featuresCol, String labelCol, String weightCol) {
        int features = column(table, featuresCol);
        int label = column(table, labelCol);
        int weight = weightCol == null || weightCol.isEmpty() ? -1 : column(table, weightCol);
        return environment(table).toDataStream(table)
                .map(row -> {
                    Vector x = (Vector) row.getField(features);
                    if (x == null) {
                        throw new IllegalArgumentException("a row has no '" + featuresCol + "' vector: " + row);
                    }
                    double[] point = new double[x.size() + 2];
                    point[0] = number(row.getField(label));
                    point[1] = weight < 0 ? 1 : number(row.getField(weight));
                    double[] values = x.toArray();
                    System.arraycopy(values, 0, point, 2, values.length);
                    return point;
                })
                .returns(PrimitiveArrayTypeInfo.DOUBLE_PRIMITIVE_ARRAY_TYPE_INFO)
                .name("training points");
    }

    private static double number(Object value) {
        return value instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
