package io.clinicalpipeline.performance;

import io.clinicalpipeline.features.TrainingSet;
import io.clinicalpipeline.scoring.Prediction;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.OutputTag;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Set;

/**
 * Live model performance from delayed labels: the adverse events that arrive label the predictions made before them
 * ({@link DelayedLabels}, keyed by patient, with the training set's rule), and one {@link PerformanceWindow} measures
 * each model version's rolling AUROC, AUPRC and calibration next to NEWS2's on the same rows.
 */
public final class LivePerformance {
    public static final String PERFORMANCE_TABLE = "model_performance";
    public static final String OUTCOMES_TABLE = "prediction_outcomes";
    private static final Duration OUTCOMES_IDLE = Duration.ofMinutes(1);

    /**
     * @param outcomes   the adverse event types that count, as for the training set
     * @param lateness   how far out of event-time order predictions and outcomes may arrive: the prediction at t is
     *                   labelled negative once both inputs' watermarks (their newest event time minus the lateness)
     *                   pass t + horizon
     * @param windowRows the rolling window: each version's newest labelled predictions
     * @param emitRows   a measurement (row and gauges) after this many more labels of a version
     */
    public record Settings(Set<String> outcomes, Duration horizon, Duration washout, Duration lateness, int windowRows,
                           int emitRows) {
        public static Settings defaults() {
            return new Settings(Set.of(TrainingSet.DEFAULT_EVENT_TYPES.split(",")), Duration.ofHours(6),
                    Duration.ofHours(24), Duration.ofHours(1), 5000, 100);
        }
    }

    /** Rows of {@value #PERFORMANCE_TABLE} and {@value #OUTCOMES_TABLE}. */
    public record Output(DataStream<Row> performance, DataStream<Row> labelled) {}

    private LivePerformance() {}

    /**
     * @param predictions   every prediction, production and challenger
     * @param adverseEvents silver adverse event rows (changelog rows of retractions are ignored)
     */
    public static Output build(DataStream<Prediction> predictions, DataStream<Row> adverseEvents,
                               TypeInformation<Row> performanceType, TypeInformation<Row> labelledType, Settings s) {
        Set<String> types = Set.copyOf(s.outcomes());
        // Event time on both inputs, so a prediction is called negative only once the outcome stream, too, has passed
        // its horizon. A quiet outcome topic must not hold the negatives back: after a minute without one it is idle.
        DataStream<Prediction> timed = predictions.assignTimestampsAndWatermarks(WatermarkStrategy
                        .<Prediction>forBoundedOutOfOrderness(s.lateness())
                        .withTimestampAssigner((p, previous) -> p.eventTime))
                .name("prediction event time");
        DataStream<Tuple3<String, Long, String>> outcomes = adverseEvents
                .filter(r -> r.getKind() != RowKind.UPDATE_BEFORE && r.getKind() != RowKind.DELETE
                        && types.contains((String) r.getField("event_type")))
                .name("outcomes")
                .map(r -> Tuple3.of((String) r.getField("patient_id"),
                        ((LocalDateTime) r.getField("event_time")).toInstant(ZoneOffset.UTC).toEpochMilli(),
                        (String) r.getField("event_type")), Types.TUPLE(Types.STRING, Types.LONG, Types.STRING))
                .name("outcome times")
                .assignTimestampsAndWatermarks(WatermarkStrategy
                        .<Tuple3<String, Long, String>>forBoundedOutOfOrderness(s.lateness())
                        .withTimestampAssigner((o, previous) -> o.f1)
                        .withIdleness(OUTCOMES_IDLE))
                .name("outcome event time");
        Duration ttl = s.horizon().plus(s.washout()).plus(s.lateness()).multipliedBy(2);
        DataStream<LabelledPrediction> labelled = timed.keyBy(p -> p.patientId, Types.STRING)
                .connect(outcomes.keyBy(o -> o.f0, Types.STRING))
                .process(new DelayedLabels(s.horizon(), s.washout(), ttl),
                        TypeInformation.of(LabelledPrediction.class))
                .name("delayed labels").uid("delayed-labels");
        OutputTag<Row> rows = new OutputTag<>("prediction-outcomes", labelledType);
        SingleOutputStreamOperator<Row> performance = labelled
                .process(new PerformanceWindow(s.windowRows(), s.emitRows(), rows), performanceType)
                .name("performance window").uid("performance-window")
                .setParallelism(1).setMaxParallelism(1);
        return new Output(performance, performance.getSideOutput(rows));
    }
}
