package io.clinicalpipeline.model.ml.classification;

import io.clinicalpipeline.model.ml.param.HasClassWeight;
import io.clinicalpipeline.model.ml.param.HasFitIntercept;
import io.clinicalpipeline.model.ml.param.HasScratchDir;
import org.apache.flink.ml.classification.logisticregression.LogisticRegressionModelParams;
import org.apache.flink.ml.common.param.HasElasticNet;
import org.apache.flink.ml.common.param.HasLabelCol;
import org.apache.flink.ml.common.param.HasMaxIter;
import org.apache.flink.ml.common.param.HasReg;
import org.apache.flink.ml.common.param.HasTol;
import org.apache.flink.ml.common.param.HasWeightCol;

/**
 * Params of {@link LogisticRegression}: Flink ML's own names (featuresCol, labelCol, weightCol, reg, elasticNet,
 * maxIter, tol, predictionCol, rawPredictionCol) plus intercept handling, class weights and the scratch directory.
 * The model keeps only {@link LogisticRegressionModelParams}, so its saved directory loads into Flink ML's servable.
 */
public interface LogisticRegressionParams<T> extends LogisticRegressionModelParams<T>, HasLabelCol<T>,
        HasWeightCol<T>, HasReg<T>, HasElasticNet<T>, HasMaxIter<T>, HasTol<T>, HasFitIntercept<T>,
        HasClassWeight<T>, HasScratchDir<T> {}
