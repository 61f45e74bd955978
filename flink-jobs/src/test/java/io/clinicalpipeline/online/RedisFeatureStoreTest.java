package io.clinicalpipeline.online;

import io.clinicalpipeline.runtime.LocalRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Against a real Redis server started by the local runtime. */
class RedisFeatureStoreTest {

    @TempDir
    static Path dir;
    private static LocalRedis redis;
    private static RedisFeatureStore store;

    @BeforeAll
    static void start() {
        redis = LocalRedis.start(dir);
        store = new RedisFeatureStore(redis.uri(), Duration.ofHours(6), 3, Duration.ofMillis(10));
    }

    @AfterAll
    static void stop() throws Exception {
        store.close();
        redis.close();
    }

    private static RedisFeatureStore.Update update(String patient, long time, String news2) {
        return new RedisFeatureStore.Update(patient, time, Map.of("news2_total", news2, RedisFeatureStore.VERSION, "1"));
    }

    @Test
    void olderValuesNeverReplaceNewerOnes() throws Exception {
        assertEquals(1, store.write(List.of(update("P1", 2000, "7"))));
        // A replay of an older moment is refused, whatever order it comes in.
        assertEquals(0, store.write(List.of(update("P1", 1000, "2"))));
        Map<String, String> stored = store.get("P1");
        assertEquals("7", stored.get("news2_total"));
        assertEquals("2000", stored.get(RedisFeatureStore.EVENT_TIME));
        // The same moment again is idempotent.
        assertEquals(1, store.write(List.of(update("P1", 2000, "7"))));
        assertEquals(stored, store.get("P1"));
    }

    @Test
    void aNewerWriteReplacesTheWholeHash() throws Exception {
        store.write(List.of(new RedisFeatureStore.Update("P2", 1000, Map.of("news2_total", "3", "lactate_latest", "2.1"))));
        store.write(List.of(new RedisFeatureStore.Update("P2", 2000, Map.of("news2_total", "4"))));
        Map<String, String> stored = store.get("P2");
        assertEquals("4", stored.get("news2_total"));
        assertFalse(stored.containsKey("lactate_latest"), "a feature that became null must not linger");
    }

    @Test
    void keysExpire() throws Exception {
        store.write(List.of(update("P3", 1000, "1")));
        long ttl = store.ttlOf("P3");
        assertTrue(ttl > Duration.ofHours(5).toMillis() && ttl <= Duration.ofHours(6).toMillis(), "TTL " + ttl);
    }

    @Test
    void aBatchIsWrittenInOnePipeline() throws Exception {
        List<RedisFeatureStore.Update> batch = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            batch.add(update("B" + i, 1000 + i, Integer.toString(i % 20)));
        }
        assertEquals(500, store.write(batch));
        assertEquals("19", store.get("B499").get("news2_total"));
    }

    @Test
    void unreachableRedisFailsLoudlyAfterRetries() {
        try (RedisFeatureStore nowhere = new RedisFeatureStore("redis://127.0.0.1:1", Duration.ofHours(1), 3, Duration.ofMillis(1))) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> nowhere.write(List.of(update("P9", 1, "0"))));
            assertTrue(e.getMessage().contains("after 3 attempts"), e.getMessage());
        }
    }
}
