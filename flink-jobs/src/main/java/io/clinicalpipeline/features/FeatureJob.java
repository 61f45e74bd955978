package io.clinicalpipeline.features;

import io.clinicalpipeline.events.EventKind;
import io.clinicalpipeline.lake.PaimonCounts;
import io.clinicalpipeline.lake.TableStreams;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Silver → patient features. The same graph runs in streaming mode (silver followed as it is committed,
 * features into Paimon and Redis) and in batch mode (silver read once, features into Paimon); only the
 * environment and the sinks differ. Adverse events are not an input: they are what models predict.
 */
public final class FeatureJob {

    public static final String FEATURES_TABLE = "patient_features";
    public static final String LATE_TABLE = "feature_late_events";

    /** The silver inputs of the feature job, each with the {@link PatientEvent} kind its rows become. */
    public static final Map<EventKind, String> INPUTS = Map.of(EventKind.VITALS, PatientEvent.VITALS,
            EventKind.LABS, PatientEvent.LAB, EventKind.MEDICATIONS, PatientEvent.MEDICATION,
            EventKind.PATIENTS, PatientEvent.PROFILE);

    /**
     * @param outOfOrderness how far behind the newest event the watermark stays while events flow
     * @param allowedLateness how far behind a patient's newest feature row an event may still correct it
     * @param quietAfter how long the input must be quiet before the watermark catches up with the newest event
     * @param maxWait longest an event waits for the watermark (processing time) before its row is emitted anyway
     * @param redis where the job that runs this graph also writes its rows online, or null (batch mode, or Paimon only)
     * @param emitOnArrival see {@link ComputeFeatures}: the online path emits without waiting for the watermark
     */
    public record Settings(Duration outOfOrderness, Duration allowedLateness, Duration quietAfter, Duration maxWait,
                           RedisFeatureSink redis, boolean emitOnArrival) implements Serializable {
        public Settings(Duration outOfOrderness, Duration allowedLateness, Duration quietAfter, Duration maxWait,
                        RedisFeatureSink redis) {
            this(outOfOrderness, allowedLateness, quietAfter, maxWait, redis, false);
        }

        public Settings withRedis(RedisFeatureSink sink) {
            return new Settings(outOfOrderness, allowedLateness, quietAfter, maxWait, sink, emitOnArrival);
        }

        /** The online path: rows out as their events arrive, not when the watermark passes them. */
        public Settings onArrival() {
            return new Settings(outOfOrderness, allowedLateness, quietAfter, maxWait, redis, true);
        }
    }

    private FeatureJob() {}

    /** What the graph produces: feature rows, and the events that came too late to change any. */
    public record Output(DataStream<Row> features, DataStream<Row> late) {
        /** Into {@code patient_features} and {@code feature_late_events} of {@code tables}. */
        public void write(TableStreams tables) {
            tables.write(FEATURES_TABLE, features);
            tables.write(LATE_TABLE, late);
        }
    }

    /** The graph's inputs: {@code silver} of each kind in {@link #INPUTS}. */
    public static Map<EventKind, DataStream<Row>> inputs(Function<EventKind, DataStream<Row>> silver) {
        Map<EventKind, DataStream<Row>> inputs = new EnumMap<>(EventKind.class);
        INPUTS.keySet().forEach(kind -> inputs.put(kind, silver.apply(kind)));
        return inputs;
    }

    /**
     * @param silver each input kind's silver changes (see {@link #INPUTS}): inserts and updates are events
     * @param rowTypes the row type of each output table, by table name
     */
    public static Output build(Map<EventKind, DataStream<Row>> silver, Function<String, TypeInformation<Row>> rowTypes,
                               Settings settings) {
        Duration outOfOrderness = settings.outOfOrderness();
        Duration quietAfter = settings.quietAfter();
        // Watermarks follow event time, which the feature operator's timers and lateness checks read from the events;
        // the records keep the timestamp they came with, the Kafka record's on the online path, so that the Redis
        // sinks can measure Kafka append -> write (from Paimon there is none).
        WatermarkStrategy<PatientEvent> watermarks = WatermarkStrategy
                .<PatientEvent>forGenerator(ctx -> new QuietFlushWatermarks<>(e -> e.eventTime, outOfOrderness, quietAfter,
                        System::nanoTime))
                .withTimestampAssigner((e, previous) -> previous);
        List<DataStream<PatientEvent>> inputs = new ArrayList<>();
        for (EventKind kind : EventKind.values()) {
            String eventKind = INPUTS.get(kind);
            if (eventKind == null) {
                continue;
            }
            String name = kind.name().toLowerCase(Locale.ROOT);
            // Watermarks per table: tables are read at different speeds, and the operator takes the minimum.
            inputs.add(silver.get(kind)
                    .flatMap(new ToPatientEvent(eventKind)).returns(Types.POJO(PatientEvent.class))
                    .name("patient-events-" + name).uid("patient-events-" + name)
                    .assignTimestampsAndWatermarks(watermarks)
                    .name("watermarks-" + name).uid("watermarks-" + name));
        }
        OutputTag<PatientEvent> tooLate = new OutputTag<>("too-late", Types.POJO(PatientEvent.class));
        DataStream<PatientEvent> events = inputs.get(0);
        for (DataStream<PatientEvent> more : inputs.subList(1, inputs.size())) {
            events = events.union(more);
        }
        SingleOutputStreamOperator<Row> features = events
                .keyBy(e -> e.patientId)
                .process(new ComputeFeatures(settings.allowedLateness().toMillis(), settings.maxWait().toMillis(),
                        settings.emitOnArrival(), tooLate))
                .returns(rowTypes.apply(FEATURES_TABLE))
                .name("compute-features").uid("compute-features");
        DataStream<Row> late = features.getSideOutput(tooLate).map(FeatureJob::lateRow).returns(rowTypes.apply(LATE_TABLE))
                .name("late-feature-events").uid("late-feature-events");
        return new Output(features, late);
    }

    /** Every (patient id, event time) the job must emit a row for: the times of its inputs in silver. */
    public static Set<List<Object>> expectedRowKeys(PaimonCounts silver) {
        Set<List<Object>> keys = new HashSet<>();
        for (EventKind kind : INPUTS.keySet()) {
            keys.addAll(silver.rows(kind.silverTable(), "patient_id", "event_time"));
        }
        return keys;
    }

    private static Row lateRow(PatientEvent e) {
        return Row.of(e.patientId, e.kind, LocalDateTime.ofInstant(Instant.ofEpochMilli(e.eventTime), ZoneOffset.UTC),
                e.sourceId, e.detail == null ? "" : e.detail);
    }

    /** Inserts and updates of a silver table as events; a retracted row (before an update, a delete) is not an event. */
    public static final class ToPatientEvent implements FlatMapFunction<Row, PatientEvent> {
        private static final long serialVersionUID = 1L;
        private final String kind;

        public ToPatientEvent(String kind) {
            this.kind = kind;
        }

        @Override
        public void flatMap(Row row, Collector<PatientEvent> out) {
            if (row.getKind() == RowKind.INSERT || row.getKind() == RowKind.UPDATE_AFTER) {
                out.collect(PatientEvent.fromSilver(kind, row));
            }
        }
    }
}
