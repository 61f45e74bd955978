package io.clinicalpipeline.model.ml.param;

import org.apache.flink.ml.param.BooleanParam;
import org.apache.flink.ml.param.Param;
import org.apache.flink.ml.param.WithParams;

/** Whether the standard scaler divides each feature by its standard deviation. */
public interface HasWithStd<T> extends WithParams<T> {
    Param<Boolean> WITH_STD = new BooleanParam("withStd", "Whether to scale features to unit deviation.", true);

    default boolean getWithStd() {
        return get(WITH_STD);
    }

    default T setWithStd(boolean value) {
        return set(WITH_STD, value);
    }
}
