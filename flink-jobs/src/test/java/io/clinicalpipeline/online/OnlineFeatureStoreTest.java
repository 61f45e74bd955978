package io.clinicalpipeline.online;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OnlineFeatureStoreTest {

    @Test
    void valuesAreTypedAsInTheCatalog() {
        var f = OnlineFeatureStore.parse("P1", Map.of(RedisFeatureStore.EVENT_TIME, "1000", RedisFeatureStore.VERSION, "3",
                RedisFeatureStore.VALUES, "{\"news2_total\":7,\"heart_rate_1h_last\":130.0}"))
                .orElseThrow();
        assertEquals(Instant.ofEpochMilli(1000), f.validAt());
        assertEquals(3, f.definitionVersion());
        assertEquals(7, f.values().get("news2_total"));
        assertEquals(130.0, f.values().get("heart_rate_1h_last"));
        assertNull(f.values().get("lactate_latest"), "absent from the JSON: unknown");
    }

    @Test
    void aHashWrittenWithOneFieldPerFeatureStillReads() {
        var f = OnlineFeatureStore.parse("P1", Map.of(RedisFeatureStore.EVENT_TIME, "1000", RedisFeatureStore.VERSION, "3",
                "news2_total", "7", "heart_rate_1h_last", "130.0")).orElseThrow();
        assertEquals(7, f.values().get("news2_total"));
        assertEquals(130.0, f.values().get("heart_rate_1h_last"));
    }

    @Test
    void noEventTimeMeansNoFeaturesAndBrokenValuesSayWhere() {
        assertTrue(OnlineFeatureStore.parse("P1", Map.of()).isEmpty());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> OnlineFeatureStore.parse("P9",
                Map.of(RedisFeatureStore.EVENT_TIME, "1", RedisFeatureStore.VERSION, "1", RedisFeatureStore.VALUES, "{oops")));
        assertTrue(e.getMessage().contains("features:P9"), e.getMessage());
    }
}
