package io.clinicalpipeline.features;

import io.clinicalpipeline.events.EventKind;
import io.clinicalpipeline.lake.TableTypes;
import io.clinicalpipeline.model.features.FeatureCalculator;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The feature graph on silver rows in memory, without Paimon or Redis: one row per event, as of that event. */
class FeatureGraphTest {

    private static final LocalDateTime T0 = LocalDateTime.of(2026, 1, 5, 10, 0);

    private static Row vitals(String patient, LocalDateTime at, double hr, double sbp, double rr, double spo2, double temp,
                              String avpu, long offset) {
        Row r = Row.withNames();
        r.setField("dt", at.toLocalDate().toString());
        r.setField("patient_id", patient);
        r.setField("event_time", at);
        r.setField("source_id", "monitor-1");
        r.setField("heart_rate", hr);
        r.setField("systolic_bp", sbp);
        r.setField("diastolic_bp", sbp - 40);
        r.setField("respiratory_rate", rr);
        r.setField("spo2", spo2);
        r.setField("temperature_c", temp);
        r.setField("supplemental_oxygen", false);
        r.setField("consciousness", avpu);
        r.setField("quality_score", 1.0);
        r.setField("kafka_partition", 0);
        r.setField("kafka_offset", offset);
        return r;
    }

    @Test
    void everyEventGetsAFeatureRowAsOfItsTime() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        TableTypes types = TableTypes.fromDdl();
        Map<EventKind, List<Row>> silver = new EnumMap<>(EventKind.class);
        FeatureJob.INPUTS.keySet().forEach(kind -> silver.put(kind, new ArrayList<>()));
        // P1 is well, then an hour later deteriorates: NEWS2 0, then 3 (RR 25) + 3 (SpO2 91) + 2 (SBP 100) + 2 (HR 120)
        // + 2 (39.5 °C) + 3 (new confusion) = 15.
        silver.get(EventKind.VITALS).add(vitals("P1", T0, 75, 120, 16, 97, 37.0, "A", 1));
        silver.get(EventKind.VITALS).add(vitals("P1", T0.plusHours(1), 120, 100, 25, 91, 39.5, "C", 2));
        silver.get(EventKind.VITALS).add(vitals("P2", T0.plusMinutes(30), 75, 120, 16, 97, 37.0, "A", 3));
        Map<EventKind, DataStream<Row>> inputs = new EnumMap<>(EventKind.class);
        silver.forEach((kind, rows) -> inputs.put(kind, env.fromCollection(rows, types.rowType(kind.silverTable()))));

        FeatureJob.Output out = FeatureJob.build(inputs, types::rowType, new FeatureJob.Settings(Duration.ofSeconds(5),
                Duration.ofHours(24), Duration.ofSeconds(5), Duration.ofSeconds(15), null));

        Map<String, Row> byKey = new TreeMap<>();
        for (Row row : out.features().executeAndCollect(100)) {
            byKey.put(row.getField(0) + "@" + row.getField(1), row);
        }
        assertEquals(List.of("P1@" + T0, "P1@" + T0.plusHours(1), "P2@" + T0.plusMinutes(30)), List.copyOf(byKey.keySet()));
        int news2 = 3 + FeatureCalculator.catalog().stream().map(d -> d.name()).toList().indexOf("news2_total");
        assertEquals(0, ((Number) byKey.get("P1@" + T0).getField(news2)).intValue());
        assertEquals(15, ((Number) byKey.get("P1@" + T0.plusHours(1)).getField(news2)).intValue());
        assertEquals(FeatureCalculator.VERSION, byKey.get("P2@" + T0.plusMinutes(30)).getField(2));
        assertEquals(0, out.late().executeAndCollect(100).size());
    }

    /**
     * On the online path the records keep the timestamp they came with (the Kafka record's), not event time: the
     * Redis sinks measure Kafka append -> write from it, while timers and watermarks take event time from the events.
     */
    @Test
    void rowsEmittedOnArrivalCarryTheirEventsRecordTimestamp() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        TableTypes types = TableTypes.fromDdl();
        List<Row> rows = List.of(vitals("P1", T0, 75, 120, 16, 97, 37.0, "A", 1),
                vitals("P1", T0.plusHours(1), 120, 100, 25, 91, 39.5, "C", 2),
                vitals("P2", T0.plusMinutes(30), 75, 120, 16, 97, 37.0, "A", 3));
        Map<EventKind, DataStream<Row>> inputs = new EnumMap<>(EventKind.class);
        for (EventKind kind : FeatureJob.INPUTS.keySet()) {
            List<Row> of = kind == EventKind.VITALS ? rows : List.of();
            inputs.put(kind, env.fromCollection(of, types.rowType(kind.silverTable()))
                    .assignTimestampsAndWatermarks(WatermarkStrategy.<Row>noWatermarks()
                            .withTimestampAssigner((r, previous) -> appendedAt((Long) r.getField("kafka_offset")))));
        }
        FeatureJob.Output out = FeatureJob.build(inputs, types::rowType, new FeatureJob.Settings(Duration.ofSeconds(5),
                Duration.ofHours(24), Duration.ofSeconds(5), Duration.ofSeconds(15), null).onArrival());
        Map<String, Long> stamps = new TreeMap<>();
        for (String stamped : out.features().process(new ProcessFunction<Row, String>() {
            @Override
            public void processElement(Row row, Context ctx, Collector<String> collector) {
                collector.collect(row.getField(0) + "@" + row.getField(1) + "=" + ctx.timestamp());
            }
        }).executeAndCollect(100)) {
            String[] kv = stamped.split("=");
            stamps.put(kv[0], Long.parseLong(kv[1]));
        }
        assertEquals(Map.of("P1@" + T0, appendedAt(1), "P1@" + T0.plusHours(1), appendedAt(2),
                "P2@" + T0.plusMinutes(30), appendedAt(3)), stamps);
    }

    /** A Kafka append time of its own per record, far from the simulated event times. */
    private static long appendedAt(long offset) {
        return 1_800_000_000_000L + offset * 1000;
    }
}
