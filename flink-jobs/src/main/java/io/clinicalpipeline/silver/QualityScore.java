package io.clinicalpipeline.silver;

/**
 * A 0..1 score of how much a record can be trusted: mostly completeness of its optional measurements,
 * less for records without an event id and for records that arrived more than an hour late.
 */
public final class QualityScore {

    private QualityScore() {}

    public static double of(int present, int expected, boolean hasEventId, boolean late) {
        double score = expected == 0 ? 1.0 : (double) present / expected;
        if (!hasEventId) {
            score -= 0.05;
        }
        if (late) {
            score -= 0.1;
        }
        return Math.round(Math.max(0.0, score) * 1000.0) / 1000.0;
    }
}
