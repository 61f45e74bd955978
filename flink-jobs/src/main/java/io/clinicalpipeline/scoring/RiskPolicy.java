package io.clinicalpipeline.scoring;

import io.clinicalpipeline.model.ml.common.StableHash;

import java.io.Serializable;
import java.util.List;

/**
 * Risk bands, alert hysteresis and explanations. A score at or above {@code alertAt} is HIGH and raises an alert; the
 * alert stays up until a score falls below {@code clearBelow} (lower than {@code alertAt}), so a patient hovering
 * around the threshold does not raise an alert storm. MEDIUM starts at {@code mediumAt}. Each score carries its
 * {@code explainTop} largest contributions (0: none, and no time spent computing them).
 */
public record RiskPolicy(double mediumAt, double alertAt, double clearBelow, int explainTop) implements Serializable {

    /** What {@link #band} returns, lowest first. */
    public static final List<String> BANDS = List.of("LOW", "MEDIUM", "HIGH");
    public static final int DEFAULT_EXPLAIN_TOP = 5;

    public RiskPolicy {
        if (!(0 <= mediumAt && mediumAt <= alertAt && alertAt <= 1) || !(clearBelow <= alertAt)) {
            throw new IllegalArgumentException("risk thresholds must satisfy 0 <= medium <= alert <= 1 and clear <= alert; got "
                    + "medium " + mediumAt + ", alert " + alertAt + ", clear " + clearBelow);
        }
        if (explainTop < 0) {
            throw new IllegalArgumentException("the number of contributions to explain a score with must be 0 or more; got "
                    + explainTop);
        }
    }

    public RiskPolicy(double mediumAt, double alertAt, double clearBelow) {
        this(mediumAt, alertAt, clearBelow, DEFAULT_EXPLAIN_TOP);
    }

    public RiskPolicy withExplainTop(int top) {
        return new RiskPolicy(mediumAt, alertAt, clearBelow, top);
    }

    public static RiskPolicy defaults() {
        return new RiskPolicy(0.3, 0.7, 0.5);
    }

    public String band(double score) {
        return score >= alertAt ? "HIGH" : score >= mediumAt ? "MEDIUM" : "LOW";
    }

    /**
     * The share of patients a challenger with traffic share {@code share} scores: a fixed hash of the patient
     * id in [0, 1), so a patient stays with one model for as long as the share does not change.
     */
    public static double bucket(String patientId) {
        return StableHash.unit(patientId, 0);
    }

    /**
     * Whether a challenger with traffic share {@code share} serves this patient: the one rule the streaming job and
     * the prediction service route by, so a patient gets the same model from both.
     */
    public static boolean challenged(String patientId, double share) {
        return bucket(patientId) < share;
    }
}
