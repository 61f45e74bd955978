package io.clinicalpipeline.model.ml.param;

import org.apache.flink.ml.param.BooleanParam;
import org.apache.flink.ml.param.Param;
import org.apache.flink.ml.param.WithParams;

/**
 * Whether the last element of the features vector is the constant 1 that {@code TabularEncoder} appends as the
 * intercept term: its coefficient is then left out of the penalty. Flink ML's logistic-regression model data has
 * no separate intercept, so the intercept lives in the vector and the servable scores it unchanged.
 */
public interface HasFitIntercept<T> extends WithParams<T> {
    Param<Boolean> FIT_INTERCEPT = new BooleanParam("fitIntercept",
            "Whether the features vector ends with a constant 1 whose coefficient is the unpenalised intercept.", true);

    default boolean getFitIntercept() {
        return get(FIT_INTERCEPT);
    }

    default T setFitIntercept(boolean value) {
        return set(FIT_INTERCEPT, value);
    }
}
