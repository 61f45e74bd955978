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

    private final QuietFlushWatermarks<String> generator =
            new QuietFlushWatermarks<>(Duration.ofMillis(100), Duration.ofSeconds(5), () -> now);

    @Test
    void staysBehindTheNewestEventWhileEventsFlow() {
        generator.onEvent("a", 1_000, output);
        generator.onEvent("b", 900, output);
        generator.onPeriodicEmit(output);
        assertEquals(List.of("wm 899"), emitted);
    }

    @Test
    void catchesUpWithTheNewestEventAndGoesIdleWhenQuiet() {
        generator.onEvent("a", 1_000, output);
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
        generator.onEvent("a", 1_000, output);
        now += Duration.ofSeconds(5).toNanos();
        generator.onPeriodicEmit(output);
        generator.onEvent("b", 2_000, output);
        generator.onPeriodicEmit(output);
        assertEquals(List.of("wm 1000", "idle", "wm 1000", "wm 1899"), emitted);
    }
}
