package io.clinicalpipeline.model.ml.feature;

import io.clinicalpipeline.model.ml.param.HasMaxCategories;
import io.clinicalpipeline.model.ml.param.HasWithIntercept;
import org.apache.flink.ml.common.param.HasCategoricalCols;
import org.apache.flink.ml.common.param.HasInputCols;
import org.apache.flink.ml.common.param.HasOutputCol;

/**
 * Params of {@link TabularEncoder}: the input columns, which of them are categorical besides the string and
 * boolean ones, the output vector column, the one-hot width limit and the intercept term.
 */
public interface TabularEncoderParams<T> extends HasInputCols<T>, HasCategoricalCols<T>, HasOutputCol<T>,
        HasMaxCategories<T>, HasWithIntercept<T> {}
