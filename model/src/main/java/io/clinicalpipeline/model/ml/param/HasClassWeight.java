package io.clinicalpipeline.model.ml.param;

import org.apache.flink.ml.param.Param;
import org.apache.flink.ml.param.ParamValidators;
import org.apache.flink.ml.param.StringParam;
import org.apache.flink.ml.param.WithParams;

/**
 * Class weighting: {@code none}, or {@code balanced} (each class weighs half of the total, so a rare positive
 * class counts as much as the negatives, as scikit-learn's {@code class_weight='balanced'}). Multiplies the row
 * weights of {@code weightCol} when both are set.
 */
public interface HasClassWeight<T> extends WithParams<T> {
    String NONE = "none";
    String BALANCED = "balanced";

    Param<String> CLASS_WEIGHT = new StringParam("classWeight", "Class weighting: none or balanced.", NONE,
            ParamValidators.inArray(NONE, BALANCED));

    default String getClassWeight() {
        return get(CLASS_WEIGHT);
    }

    default T setClassWeight(String value) {
        return set(CLASS_WEIGHT, value);
    }
}
