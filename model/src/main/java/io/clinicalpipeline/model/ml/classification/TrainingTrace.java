package io.clinicalpipeline.model.ml.classification;

import java.util.List;

/**
 * How a fit went: one entry per round (a bounded job over the cached points), with the objective it measured and
 * how many points each parallel subtask read, so a caller can show progress and check the work was shared.
 */
public record TrainingTrace(List<Round> rounds, boolean converged, long millis) {

    public record Round(int number, double objective, long[] pointsPerSubtask) {}

    public double finalObjective() {
        return rounds.isEmpty() ? Double.NaN : rounds.get(rounds.size() - 1).objective();
    }
}
