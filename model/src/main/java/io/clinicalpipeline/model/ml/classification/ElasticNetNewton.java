package io.clinicalpipeline.model.ml.classification;

import java.util.Arrays;

/**
 * The client side of a Newton round for elastic-net logistic regression: from the summed gradient and Hessian it
 * proposes the next coefficients, and it checks each proposal's objective when the next round's sums arrive.
 *
 * <p>Objective (the convention of glmnet and Spark): {@code (1/W) Σ w_i logloss_i + λ((1-α)/2 ||β||² + α ||β||₁)}
 * over the penalised coefficients. The step minimises the quadratic model of the loss plus the exact penalty: a
 * linear solve for pure L2, coordinate descent with soft-thresholding when α > 0. A proposal that raises the
 * objective is halved (backtracking), which costs one more round only when it happens.
 */
final class ElasticNetNewton {

    private static final int MAX_HALVINGS = 30;
    private static final int MAX_SWEEPS = 10_000;

    private final int d;
    private final boolean[] penalised;
    private final double l2;
    private final double l1;
    private final double tol;

    private double[] accepted;
    private double acceptedObjective = Double.POSITIVE_INFINITY;
    private double[] candidate;
    private double[] direction;
    private double step = 1;
    private int halvings;
    private boolean converged;

    /**
     * @param unpenalisedIndex the intercept's index, or -1 when every coefficient is penalised
     */
    ElasticNetNewton(int d, int unpenalisedIndex, double reg, double elasticNet, double tol) {
        this.d = d;
        this.penalised = new boolean[d];
        Arrays.fill(penalised, true);
        if (unpenalisedIndex >= 0) {
            penalised[unpenalisedIndex] = false;
        }
        this.l2 = reg * (1 - elasticNet);
        this.l1 = reg * elasticNet;
        this.tol = tol;
        this.candidate = new double[d];
    }

    /** The coefficients the next round must evaluate. */
    double[] candidate() {
        return candidate.clone();
    }

    /** The best coefficients so far (the last accepted ones). */
    double[] coefficients() {
        return accepted == null ? candidate.clone() : accepted.clone();
    }

    double objective() {
        return acceptedObjective;
    }

    boolean converged() {
        return converged;
    }

    /**
     * Takes the sums of a {@link LogisticPass} at {@link #candidate()} and moves on: accepts the candidate and
     * proposes a Newton step, or halves the last step. Returns the candidate's objective.
     */
    double update(double[] sums) {
        double weight = sums[0];
        if (weight <= 0) {
            throw new IllegalArgumentException("the training points have no weight (all weights 0 or no rows)");
        }
        double objective = sums[1] / weight + penalty(candidate);
        if (accepted != null && objective > acceptedObjective + 1e-12 * Math.abs(acceptedObjective)) {
            if (++halvings > MAX_HALVINGS) {
                converged = true;
                candidate = accepted.clone();
                return objective;
            }
            step /= 2;
            for (int j = 0; j < d; j++) {
                candidate[j] = accepted[j] + step * direction[j];
            }
            return objective;
        }
        double previous = acceptedObjective;
        accepted = candidate.clone();
        acceptedObjective = objective;
        halvings = 0;
        step = 1;
        if (previous - objective <= tol * Math.max(1, Math.abs(objective))) {
            converged = true;
            return objective;
        }
        double[] g = new double[d];
        double[][] h = new double[d][d];
        int at = 2 + d;
        for (int j = 0; j < d; j++) {
            g[j] = sums[2 + j] / weight;
            for (int k = j; k < d; k++) {
                h[j][k] = sums[at++] / weight;
                h[k][j] = h[j][k];
            }
        }
        double[] next = l1 > 0 ? coordinateDescent(g, h) : ridgeSolve(g, h);
        direction = new double[d];
        for (int j = 0; j < d; j++) {
            direction[j] = next[j] - accepted[j];
        }
        candidate = next;
        return objective;
    }

    double penalty(double[] beta) {
        double squares = 0;
        double absolute = 0;
        for (int j = 0; j < d; j++) {
            if (penalised[j]) {
                squares += beta[j] * beta[j];
                absolute += Math.abs(beta[j]);
            }
        }
        return l2 / 2 * squares + l1 * absolute;
    }

    /** Solves (H + l2·P) b = Hβ − g, where P marks the penalised coefficients. */
    private double[] ridgeSolve(double[] g, double[][] h) {
        double[] rhs = new double[d];
        double[][] a = new double[d][];
        for (int j = 0; j < d; j++) {
            a[j] = h[j].clone();
            double hb = 0;
            for (int k = 0; k < d; k++) {
                hb += h[j][k] * accepted[k];
            }
            rhs[j] = hb - g[j];
            if (penalised[j]) {
                a[j][j] += l2;
            }
        }
        return Cholesky.solveWithJitter(a, rhs);
    }

    /** Minimises the quadratic model plus the elastic-net penalty one coordinate at a time. */
    private double[] coordinateDescent(double[] g, double[][] h) {
        double[] b = accepted.clone();
        double[] r = new double[d];
        double[] hb = new double[d];
        for (int j = 0; j < d; j++) {
            for (int k = 0; k < d; k++) {
                hb[j] += h[j][k] * b[k];
            }
            r[j] = hb[j] - g[j];
        }
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            double largest = 0;
            for (int j = 0; j < d; j++) {
                double hjj = h[j][j];
                double z = r[j] - (hb[j] - hjj * b[j]);
                double updated;
                if (penalised[j]) {
                    double shrunk = Math.signum(z) * Math.max(Math.abs(z) - l1, 0);
                    updated = hjj + l2 > 0 ? shrunk / (hjj + l2) : 0;
                } else {
                    updated = hjj > 0 ? z / hjj : 0;
                }
                double change = updated - b[j];
                if (change != 0) {
                    for (int k = 0; k < d; k++) {
                        hb[k] += h[k][j] * change;
                    }
                    b[j] = updated;
                    largest = Math.max(largest, Math.abs(change));
                }
            }
            if (largest < 1e-12) {
                break;
            }
        }
        return b;
    }
}
