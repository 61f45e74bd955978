package io.clinicalpipeline.scoring;

/**
 * An alert transition for one patient, as JSON on the alerts topic (key: patient id): {@code RAISED} when the
 * served score reaches the alert threshold, {@code CLEARED} when it falls below the clear threshold.
 */
public class RiskAlert {
    public static final String RAISED = "RAISED";
    public static final String CLEARED = "CLEARED";

    public String patientId;
    public String type;
    public long eventTime;
    public double score;
    public String riskBand;
    public long modelVersion;

    public RiskAlert() {}

    public RiskAlert(String patientId, String type, Prediction p) {
        this.patientId = patientId;
        this.type = type;
        this.eventTime = p.eventTime;
        this.score = p.score;
        this.riskBand = p.riskBand;
        this.modelVersion = p.modelVersion;
    }
}
