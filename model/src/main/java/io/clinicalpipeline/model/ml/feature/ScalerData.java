package io.clinicalpipeline.model.ml.feature;

import org.apache.flink.core.memory.DataInputViewStreamWrapper;
import org.apache.flink.core.memory.DataOutputViewStreamWrapper;
import org.apache.flink.ml.linalg.DenseVector;
import org.apache.flink.ml.linalg.typeinfo.DenseVectorSerializer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;

/**
 * Per-feature mean and standard deviation, encoded as two Flink ML dense vectors. A feature that never varied keeps
 * its values (neither centred nor scaled): it carries no information, and the intercept term TabularEncoder appends
 * must stay the constant 1.
 */
public record ScalerData(double[] mean, double[] std) implements Serializable {

    public double[] apply(double[] x, boolean withMean, boolean withStd) {
        if (x.length != mean.length) {
            throw new IllegalArgumentException("the scaler was fitted on " + mean.length + " features, got " + x.length);
        }
        double[] out = x.clone();
        for (int j = 0; j < out.length; j++) {
            if (std[j] > 0) {
                if (withMean) {
                    out[j] -= mean[j];
                }
                if (withStd) {
                    out[j] /= std[j];
                }
            }
        }
        return out;
    }

    byte[] encode() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputViewStreamWrapper out = new DataOutputViewStreamWrapper(bytes);
        DenseVectorSerializer serializer = new DenseVectorSerializer();
        serializer.serialize(new DenseVector(mean), out);
        serializer.serialize(new DenseVector(std), out);
        return bytes.toByteArray();
    }

    static ScalerData decode(InputStream in) throws IOException {
        DataInputViewStreamWrapper view = new DataInputViewStreamWrapper(in);
        DenseVectorSerializer serializer = new DenseVectorSerializer();
        return new ScalerData(serializer.deserialize(view).values, serializer.deserialize(view).values);
    }
}
