package io.clinicalpipeline.drift;

import io.clinicalpipeline.scoring.ModelRoute;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.types.Row;

/**
 * Drift of the production model's inputs, on the stream of feature rows it scores: a {@link DriftSketch} beside the
 * rows bins them by the model's training reference, and one {@link DriftWindow} computes PSI and KS over the last
 * rows into {@value #TABLE} rows and gauges.
 */
public final class FeatureDrift {
    public static final String TABLE = "feature_drift";

    /**
     * @param flushRows  rows a sketch subtask counts before handing them on (the window's granularity)
     * @param windowRows the sliding window: about this many of the newest rows
     * @param emitRows   a {@value #TABLE} row per feature after this many more rows
     */
    public record Settings(int flushRows, long windowRows, long emitRows) {
        public static Settings defaults() {
            return new Settings(200, 10_000, 5_000);
        }
    }

    private FeatureDrift() {}

    /** The {@value #TABLE} rows; the gauges are on the window operator. */
    public static DataStream<Row> build(DataStream<Row> featureRows, String[] featureColumns, DataStream<ModelRoute> routes,
                                        TypeInformation<Row> driftRowType, Settings s) {
        return featureRows.connect(routes.broadcast(DriftSketch.ROUTES))
                .process(new DriftSketch(featureColumns, s.flushRows()), TypeInformation.of(DriftPartial.class))
                .name("drift sketch").uid("drift-sketch")
                .process(new DriftWindow(s.windowRows(), s.emitRows()), driftRowType)
                .name("drift window").uid("drift-window")
                .setParallelism(1).setMaxParallelism(1);
    }
}
