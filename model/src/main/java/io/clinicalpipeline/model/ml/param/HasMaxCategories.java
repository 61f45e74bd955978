package io.clinicalpipeline.model.ml.param;

import org.apache.flink.ml.param.IntParam;
import org.apache.flink.ml.param.Param;
import org.apache.flink.ml.param.ParamValidators;
import org.apache.flink.ml.param.WithParams;

/** One-hot columns per categorical input: the most frequent values; the rest share one "other" column. */
public interface HasMaxCategories<T> extends WithParams<T> {
    Param<Integer> MAX_CATEGORIES = new IntParam("maxCategories",
            "Most frequent values one-hot encoded per categorical column; rarer ones share an 'other' column.", 50,
            ParamValidators.gt(0));

    default int getMaxCategories() {
        return get(MAX_CATEGORIES);
    }

    default T setMaxCategories(int value) {
        return set(MAX_CATEGORIES, value);
    }
}
