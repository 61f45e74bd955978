package io.clinicalpipeline.online;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import io.clinicalpipeline.model.features.FeatureCalculator;
import io.clinicalpipeline.model.features.FeatureDefinition;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a patient's current features from the Redis online store (layout: {@link RedisFeatureStore}),
 * typed as in the feature catalog. This is what scoring uses; {@code bin/pipeline features get} prints it.
 */
public final class OnlineFeatureStore implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One patient's features as of {@code validAt}; {@code values} in catalog order, null where unknown. */
    public record Features(String patientId, Instant validAt, int definitionVersion, Map<String, Object> values) {
        public Duration age(Instant now) {
            return Duration.between(validAt, now);
        }
    }

    private final JedisPooled redis;

    public OnlineFeatureStore(String uri) {
        this.redis = new JedisPooled(URI.create(uri));
    }

    public Optional<Features> get(String patientId) {
        return parse(patientId, redis.hgetAll(RedisFeatureStore.KEY_PREFIX + patientId));
    }

    /** Every patient with online features (SCAN, so the server is never blocked). */
    public List<String> patients() {
        List<String> out = new ArrayList<>();
        ScanParams match = new ScanParams().match(RedisFeatureStore.KEY_PREFIX + "*").count(1000);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = redis.scan(cursor, match);
            page.getResult().forEach(key -> out.add(key.substring(RedisFeatureStore.KEY_PREFIX.length())));
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return out;
    }

    static Optional<Features> parse(String patientId, Map<String, String> hash) {
        String eventTime = hash.get(RedisFeatureStore.EVENT_TIME);
        if (eventTime == null) {
            return Optional.empty();
        }
        JsonNode encoded = values(patientId, hash.get(RedisFeatureStore.VALUES));
        Map<String, Object> values = new LinkedHashMap<>();
        for (FeatureDefinition d : FeatureCalculator.catalog()) {
            // A hash written before the values field existed holds each feature in its own field.
            JsonNode v = encoded != null ? encoded.get(d.name()) : hash.containsKey(d.name()) ? TextNode.valueOf(hash.get(d.name())) : null;
            values.put(d.name(), v == null || v.isNull() ? null : switch (d.type()) {
                case "DOUBLE" -> v.isNumber() ? v.asDouble() : Double.valueOf(v.asText());
                case "INT" -> v.isNumber() ? v.asInt() : Integer.valueOf(v.asText());
                case "BOOLEAN" -> v.isBoolean() ? v.asBoolean() : Boolean.valueOf(v.asText());
                default -> v.asText();
            });
        }
        return Optional.of(new Features(patientId, Instant.ofEpochMilli(Long.parseLong(eventTime)),
                Integer.parseInt(hash.get(RedisFeatureStore.VERSION)), values));
    }

    private static JsonNode values(String patientId, String json) {
        if (json == null) {
            return null;
        }
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("features:" + patientId + " holds values that are not a JSON object: " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public void close() {
        redis.close();
    }
}
