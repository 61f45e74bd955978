package io.clinicalpipeline.features;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clinicalpipeline.model.features.FeatureCalculator;
import io.clinicalpipeline.model.features.FeatureDefinition;
import io.clinicalpipeline.online.RedisFeatureStore;
import io.clinicalpipeline.online.RedisHashSink;
import org.apache.flink.types.Row;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Feature rows into the Redis online store ({@code features:{patient_id}}, see {@link RedisFeatureStore}). */
public final class RedisFeatureSink extends RedisHashSink<Row> {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** @param maxDelay longest an update waits in the buffer; zero: only when full and at checkpoints */
    public RedisFeatureSink(String uri, Duration ttl, int batchSize, Duration maxDelay, int maxAttempts, Duration firstBackoff) {
        super(uri, RedisFeatureStore.KEY_PREFIX, "redisFeature", ttl, batchSize, maxDelay, maxAttempts, firstBackoff,
                RedisFeatureSink::toUpdate);
    }

    /** The sink the jobs run with: pipelines of 500 updates, retried as {@link RedisFeatureStore#SINK_ATTEMPTS} says. */
    public static RedisFeatureSink standard(String uri, Duration ttl, Duration maxDelay) {
        return new RedisFeatureSink(uri, ttl, 500, maxDelay, RedisFeatureStore.SINK_ATTEMPTS, RedisFeatureStore.SINK_FIRST_BACKOFF);
    }

    /** The Redis hash fields of a feature row: the definition version and the non-null features as one JSON object. */
    static RedisFeatureStore.Update toUpdate(Row row) {
        List<FeatureDefinition> catalog = FeatureCalculator.catalog();
        ObjectNode values = JSON.createObjectNode();
        int offset = FeatureRows.KEY_COLUMNS.size();
        for (int i = 0; i < catalog.size(); i++) {
            Object value = row.getField(offset + i);
            if (value instanceof Double d) {
                values.put(catalog.get(i).name(), d);
            } else if (value instanceof Integer n) {
                values.put(catalog.get(i).name(), n);
            } else if (value instanceof Boolean b) {
                values.put(catalog.get(i).name(), b);
            } else if (value != null) {
                values.put(catalog.get(i).name(), value.toString());
            }
        }
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put(RedisFeatureStore.VERSION, String.valueOf(row.getField(2)));
        fields.put(RedisFeatureStore.VALUES, values.toString());
        LocalDateTime eventTime = (LocalDateTime) row.getField(1);
        return new RedisFeatureStore.Update((String) row.getField(0), eventTime.toInstant(ZoneOffset.UTC).toEpochMilli(), fields);
    }
}
