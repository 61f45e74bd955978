package io.clinicalpipeline.online;

import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-patient hashes into Redis through {@link RedisFeatureStore}'s event-time guard. Only each patient's newest
 * buffered value is kept (older ones would all be refused by the guard, at the cost of a full hash each), and only
 * what is flushed is encoded: a correction's burst of rows for one patient costs one encoding, not one per row.
 * Updates are buffered and written as one pipeline when the batch is full, when the oldest buffered update has
 * waited {@code maxDelay} (a quiet ward's update must not wait for a checkpoint to be seen online), and at every
 * checkpoint ({@code flush}), so a completed checkpoint implies Redis has every update before it; after a
 * restart the replayed updates are refused or rewritten identically by the guard.
 */
public class RedisHashSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;
    private static final int LATENCY_WINDOW = 10_000;

    /** The patient, the event time and the hash fields of a value. */
    public interface ToUpdate<T> extends Serializable {
        String patientId(T value);

        long eventTime(T value);

        /** The fields to store; called only for the values that are written. */
        Map<String, String> fields(T value);
    }

    private final String uri;
    private final String keyPrefix;
    private final String metricPrefix;
    private final Duration ttl;
    private final int batchSize;
    private final Duration maxDelay;
    private final int maxAttempts;
    private final Duration firstBackoff;
    private final ToUpdate<T> toUpdate;

    /**
     * @param keyPrefix    e.g. {@code features:}: the key is the prefix and the patient id
     * @param metricPrefix metrics are this plus {@code Writes}, {@code WritesRefusedAsOlder}, {@code UpdatesCoalesced},
     *                     {@code Retries} (writes retried while Redis was unreachable), {@code EventToWriteMillis} (a
     *                     histogram of event time to the write that carried it, over the last
     *                     {@value #LATENCY_WINDOW} updates) and {@code FreshnessMillis} (now minus the newest event time
     *                     this writer has written; NaN before its first write)
     * @param maxDelay     longest an update waits in the buffer; zero: only when full and at checkpoints
     */
    public RedisHashSink(String uri, String keyPrefix, String metricPrefix, Duration ttl, int batchSize, Duration maxDelay,
                         int maxAttempts, Duration firstBackoff, ToUpdate<T> toUpdate) {
        this.uri = uri;
        this.keyPrefix = keyPrefix;
        this.metricPrefix = metricPrefix;
        this.ttl = ttl;
        this.batchSize = batchSize;
        this.maxDelay = maxDelay;
        this.maxAttempts = maxAttempts;
        this.firstBackoff = firstBackoff;
        this.toUpdate = toUpdate;
    }

    @Override
    @SuppressWarnings("deprecation")
    public SinkWriter<T> createWriter(InitContext context) {
        return new Writer<>(new RedisFeatureStore(uri, keyPrefix, ttl, maxAttempts, firstBackoff), batchSize,
                maxDelay.toMillis(), context.getProcessingTimeService(), context.metricGroup(), metricPrefix, toUpdate);
    }

    private static final class Writer<T> implements SinkWriter<T> {
        private final RedisFeatureStore store;
        private final int batchSize;
        private final long maxDelayMillis;
        private final ProcessingTimeService time;
        private final ToUpdate<T> toUpdate;
        /** The newest buffered value per patient: an older one would only be refused by the guard. */
        private final Map<String, Buffered<T>> buffer = new LinkedHashMap<>();
        private final Counter written;
        private final Counter refused;
        private final Counter coalesced;
        private final Histogram eventToWrite;
        private final Histogram appendToWrite;
        /** Read by the metric reporter's thread. */
        private volatile long newestWritten = Long.MIN_VALUE;
        /** Bumped by every flush, so a timer set for an earlier buffer does not flush a newer one early. */
        private long generation;

        Writer(RedisFeatureStore store, int batchSize, long maxDelayMillis, ProcessingTimeService time, MetricGroup metrics,
               String metricPrefix, ToUpdate<T> toUpdate) {
            this.store = store;
            this.toUpdate = toUpdate;
            this.batchSize = batchSize;
            this.maxDelayMillis = maxDelayMillis;
            this.time = time;
            this.written = metrics.counter(metricPrefix + "Writes");
            this.refused = metrics.counter(metricPrefix + "WritesRefusedAsOlder");
            this.coalesced = metrics.counter(metricPrefix + "UpdatesCoalesced");
            metrics.gauge(metricPrefix + "Retries", (Gauge<Long>) store::retries);
            this.eventToWrite = metrics.histogram(metricPrefix + "EventToWriteMillis",
                    new DescriptiveStatisticsHistogram(LATENCY_WINDOW));
            this.appendToWrite = metrics.histogram(metricPrefix + "AppendToWriteMillis",
                    new DescriptiveStatisticsHistogram(LATENCY_WINDOW));
            metrics.gauge(metricPrefix + "FreshnessMillis", (Gauge<Double>) () -> newestWritten == Long.MIN_VALUE
                    ? Double.NaN : (double) (System.currentTimeMillis() - newestWritten));
        }

        @Override
        public void write(T value, Context context) throws InterruptedException {
            if (buffer.isEmpty() && maxDelayMillis > 0) {
                long armedFor = generation;
                // Timers run in the task's mailbox thread, never concurrently with write or flush.
                time.registerTimer(time.getCurrentProcessingTime() + maxDelayMillis, now -> {
                    if (generation == armedFor) {
                        flush(false);
                    }
                });
            }
            String patientId = toUpdate.patientId(value);
            long eventTime = toUpdate.eventTime(value);
            Buffered<T> buffered = buffer.get(patientId);
            if (buffered != null) {
                coalesced.inc();
            }
            // At an equal time the later row wins, as it would written one after the other (a correction).
            if (buffered == null || eventTime >= buffered.eventTime()) {
                Long appended = context.timestamp();
                buffer.put(patientId, new Buffered<>(eventTime, appended == null ? Long.MIN_VALUE : appended, value));
            }
            if (buffer.size() >= batchSize) {
                flush(false);
            }
        }

        @Override
        public void flush(boolean endOfInput) throws InterruptedException {
            generation++;
            if (buffer.isEmpty()) {
                return;
            }
            List<RedisFeatureStore.Update> updates = new ArrayList<>(buffer.size());
            buffer.forEach((patientId, b) -> updates.add(new RedisFeatureStore.Update(patientId, b.eventTime(), toUpdate.fields(b.value()))));
            int applied = store.write(updates);
            written.inc(applied);
            refused.inc(buffer.size() - applied);
            long now = System.currentTimeMillis();
            long newest = newestWritten;
            for (Buffered<T> b : buffer.values()) {
                eventToWrite.update(now - b.eventTime());
                newest = Math.max(newest, b.eventTime());
                if (b.appendedAt() > 0) {
                    appendToWrite.update(now - b.appendedAt());
                }
            }
            newestWritten = newest;
            buffer.clear();
        }

        @Override
        public void close() {
            store.close();
        }
    }

    /** @param appendedAt the record's timestamp: the Kafka append time of the event behind it, or MIN_VALUE */
    private record Buffered<T>(long eventTime, long appendedAt, T value) {}
}
