package io.clinicalpipeline.features;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class QuietFlushWatermarksTest {

    private long now;
    private final List<String> emitted = new ArrayList<>();
    private final WatermarkOutput output = new WatermarkOutput() {
        @Override
        public void emitWatermark(Watermark watermark) {
            emitted.add("wm " + watermark.getTimestamp());
        }

        @Override
        public void markIdle() {
            emitted.add("idle");
        }

        @Override
        public void markActive() {
            emitted.add("active");
        }
    };

    /** Events are their own event time; the record timestamp passed beside them is another clock's, and is ignored. */
    private final QuietFlushWatermarks<Long> generator =
            new QuietFlushWatermarks<>(e -> e, Duration.ofMillis(100), Duration.ofSeconds(5), () -> now);
    private static final long APPENDED = 1_800_000_000_000L;

    @Test
    void staysBehindTheNewestEventWhileEventsFlow() {
        generator.onEvent(1_000L, APPENDED, output);
        generator.onEvent(900L, APPENDED, output);
        generator.onPeriodicEmit(output);
        assertEquals(List.of("wm 899"), emitted);
    }

    @Test
    void catchesUpWithTheNewestEventAndGoesIdleWhenQuiet() {
        generator.onEvent(1_000L, APPENDED, output);
        generator.onPeriodicEmit(output);
        now += Duration.ofSeconds(5).toNanos();
        generator.onPeriodicEmit(output);
        generator.onPeriodicEmit(output);
        assertEquals(List.of("wm 899", "wm 1000", "idle"), emitted);
    }

    @Test
    void anInputThatNeverHadEventsGoesIdleWithoutAWatermark() {
        now += Duration.ofSeconds(6).toNanos();
        generator.onPeriodicEmit(output);
        assertEquals(List.of("idle"), emitted);
    }

    @Test
    void anEventAfterIdlenessMakesTheInputActiveAgain() {
        generator.onEvent(1_000L, APPENDED, output);
        now += Duration.ofSeconds(5).toNanos();
        generator.onPeriodicEmit(output);
        generator.onEvent(2_000L, APPENDED, output);
        generator.onPeriodicEmit(output);
        assertEquals(List.of("wm 1000", "idle", "wm 1000", "wm 1899"), emitted);
    }
}
