package io.clinicalpipeline.features;

import io.clinicalpipeline.model.features.FeatureCalculator;
import io.clinicalpipeline.model.features.FeatureDefinition;
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
 * Feature rows into the Redis online store. Updates are buffered and written as one pipeline when the
 * batch is full and at every checkpoint ({@code flush}), so a completed checkpoint implies Redis has every
 * update before it; after a restart the replayed rows are refused or rewritten identically by the guard.
 */
public final class RedisFeatureSink implements Sink<Row> {
    private static final long serialVersionUID = 1L;

    private final String uri;
    private final Duration ttl;
    private final int batchSize;
    private final int maxAttempts;
    private final Duration firstBackoff;

    public RedisFeatureSink(String uri, Duration ttl, int batchSize, int maxAttempts, Duration firstBackoff) {
        this.uri = uri;
        this.ttl = ttl;
        this.batchSize = batchSize;
        this.maxAttempts = maxAttempts;
        this.firstBackoff = firstBackoff;
    }

    @Override
    @SuppressWarnings("deprecation")
    public SinkWriter<Row> createWriter(InitContext context) {
        return new Writer(new RedisFeatureStore(uri, ttl, maxAttempts, firstBackoff), batchSize, context.metricGroup());
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
        private final List<RedisFeatureStore.Update> buffer = new ArrayList<>();
        private final Counter written;
        private final Counter refused;

        Writer(RedisFeatureStore store, int batchSize, MetricGroup metrics) {
            this.store = store;
            this.batchSize = batchSize;
            this.written = metrics.counter("redisFeatureWrites");
            this.refused = metrics.counter("redisFeatureWritesRefusedAsOlder");
        }

        @Override
        public void write(Row row, Context context) throws InterruptedException {
            buffer.add(toUpdate(row));
            if (buffer.size() >= batchSize) {
                flush(false);
            }
        }

        @Override
        public void flush(boolean endOfInput) throws InterruptedException {
            if (buffer.isEmpty()) {
                return;
            }
            int applied = store.write(buffer);
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
