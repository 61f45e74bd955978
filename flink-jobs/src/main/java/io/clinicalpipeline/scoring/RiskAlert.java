package io.clinicalpipeline.scoring;

import com.fasterxml.jackson.annotation.JsonRawValue;

/**
 * An alert transition for one patient, as JSON on the alerts topic (key: patient id): {@code RAISED} when the
 * served score reaches the alert threshold, {@code CLEARED} when it falls below the clear threshold.
 *
 * <p>Delivery is at least once, without waiting for a Kafka transaction to commit at the next checkpoint (that would
 * delay every alert by a checkpoint interval). A job restored from its checkpoint replays the events after it, and the
 * state restored with it makes the same transitions again: {@code alertId} (patient, transition, event time) is
 * the same for both deliveries, so a consumer that keeps the ids it has acted on (or a compacted topic keyed by
 * it) sees each alert once.
 */
public class RiskAlert {
    public static final String RAISED = "RAISED";
    public static final String CLEARED = "CLEARED";

    public String alertId;
    public String patientId;
    public String type;
    public long eventTime;
    public double score;
    public String riskBand;
    public long modelVersion;
    /** Why the score is what it is, in words: its three largest contributions. */
    public String reason;
    /** The score's largest contributions, a JSON array in the alert (see {@link Explanations}). */
    @JsonRawValue
    public String contributions;

    public RiskAlert() {}

    public RiskAlert(String patientId, String type, Prediction p) {
        this.patientId = patientId;
        this.type = type;
        this.eventTime = p.eventTime;
        this.score = p.score;
        this.riskBand = p.riskBand;
        this.modelVersion = p.modelVersion;
        this.reason = p.reason;
        this.contributions = p.topContributions;
        this.alertId = patientId + "|" + type + "|" + p.eventTime;
    }
}
