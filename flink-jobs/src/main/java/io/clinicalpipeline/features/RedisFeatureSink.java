package io.clinicalpipeline.features;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import io.clinicalpipeline.model.features.FeatureCalculator;
import io.clinicalpipeline.model.features.FeatureDefinition;
import io.clinicalpipeline.online.RedisFeatureStore;
import io.clinicalpipeline.online.RedisHashSink;
import org.apache.flink.types.Row;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Feature rows into the Redis online store ({@code features:{patient_id}}, see {@link RedisFeatureStore}). */
public final class RedisFeatureSink extends RedisHashSink<Row> {
    private static final long serialVersionUID = 1L;
    /**
     * Doubles written by the Schubfach algorithm rather than {@code Double.toString}, which dominated encoding on Java
     * 17; both give digits that parse back to the same double.
     */
    private static final JsonFactory JSON = JsonFactory.builder().enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();

    /** @param maxDelay longest an update waits in the buffer; zero: only when full and at checkpoints */
    public RedisFeatureSink(String uri, Duration ttl, int batchSize, Duration maxDelay, int maxAttempts, Duration firstBackoff) {
        super(uri, RedisFeatureStore.KEY_PREFIX, "redisFeature", ttl, batchSize, maxDelay, maxAttempts, firstBackoff, new Fields());
    }

    /** The sink the jobs run with: pipelines of 500 updates, retried as {@link RedisFeatureStore#SINK_ATTEMPTS} says. */
    public static RedisFeatureSink standard(String uri, Duration ttl, Duration maxDelay) {
        return new RedisFeatureSink(uri, ttl, 500, maxDelay, RedisFeatureStore.SINK_ATTEMPTS, RedisFeatureStore.SINK_FIRST_BACKOFF);
    }

    /** The Redis hash of a feature row: the definition version and the non-null features as one JSON object. */
    static final class Fields implements ToUpdate<Row> {
        private static final long serialVersionUID = 1L;

        @Override
        public String patientId(Row row) {
            return (String) row.getField(0);
        }

        @Override
        public long eventTime(Row row) {
            return ((LocalDateTime) row.getField(1)).toInstant(ZoneOffset.UTC).toEpochMilli();
        }

        @Override
        public Map<String, String> fields(Row row) {
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put(RedisFeatureStore.VERSION, String.valueOf(row.getField(2)));
            fields.put(RedisFeatureStore.VALUES, values(row));
            return fields;
        }

        private static String values(Row row) {
            List<FeatureDefinition> catalog = FeatureCalculator.catalog();
            int offset = FeatureRows.KEY_COLUMNS.size();
            StringWriter out = new StringWriter(4096);
            try (JsonGenerator json = JSON.createGenerator(out)) {
                json.writeStartObject();
                for (int i = 0; i < catalog.size(); i++) {
                    Object value = row.getField(offset + i);
                    if (value == null) {
                        continue;
                    }
                    json.writeFieldName(catalog.get(i).name());
                    if (value instanceof Double d) {
                        json.writeNumber(d);
                    } else if (value instanceof Integer n) {
                        json.writeNumber(n);
                    } else if (value instanceof Boolean b) {
                        json.writeBoolean(b);
                    } else {
                        json.writeString(value.toString());
                    }
                }
                json.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot encode the features of " + row.getField(0), e);
            }
            return out.toString();
        }
    }
}
