package io.clinicalpipeline.features;

import io.clinicalpipeline.model.features.FeatureCalculator;
import io.clinicalpipeline.model.features.FeatureDefinition;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.types.Row;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Feature rows into the Redis online store. Only each patient's newest buffered row is kept (a backfill's
 * corrections of older rows would all be refused by the guard, at the cost of a full hash each). Updates are
 * buffered and written as one pipeline when the
 * batch is full, when the oldest buffered update has waited {@code maxDelay} (a quiet ward's update must
 * not wait for a checkpoint to be seen online), and at every checkpoint ({@code flush}), so a completed
 * checkpoint implies Redis has every update before it; after a restart the replayed rows are refused or
 * rewritten identically by the guard.
 */
public final class RedisFeatureSink implements Sink<Row> {
    private static final long serialVersionUID = 1L;

    private final String uri;
    private final Duration ttl;
    private final int batchSize;
    private final Duration maxDelay;
    private final int maxAttempts;
    private final Duration firstBackoff;

    /** @param maxDelay longest an update waits in the buffer; zero: only when full and at checkpoints */
    public RedisFeatureSink(String uri, Duration ttl, int batchSize, Duration maxDelay, int maxAttempts, Duration firstBackoff) {
        this.uri = uri;
        this.ttl = ttl;
        this.batchSize = batchSize;
        this.maxDelay = maxDelay;
        this.maxAttempts = maxAttempts;
        this.firstBackoff = firstBackoff;
    }

    @Override
    @SuppressWarnings("deprecation")
    public SinkWriter<Row> createWriter(InitContext context) {
        return new Writer(new RedisFeatureStore(uri, ttl, maxAttempts, firstBackoff), batchSize, maxDelay.toMillis(),
                context.getProcessingTimeService(), context.metricGroup());
    }

    /** The Redis hash fields of a feature row: non-null features as strings, plus the definition version. */
    static RedisFeatureStore.Update toUpdate(Row row) {
        List<FeatureDefinition> catalog = FeatureCalculator.catalog();
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put(RedisFeatureStore.VERSION, String.valueOf(row.getField(2)));
        int offset = FeatureRows.KEY_COLUMNS.size();
        for (int i = 0; i < catalog.size(); i++) {
            Object value = row.getField(offset + i);
            if (value != null) {
                fields.put(catalog.get(i).name(), value.toString());
            }
        }
        LocalDateTime eventTime = (LocalDateTime) row.getField(1);
        return new RedisFeatureStore.Update((String) row.getField(0), eventTime.toInstant(ZoneOffset.UTC).toEpochMilli(), fields);
    }

    private static final class Writer implements SinkWriter<Row> {
        private final RedisFeatureStore store;
        private final int batchSize;
        private final long maxDelayMillis;
        private final ProcessingTimeService time;
        /** The newest buffered update per patient: an older one would only be refused by the guard. */
        private final Map<String, RedisFeatureStore.Update> buffer = new LinkedHashMap<>();
        private final Counter written;
        private final Counter refused;
        private final Counter coalesced;
        /** Bumped by every flush, so a timer set for an earlier buffer does not flush a newer one early. */
        private long generation;

        Writer(RedisFeatureStore store, int batchSize, long maxDelayMillis, ProcessingTimeService time, MetricGroup metrics) {
            this.store = store;
            this.batchSize = batchSize;
            this.maxDelayMillis = maxDelayMillis;
            this.time = time;
            this.written = metrics.counter("redisFeatureWrites");
            this.refused = metrics.counter("redisFeatureWritesRefusedAsOlder");
            this.coalesced = metrics.counter("redisFeatureUpdatesCoalesced");
        }

        @Override
        public void write(Row row, Context context) throws InterruptedException {
            if (buffer.isEmpty() && maxDelayMillis > 0) {
                long armedFor = generation;
                // Timers run in the task's mailbox thread, never concurrently with write or flush.
                time.registerTimer(time.getCurrentProcessingTime() + maxDelayMillis, now -> {
                    if (generation == armedFor) {
                        flush(false);
                    }
                });
            }
            RedisFeatureStore.Update update = toUpdate(row);
            RedisFeatureStore.Update buffered = buffer.get(update.patientId());
            if (buffered != null) {
                coalesced.inc();
            }
            // At an equal time the later row wins, as it would written one after the other (a correction).
            if (buffered == null || update.eventTime() >= buffered.eventTime()) {
                buffer.put(update.patientId(), update);
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
            int applied = store.write(new ArrayList<>(buffer.values()));
            written.inc(applied);
            refused.inc(buffer.size() - applied);
            buffer.clear();
        }

        @Override
        public void close() {
            store.close();
        }
    }
}
