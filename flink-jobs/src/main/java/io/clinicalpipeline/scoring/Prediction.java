package io.clinicalpipeline.scoring;

/**
 * One score of one feature row by one model: a row of {@code model_predictions}. A Flink POJO (public fields, no
 * Kryo). {@code eventTime} is the feature row's event time in epoch milliseconds (UTC).
 */
public class Prediction {
    public String patientId;
    public long eventTime;
    public long modelVersion;
    public String modelName;
    public String role;
    public boolean served;
    public double score;
    public String riskBand;
    public long scoredAt;
    /** The feature row's NEWS2 total (null where the rows have none): live performance compares the model with it. */
    public Double news2;
    /** The largest contributions to the score as JSON (see {@link Explanations}); null when not explained. */
    public String topContributions;
    /** The largest contributions in words; null when not explained. */
    public String reason;

    public Prediction() {}

    public Prediction(String patientId, long eventTime, long modelVersion, String modelName, String role, boolean served,
                      double score, String riskBand, long scoredAt) {
        this.patientId = patientId;
        this.eventTime = eventTime;
        this.modelVersion = modelVersion;
        this.modelName = modelName;
        this.role = role;
        this.served = served;
        this.score = score;
        this.riskBand = riskBand;
        this.scoredAt = scoredAt;
    }

    @Override
    public String toString() {
        return patientId + "@" + eventTime + " v" + modelVersion + " " + role + (served ? " served " : " ") + score;
    }
}
