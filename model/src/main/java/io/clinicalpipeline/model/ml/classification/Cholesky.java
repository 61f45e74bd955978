package io.clinicalpipeline.model.ml.classification;

/** Solves symmetric positive (semi-)definite systems, the Newton step's linear algebra. */
final class Cholesky {

    private Cholesky() {}

    /**
     * Solves {@code a x = b}. A Hessian is only semidefinite when a feature never varies (a one-hot column absent
     * from the training rows, unregularised); a growing ridge on the diagonal then picks the smallest-norm step
     * along such directions instead of failing.
     */
    static double[] solveWithJitter(double[][] a, double[] b) {
        int n = b.length;
        double scale = 0;
        for (int i = 0; i < n; i++) {
            scale = Math.max(scale, Math.abs(a[i][i]));
        }
        double jitter = 0;
        for (int attempt = 0; attempt < 20; attempt++) {
            double[][] l = factor(a, jitter);
            if (l != null) {
                return substitute(l, b);
            }
            jitter = jitter == 0 ? 1e-12 * Math.max(scale, 1) : jitter * 10;
        }
        throw new ArithmeticException("the Newton system is not positive definite even with a ridge of " + jitter
                + "; the features may contain NaN or infinite values");
    }

    private static double[][] factor(double[][] a, double jitter) {
        int n = a.length;
        double[][] l = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double sum = a[i][j] + (i == j ? jitter : 0);
                for (int k = 0; k < j; k++) {
                    sum -= l[i][k] * l[j][k];
                }
                if (i == j) {
                    if (!(sum > 0)) {
                        return null;
                    }
                    l[i][i] = Math.sqrt(sum);
                } else {
                    l[i][j] = sum / l[j][j];
                }
            }
        }
        return l;
    }

    private static double[] substitute(double[][] l, double[] b) {
        int n = b.length;
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double sum = b[i];
            for (int k = 0; k < i; k++) {
                sum -= l[i][k] * y[k];
            }
            y[i] = sum / l[i][i];
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double sum = y[i];
            for (int k = i + 1; k < n; k++) {
                sum -= l[k][i] * x[k];
            }
            x[i] = sum / l[i][i];
        }
        return x;
    }
}
