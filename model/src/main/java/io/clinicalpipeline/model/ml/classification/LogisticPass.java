package io.clinicalpipeline.model.ml.classification;

import io.clinicalpipeline.model.ml.common.PartitionedPoints;

/**
 * One Newton round's sums at coefficients {@code beta}: total weight, weighted log-loss, gradient and the packed
 * upper triangle of the Hessian. Point weights are the row weight times the class weight of the point's label.
 *
 * <p>Layout: {@code [W, loss, g_0 … g_{d-1}, H_00, H_01 … H_0(d-1), H_11 …]}.
 */
final class LogisticPass implements PartitionedPoints.Pass {

    private final double[] beta;
    private final double negativeWeight;
    private final double positiveWeight;
    /** The point index each coefficient multiplies; -1 is a constant 1 (an intercept the points do not carry). */
    private final int[] columns;

    /** Coefficient j multiplies {@code point[j + 2]}. */
    LogisticPass(double[] beta, double negativeWeight, double positiveWeight) {
        this(beta, negativeWeight, positiveWeight, java.util.stream.IntStream.range(2, beta.length + 2).toArray());
    }

    LogisticPass(double[] beta, double negativeWeight, double positiveWeight, int[] columns) {
        this.beta = beta;
        this.negativeWeight = negativeWeight;
        this.positiveWeight = positiveWeight;
        this.columns = columns;
    }

    private double x(double[] point, int j) {
        return columns[j] < 0 ? 1 : point[columns[j]];
    }

    @Override
    public int size(int width) {
        int d = beta.length;
        return 2 + d + d * (d + 1) / 2;
    }

    @Override
    public void add(double[] partial, double[] point) {
        int d = beta.length;
        double y = point[0];
        double w = weight(point, negativeWeight, positiveWeight);
        if (w == 0) {
            return;
        }
        double margin = 0;
        for (int j = 0; j < d; j++) {
            margin += beta[j] * x(point, j);
        }
        double p = sigmoid(margin);
        partial[0] += w;
        partial[1] += w * (softplus(margin) - y * margin);
        double gradientScale = w * (p - y);
        double curvature = w * p * (1 - p);
        int h = 2 + d;
        for (int j = 0; j < d; j++) {
            double xj = x(point, j);
            partial[2 + j] += gradientScale * xj;
            double cx = curvature * xj;
            if (cx == 0) {
                h += d - j;
                continue;
            }
            for (int k = j; k < d; k++) {
                partial[h++] += cx * x(point, k);
            }
        }
    }

    /** A point's weight in the loss: its row weight times the class weight of its label. */
    static double weight(double[] point, double negativeWeight, double positiveWeight) {
        return point[1] * (point[0] > 0.5 ? positiveWeight : negativeWeight);
    }

    static double sigmoid(double margin) {
        return margin >= 0 ? 1 / (1 + Math.exp(-margin)) : Math.exp(margin) / (1 + Math.exp(margin));
    }

    /** log(1 + e^m) without overflow. */
    static double softplus(double margin) {
        return margin > 0 ? margin + Math.log1p(Math.exp(-margin)) : Math.log1p(Math.exp(margin));
    }
}
