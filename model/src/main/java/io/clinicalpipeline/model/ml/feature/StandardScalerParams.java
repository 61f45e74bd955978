package io.clinicalpipeline.model.ml.feature;

import io.clinicalpipeline.model.ml.param.HasWithMean;
import io.clinicalpipeline.model.ml.param.HasWithStd;
import org.apache.flink.ml.common.param.HasInputCol;
import org.apache.flink.ml.common.param.HasOutputCol;

/** Params of {@link StandardScaler}, its model and servable (Flink ML's names and defaults). */
public interface StandardScalerParams<T> extends HasInputCol<T>, HasOutputCol<T>, HasWithMean<T>, HasWithStd<T> {}
