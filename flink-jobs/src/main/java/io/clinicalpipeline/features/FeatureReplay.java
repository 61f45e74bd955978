package io.clinicalpipeline.features;

import io.clinicalpipeline.model.features.FeatureCalculator;
import io.clinicalpipeline.model.features.PatientHistory;

import java.util.List;
import java.util.Map;

/**
 * The feature definition over one patient's events in one thread, without state backends, watermarks or sinks: a row
 * at every distinct event time, from the events at or before it, as {@link ComputeFeatures} emits in batch mode. What
 * the feature job's rate is measured against, and how a simulated cohort is scored without a cluster.
 */
public final class FeatureReplay {

    /** Receives each row: the patient, the row's event time and the feature values by catalog name. */
    public interface Rows {
        void accept(String patientId, long eventTime, Map<String, Object> features);
    }

    private FeatureReplay() {}

    /** @param events one patient's events, in event-time order; returns the number of rows */
    public static long replay(String patientId, List<PatientEvent> events, Rows out) {
        PatientHistory history = new PatientHistory();
        long rows = 0;
        int i = 0;
        while (i < events.size()) {
            long time = events.get(i).eventTime;
            while (i < events.size() && events.get(i).eventTime == time) {
                events.get(i++).applyTo(history);
            }
            history.evictBefore(time - FeatureCalculator.LOOKBACK);
            out.accept(patientId, time, FeatureCalculator.compute(history, time));
            rows++;
        }
        return rows;
    }
}
