package io.clinicalpipeline.runtime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * The real parts the demo and the integration tests run on: Kafka (KRaft), Redis and a Flink
 * MiniCluster. An external Kafka or Redis given by the user replaces the local one.
 */
public final class LocalRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalRuntime.class);

    private final LocalKafka kafka;
    private final LocalRedis redis;
    private final LocalFlink flink;
    private final String bootstrap;
    private final String redisUri;

    private LocalRuntime(LocalKafka kafka, LocalRedis redis, LocalFlink flink, String bootstrap, String redisUri) {
        this.kafka = kafka;
        this.redis = redis;
        this.flink = flink;
        this.bootstrap = bootstrap;
        this.redisUri = redisUri;
    }

    /**
     * @param externalBootstrap an existing Kafka to use, or null to start one
     * @param externalRedis an existing Redis URI to use, or null to start one
     */
    public static LocalRuntime start(Path dataDir, String externalBootstrap, String externalRedis, int restPort,
                                     String prometheusPorts, int slots) throws Exception {
        long started = System.nanoTime();
        LocalKafka kafka = externalBootstrap == null ? LocalKafka.start(dataDir.resolve("kafka"), 2) : null;
        LocalRedis redis = externalRedis == null ? LocalRedis.start(dataDir.resolve("redis")) : null;
        LocalFlink flink = LocalFlink.start(restPort, prometheusPorts, slots);
        LocalRuntime runtime = new LocalRuntime(kafka, redis, flink,
                kafka != null ? kafka.bootstrap() : externalBootstrap,
                redis != null ? redis.uri() : externalRedis);
        LOG.info("event=runtime_started kafka={} redis={} flink_rest={} elapsed_ms={}", runtime.bootstrap,
                runtime.redisUri, flink.restAddress(), (System.nanoTime() - started) / 1_000_000);
        return runtime;
    }

    public String bootstrap() {
        return bootstrap;
    }

    public String redisUri() {
        return redisUri;
    }

    public LocalFlink flink() {
        return flink;
    }

    /** The Kafka broker this runtime started, to stop and restart it; fails when the user gave their own. */
    public LocalKafka kafka() {
        if (kafka == null) {
            throw new IllegalStateException("this runtime uses the Kafka at " + bootstrap + ", which it did not start");
        }
        return kafka;
    }

    /** The Redis server this runtime started, to stop and restart it; fails when the user gave their own. */
    public LocalRedis redis() {
        if (redis == null) {
            throw new IllegalStateException("this runtime uses the Redis at " + redisUri + ", which it did not start");
        }
        return redis;
    }

    @Override
    public void close() throws Exception {
        flink.close();
        if (redis != null) {
            redis.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }
}
