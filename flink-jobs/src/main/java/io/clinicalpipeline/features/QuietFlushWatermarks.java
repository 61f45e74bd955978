package io.clinicalpipeline.features;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * Bounded out-of-orderness while events flow; once the input has been quiet for {@code quietAfter} of
 * processing time, the watermark moves up to the newest event and the input is marked idle. Without the flush
 * a patient's newest readings would wait for later events that may not come for many minutes (a quiet ward,
 * the end of a replay); idleness keeps a table with nothing new (profiles, most of the time) from holding
 * the other inputs back. A straggler that arrives after a flush is late, which the feature operator corrects.
 */
public final class QuietFlushWatermarks<T> implements WatermarkGenerator<T> {

    private final ToLongFunction<T> eventTime;
    private final long outOfOrdernessMillis;
    private final long quietAfterNanos;
    private final LongSupplier nanoClock;
    private long newest = Long.MIN_VALUE;
    private long lastEventNanos;
    private long lastEmitted = Long.MIN_VALUE;
    private boolean idle;

    /**
     * @param eventTime an event's time, read from the event itself: the record's timestamp may be another clock's (the
     *                  feature job keeps the Kafka append time there, for the sinks to measure latency from)
     */
    public QuietFlushWatermarks(ToLongFunction<T> eventTime, Duration outOfOrderness, Duration quietAfter,
                                LongSupplier nanoClock) {
        this.eventTime = eventTime;
        this.outOfOrdernessMillis = outOfOrderness.toMillis();
        this.quietAfterNanos = quietAfter.toNanos();
        this.nanoClock = nanoClock;
        this.lastEventNanos = nanoClock.getAsLong();
    }

    @Override
    public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
        newest = Math.max(newest, eventTime.applyAsLong(event));
        lastEventNanos = nanoClock.getAsLong();
        if (idle) {
            // Emitting, even an old watermark, is what makes an idle output active again.
            idle = false;
            output.emitWatermark(new Watermark(lastEmitted));
        }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        if (idle) {
            return;
        }
        boolean quiet = nanoClock.getAsLong() - lastEventNanos >= quietAfterNanos;
        if (newest != Long.MIN_VALUE) {
            emit(quiet ? newest : newest - outOfOrdernessMillis - 1, output);
        }
        if (quiet) {
            idle = true;
            output.markIdle();
        }
    }

    private void emit(long watermark, WatermarkOutput output) {
        if (watermark > lastEmitted) {
            lastEmitted = watermark;
            output.emitWatermark(new Watermark(watermark));
        }
    }
}
