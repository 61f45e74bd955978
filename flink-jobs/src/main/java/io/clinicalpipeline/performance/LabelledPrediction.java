package io.clinicalpipeline.performance;

/**
 * A prediction whose outcome is now known: {@code label} 1 if an outcome of the chosen types followed within the
 * horizon, as the training set labels a row. A Flink POJO; times in epoch milliseconds (UTC).
 */
public class LabelledPrediction {
    public String patientId;
    public long eventTime;
    public long modelVersion;
    public String role;
    public double score;
    /** NaN where the feature row had no NEWS2. */
    public double news2;
    public int label;
    /** The outcome's type for a positive, else null. */
    public String outcomeType;

    public LabelledPrediction() {}

    LabelledPrediction(String patientId, long eventTime, long modelVersion, String role, double score, double news2,
                       int label, String outcomeType) {
        this.patientId = patientId;
        this.eventTime = eventTime;
        this.modelVersion = modelVersion;
        this.role = role;
        this.score = score;
        this.news2 = news2;
        this.label = label;
        this.outcomeType = outcomeType;
    }

    @Override
    public String toString() {
        return patientId + "@" + eventTime + " v" + modelVersion + " " + role + " " + score + " label " + label;
    }
}
