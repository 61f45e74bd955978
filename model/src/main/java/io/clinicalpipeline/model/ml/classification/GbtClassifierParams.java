package io.clinicalpipeline.model.ml.classification;

import io.clinicalpipeline.model.ml.param.HasClassWeight;
import io.clinicalpipeline.model.ml.param.HasScratchDir;
import org.apache.flink.ml.common.param.HasLabelCol;
import org.apache.flink.ml.common.param.HasMaxIter;
import org.apache.flink.ml.common.param.HasWeightCol;
import org.apache.flink.ml.param.DoubleParam;
import org.apache.flink.ml.param.IntParam;
import org.apache.flink.ml.param.Param;
import org.apache.flink.ml.param.ParamValidators;

/**
 * Params of {@link GbtClassifier}, named as Flink ML's GBTClassifier names them (maxIter is the number of trees,
 * maxDepth, maxBins, stepSize, regLambda, minInstancesPerNode, minInfoGain), plus class weights and the scratch
 * directory. Defaults follow XGBoost where Flink ML's would underfit in 20 trees (stepSize 0.3, regLambda 1).
 * {@code baselineFeature} boosts from a logistic fit on one feature, as XGBoost's base margin does from a prior model.
 */
public interface GbtClassifierParams<T> extends GbtClassifierModelParams<T>, HasLabelCol<T>, HasWeightCol<T>,
        HasMaxIter<T>, HasClassWeight<T>, HasScratchDir<T> {

    Param<Integer> MAX_DEPTH = new IntParam("maxDepth", "Maximum depth of a tree (the root is depth 0).", 5,
            ParamValidators.inRange(1, 12));

    Param<Integer> MAX_BINS = new IntParam("maxBins", "Bins per feature: split candidates are its quantiles.", 32,
            ParamValidators.inRange(2, 1024));

    Param<Double> STEP_SIZE = new DoubleParam("stepSize", "Learning rate: each tree's share of the margin.", 0.3,
            ParamValidators.inRange(0, 1, false, true));

    Param<Double> REG_LAMBDA = new DoubleParam("regLambda", "L2 penalty on leaf values.", 1.0, ParamValidators.gtEq(0));

    Param<Integer> MIN_INSTANCES_PER_NODE = new IntParam("minInstancesPerNode",
            "Fewest training rows a child of a split may hold.", 1, ParamValidators.gtEq(1));

    Param<Double> MIN_INFO_GAIN = new DoubleParam("minInfoGain",
            "Least loss reduction a split must bring; no split in the root ends the boosting.", 0.0,
            ParamValidators.gtEq(0));

    Param<Integer> BASELINE_FEATURE = new IntParam("baselineFeature",
            "Index of the feature (a clinical score) whose logistic fit on the label is the margin the trees start from;"
                    + " -1 starts from the classes' log-odds.", -1, ParamValidators.gtEq(-1));

    default int getBaselineFeature() {
        return get(BASELINE_FEATURE);
    }

    default T setBaselineFeature(int value) {
        return set(BASELINE_FEATURE, value);
    }

    default int getMaxDepth() {
        return get(MAX_DEPTH);
    }

    default T setMaxDepth(int value) {
        return set(MAX_DEPTH, value);
    }

    default int getMaxBins() {
        return get(MAX_BINS);
    }

    default T setMaxBins(int value) {
        return set(MAX_BINS, value);
    }

    default double getStepSize() {
        return get(STEP_SIZE);
    }

    default T setStepSize(double value) {
        return set(STEP_SIZE, value);
    }

    default double getRegLambda() {
        return get(REG_LAMBDA);
    }

    default T setRegLambda(double value) {
        return set(REG_LAMBDA, value);
    }

    default int getMinInstancesPerNode() {
        return get(MIN_INSTANCES_PER_NODE);
    }

    default T setMinInstancesPerNode(int value) {
        return set(MIN_INSTANCES_PER_NODE, value);
    }

    default double getMinInfoGain() {
        return get(MIN_INFO_GAIN);
    }

    default T setMinInfoGain(double value) {
        return set(MIN_INFO_GAIN, value);
    }
}
