package io.clinicalpipeline.cli;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CommonTest {

    private static Options redisOptions(String... args) {
        Options o = Common.redis(new Options("test", "test"), "redis://127.0.0.1:6379");
        o.parse(args);
        return o;
    }

    @Test
    void redisUriTakesPasswordAndTlsFromOptions() {
        assertEquals("redis://127.0.0.1:6379", Common.redisUri(redisOptions(), "redis://127.0.0.1:6379"));
        assertEquals("rediss://default:s%3Acret%40@cache:6380/2",
                Common.redisUri(redisOptions("--redis-password", "s:cret@", "--redis-tls"), "redis://cache:6380/2"));
        assertEquals("redis://feature-writer:pw@cache:6379",
                Common.redisUri(redisOptions("--redis-password", "pw"), "redis://feature-writer@cache:6379"));
        assertEquals("redis://u:inline@cache:6379", Common.redisUri(redisOptions(), "redis://u:inline@cache:6379"));
    }

    @Test
    void durationsNeedAUnit() {
        Options o = new Options("test", "test").option("horizon", "DURATION", "6h", "");
        o.parse(new String[0]);
        assertEquals(Duration.ofHours(6), o.getDuration("horizon"));
        o.parse(new String[] {"--horizon", "90m"});
        assertEquals(Duration.ofMinutes(90), o.getDuration("horizon"));
        o.parse(new String[] {"--horizon", "250ms"});
        assertEquals(Duration.ofMillis(250), o.getDuration("horizon"));
        o.parse(new String[] {"--horizon", "6"});
        assertThrows(Options.UsageException.class, () -> o.getDuration("horizon"));
    }
}
