package io.clinicalpipeline.model.ml.classification;

import org.apache.flink.ml.common.param.HasFeaturesCol;
import org.apache.flink.ml.common.param.HasPredictionCol;
import org.apache.flink.ml.common.param.HasRawPredictionCol;

/** What a fitted {@link GbtClassifierModel} and its servable need: the columns it reads and writes. */
public interface GbtClassifierModelParams<T> extends HasFeaturesCol<T>, HasPredictionCol<T>, HasRawPredictionCol<T> {}
