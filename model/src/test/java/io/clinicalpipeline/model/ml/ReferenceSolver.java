package io.clinicalpipeline.model.ml;

import org.apache.flink.types.Row;

import java.util.List;

/**
 * An independent single-machine solver for the same objective as {@code LogisticRegression}: accelerated proximal
 * gradient descent (FISTA) in one thread over all rows, intercept (the last coefficient) unpenalised. Slow but
 * simple enough to trust, which is its job.
 */
final class ReferenceSolver {

    private ReferenceSolver() {}

    static double[] fista(List<Row> rows, double reg, double elasticNet, int iterations) {
        int n = rows.size();
        int d = SyntheticData.features(rows.get(0)).length;
        double[][] x = new double[n][];
        double[] y = new double[n];
        double trace = 0;
        for (int i = 0; i < n; i++) {
            x[i] = SyntheticData.features(rows.get(i));
            y[i] = (Double) rows.get(i).getField(1);
            for (double v : x[i]) {
                trace += v * v;
            }
        }
        double l2 = reg * (1 - elasticNet);
        double l1 = reg * elasticNet;
        double step = 1 / (0.25 * trace / n + l2);
        double[] beta = new double[d];
        double[] momentum = beta.clone();
        double t = 1;
        for (int it = 0; it < iterations; it++) {
            double[] gradient = new double[d];
            for (int i = 0; i < n; i++) {
                double margin = 0;
                for (int j = 0; j < d; j++) {
                    margin += x[i][j] * momentum[j];
                }
                double residual = 1 / (1 + Math.exp(-margin)) - y[i];
                for (int j = 0; j < d; j++) {
                    gradient[j] += residual * x[i][j] / n;
                }
            }
            double[] next = new double[d];
            for (int j = 0; j < d; j++) {
                boolean penalised = j < d - 1;
                double v = momentum[j] - step * (gradient[j] + (penalised ? l2 * momentum[j] : 0));
                next[j] = penalised ? Math.signum(v) * Math.max(Math.abs(v) - step * l1, 0) : v;
            }
            double tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
            double change = 0;
            for (int j = 0; j < d; j++) {
                momentum[j] = next[j] + (t - 1) / tNext * (next[j] - beta[j]);
                change = Math.max(change, Math.abs(next[j] - beta[j]));
            }
            beta = next;
            t = tNext;
            if (change < 1e-12 && it > 100) {
                break;
            }
        }
        return beta;
    }
}
