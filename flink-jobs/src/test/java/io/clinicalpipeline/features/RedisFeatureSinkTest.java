package io.clinicalpipeline.features;

import io.clinicalpipeline.model.features.FeatureCalculator;
import io.clinicalpipeline.model.features.PatientHistory;
import io.clinicalpipeline.online.OnlineFeatureStore;
import io.clinicalpipeline.online.RedisFeatureStore;
import io.clinicalpipeline.runtime.LocalRedis;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.runtime.typeutils.ExternalTypeInfo;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A Flink job writes feature rows through the sink into a real Redis. */
class RedisFeatureSinkTest {

    private static final long T = 1_767_657_600_000L;

    private static Row row(String patient, long time, double heartRate) {
        PatientHistory h = new PatientHistory();
        h.addVitals(time - 60_000, Map.of("heart_rate", heartRate, "respiratory_rate", 16.0), false, "A", null);
        return FeatureRows.toRow(patient, time, FeatureCalculator.compute(h, time));
    }

    @Test
    void rowsReachRedisAndAnOlderRowNeverWins(@TempDir Path dir) throws Exception {
        try (LocalRedis redis = LocalRedis.start(dir)) {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            ExternalTypeInfo<Row> type = ExternalTypeInfo.of(FeatureRows.rowType());
            // P1's newer row comes first; the older one after it must not overwrite it. Pipelines of one row
            // each, so the older row reaches Redis and its guard.
            env.fromData(type, row("P1", T + 60_000, 130), row("P1", T, 80), row("P2", T, 95))
                    .sinkTo(new RedisFeatureSink(redis.uri(), Duration.ofHours(1), 1, Duration.ZERO, 3, Duration.ofMillis(10)))
                    .name("redis-features");
            env.execute("redis sink test");

            try (RedisFeatureStore store = new RedisFeatureStore(redis.uri(), Duration.ofHours(1), 1, Duration.ofMillis(1));
                 OnlineFeatureStore online = new OnlineFeatureStore(redis.uri())) {
                Map<String, String> p1 = store.get("P1");
                assertEquals(Set.of(RedisFeatureStore.EVENT_TIME, RedisFeatureStore.VERSION, RedisFeatureStore.VALUES), p1.keySet(),
                        "one hash of three fields per patient");
                assertEquals(Long.toString(T + 60_000), p1.get(RedisFeatureStore.EVENT_TIME));
                assertEquals(Integer.toString(FeatureCalculator.VERSION), p1.get(RedisFeatureStore.VERSION));
                assertTrue(p1.get(RedisFeatureStore.VALUES).contains("\"heart_rate_1h_last\":130.0"), p1.get(RedisFeatureStore.VALUES));
                assertFalse(p1.get(RedisFeatureStore.VALUES).contains("lactate_latest"), "null features are not stored");
                assertEquals(130.0, online.get("P1").orElseThrow().values().get("heart_rate_1h_last"));
                assertNull(online.get("P1").orElseThrow().values().get("lactate_latest"));
                assertEquals(95.0, online.get("P2").orElseThrow().values().get("heart_rate_1h_last"));
            }
        }
    }

    @Test
    void aBufferKeepsEachPatientsNewestRowAndAtEqualTimesTheLaterOne(@TempDir Path dir) throws Exception {
        try (LocalRedis redis = LocalRedis.start(dir)) {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            env.fromData(ExternalTypeInfo.of(FeatureRows.rowType()),
                            row("P1", T, 80), row("P1", T + 60_000, 130), row("P1", T + 60_000, 140), row("P1", T, 90))
                    .sinkTo(new RedisFeatureSink(redis.uri(), Duration.ofHours(1), 500, Duration.ZERO, 3, Duration.ofMillis(10)))
                    .name("redis-features");
            env.execute("redis sink coalescing test");
            try (OnlineFeatureStore online = new OnlineFeatureStore(redis.uri())) {
                assertEquals(140.0, online.get("P1").orElseThrow().values().get("heart_rate_1h_last"), "the correction at the newest time wins");
            }
        }
    }

    @Test
    void aLoneUpdateIsWrittenAfterTheMaxDelayWithoutACheckpoint(@TempDir Path dir) throws Exception {
        try (LocalRedis redis = LocalRedis.start(dir)) {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            // The source side runs in its own task, so its wait does not block the sink's timers.
            env.disableOperatorChaining();
            // Far from full and no checkpoints: only the max-delay timer can write the first row before the
            // second source element, which waits for it, lets the input end.
            env.fromSequence(1, 2)
                    .map(new RowOnceTheFirstIsOnline(redis.uri()), ExternalTypeInfo.of(FeatureRows.rowType()))
                    .sinkTo(new RedisFeatureSink(redis.uri(), Duration.ofHours(1), 500, Duration.ofMillis(50), 3, Duration.ofMillis(10)))
                    .name("redis-features");
            env.execute("redis sink max delay test");
        }
    }

    private static final class RowOnceTheFirstIsOnline implements org.apache.flink.api.common.functions.MapFunction<Long, Row> {
        private static final long serialVersionUID = 1L;
        private final String uri;

        RowOnceTheFirstIsOnline(String uri) {
            this.uri = uri;
        }

        @Override
        public Row map(Long n) throws Exception {
            if (n == 2) {
                try (RedisFeatureStore store = new RedisFeatureStore(uri, Duration.ofHours(1), 1, Duration.ofMillis(1))) {
                    io.clinicalpipeline.runtime.Await.until(() -> !store.get("P1").isEmpty(), Duration.ofSeconds(60),
                            () -> "the first row in Redis: the max-delay flush did not run");
                }
            }
            return row("P" + n, T, 80);
        }
    }
}
