package io.clinicalpipeline.model.ml.common;

import io.clinicalpipeline.model.ml.param.HasClassWeight;

/**
 * The first pass of a binary classifier: weight per class and the rows it cannot train on, counted while the
 * points are cached ({@code [label, weight, x…]}), so a bad input fails with counts and what to do instead of
 * training on NaN.
 */
public class LabelCheck implements PartitionedPoints.Pass {
    public static final int NEGATIVE = 0;
    public static final int POSITIVE = 1;
    public static final int INVALID_LABEL = 2;
    public static final int NON_FINITE = 3;
    /** Rows whose last feature is not the constant 1 a fitted intercept needs. */
    public static final int NOT_INTERCEPT = 4;
    /** Values this pass uses at the start of a partial; subclasses add theirs after. */
    public static final int SIZE = 5;

    @Override
    public int size(int width) {
        return SIZE;
    }

    @Override
    public void add(double[] partial, double[] point) {
        double label = point[0];
        double weight = point[1];
        if (!(weight >= 0) || (label != 0 && label != 1)) {
            partial[INVALID_LABEL]++;
            return;
        }
        partial[label == 1 ? POSITIVE : NEGATIVE] += weight;
        for (int j = 2; j < point.length; j++) {
            if (!Double.isFinite(point[j])) {
                partial[NON_FINITE]++;
                break;
            }
        }
        if (point.length < 3 || point[point.length - 1] != 1) {
            partial[NOT_INTERCEPT]++;
        }
    }

    /** Fails with counts and a remedy when rows have invalid labels or features, or only one class is present. */
    public static void validate(double[] check, String labelCol) {
        if (check[INVALID_LABEL] > 0) {
            throw new IllegalArgumentException((long) check[INVALID_LABEL] + " rows have a label in '" + labelCol
                    + "' that is not 0 or 1 (or a weight that is missing or negative); map the positive class to 1 "
                    + "first (the train command's --positive does)");
        }
        if (check[NON_FINITE] > 0) {
            throw new IllegalArgumentException((long) check[NON_FINITE] + " rows have NaN or infinite features; "
                    + "impute them first (TabularEncoder does)");
        }
        if (check[POSITIVE] <= 0 || check[NEGATIVE] <= 0) {
            throw new IllegalArgumentException("the training rows hold only one class (positive weight "
                    + check[POSITIVE] + ", negative weight " + check[NEGATIVE] + ")");
        }
    }

    /** {@code [negative, positive]} class weights for {@link HasClassWeight}'s mode. */
    public static double[] classWeights(double[] check, String mode) {
        if (HasClassWeight.BALANCED.equals(mode)) {
            double total = check[NEGATIVE] + check[POSITIVE];
            return new double[] {total / (2 * check[NEGATIVE]), total / (2 * check[POSITIVE])};
        }
        return new double[] {1, 1};
    }
}
