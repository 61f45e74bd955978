package io.clinicalpipeline.online;

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
        Map<String, Object> values = new LinkedHashMap<>();
        for (FeatureDefinition d : FeatureCalculator.catalog()) {
            String v = hash.get(d.name());
            values.put(d.name(), v == null ? null : switch (d.type()) {
                case "DOUBLE" -> Double.valueOf(v);
                case "INT" -> Integer.valueOf(v);
                case "BOOLEAN" -> Boolean.valueOf(v);
                default -> v;
            });
        }
        return Optional.of(new Features(patientId, Instant.ofEpochMilli(Long.parseLong(eventTime)),
                Integer.parseInt(hash.get(RedisFeatureStore.VERSION)), values));
    }

    @Override
    public void close() {
        redis.close();
    }
}
