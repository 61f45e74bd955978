package io.clinicalpipeline.model.ml;

import java.io.Serializable;
import java.util.List;

/**
 * Why a model gave a row its score: each input column's contribution to the margin (log-odds), largest magnitude
 * first. {@code base} plus every contribution is {@code margin}, whose sigmoid is {@code score}. For logistic
 * regression a contribution is coefficient × scaled value, summed over the positions its column encodes to (one-hot
 * values, missing indicator), and the base is the intercept; for boosted trees it is the column's TreeSHAP value and the
 * base the trees' mean output over the training rows.
 */
public record Explanation(double score, double margin, double base, List<Contribution> contributions)
        implements Serializable {

    /** One input column: its raw value in the row (null: missing) and what it added to the margin. */
    public record Contribution(String feature, Object value, double contribution) implements Serializable {}

    /** The {@code n} largest contributions by magnitude. */
    public List<Contribution> top(int n) {
        return contributions.subList(0, Math.min(n, contributions.size()));
    }
}
