package io.clinicalpipeline.drift;

/**
 * One sketch subtask's bin counts over a run of scored rows, for one model version's reference: {@code counts[f][b]} rows of
 * feature f in bin b, and up to {@link DriftSketch#SAMPLE} of each top numeric feature's values for KS. A Flink POJO.
 */
public class DriftPartial {
    public long modelVersion;
    /** Where the version's model and its reference are. */
    public String modelPath;
    public long rows;
    public long[][] counts;
    /** Per top numeric feature (in the reference's top order, categorical ones empty): sampled values. */
    public double[][] samples;
    /** The oldest and newest event time among the rows (epoch millis; Long.MAX_VALUE and MIN_VALUE without one). */
    public long firstEventTime;
    public long lastEventTime;

    public DriftPartial() {}

    DriftPartial(long modelVersion, String modelPath, long rows, long[][] counts, double[][] samples, long firstEventTime,
                 long lastEventTime) {
        this.modelVersion = modelVersion;
        this.modelPath = modelPath;
        this.rows = rows;
        this.counts = counts;
        this.samples = samples;
        this.firstEventTime = firstEventTime;
        this.lastEventTime = lastEventTime;
    }
}
