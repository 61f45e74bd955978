package io.clinicalpipeline.model.ml.common;

import org.apache.flink.ml.linalg.DenseVector;
import org.apache.flink.ml.servable.api.DataFrame;
import org.apache.flink.ml.servable.api.Row;
import org.apache.flink.ml.servable.types.BasicType;
import org.apache.flink.ml.servable.types.DataTypes;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** What the project's servables share: appending a computed vector column to a Flink ML {@link DataFrame}. */
public final class Servables {

    private Servables() {}

    public static DataFrame appendVector(DataFrame input, String outputCol, Function<Row, double[]> function) {
        List<DenseVector> values = new ArrayList<>();
        for (Row row : input.collect()) {
            values.add(new DenseVector(function.apply(row)));
        }
        return input.addColumn(outputCol, DataTypes.VECTOR(BasicType.DOUBLE), values);
    }
}
