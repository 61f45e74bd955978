package io.clinicalpipeline.model.ml.param;

import org.apache.flink.ml.param.BooleanParam;
import org.apache.flink.ml.param.Param;
import org.apache.flink.ml.param.WithParams;

/** Whether the encoder appends the constant 1 whose coefficient a linear model fits as its intercept. */
public interface HasWithIntercept<T> extends WithParams<T> {
    Param<Boolean> WITH_INTERCEPT = new BooleanParam("withIntercept",
            "Whether to append a constant 1 as the last feature (the intercept term).", true);

    default boolean getWithIntercept() {
        return get(WITH_INTERCEPT);
    }

    default T setWithIntercept(boolean value) {
        return set(WITH_INTERCEPT, value);
    }
}
