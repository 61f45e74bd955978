package io.clinicalpipeline.model.ml.param;

import org.apache.flink.ml.param.BooleanParam;
import org.apache.flink.ml.param.Param;
import org.apache.flink.ml.param.WithParams;

/** Whether the standard scaler centres each feature on its mean (off by default, as in Flink ML and Spark). */
public interface HasWithMean<T> extends WithParams<T> {
    Param<Boolean> WITH_MEAN = new BooleanParam("withMean", "Whether to centre features on their mean.", false);

    default boolean getWithMean() {
        return get(WITH_MEAN);
    }

    default T setWithMean(boolean value) {
        return set(WITH_MEAN, value);
    }
}
