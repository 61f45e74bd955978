package io.clinicalpipeline.it;

import io.clinicalpipeline.generator.GeneratorConfig;
import io.clinicalpipeline.online.KeyspaceWatch;
import io.clinicalpipeline.online.RedisFeatureStore;
import io.clinicalpipeline.runtime.Await;
import io.clinicalpipeline.runtime.JobMetrics;
import io.clinicalpipeline.runtime.LocalRuntime;
import io.clinicalpipeline.scoring.ScoringJob;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The online job through the faults of a real deployment, on a runtime of its own (its broker and Redis server are
 * stopped and restarted): Redis gone for about 30 s, the Kafka broker restarted, the job killed and restored from its
 * checkpoint. Each run must end as a fault-free run does ({@link OnlineRun}: every record once in the lakehouse, the
 * batch definition's feature rows, Redis serving each patient's newest row and its score), and no Redis value may
 * move backwards in event time on the way.
 */
class OnlineFaultsIT {

    /**
     * First part of each run: before the fault. The second continues the same patients after it. Half of them
     * deteriorate, so that alerts are raised and cleared across the fault.
     */
    private static final GeneratorConfig BEFORE = new GeneratorConfig(20, Duration.ofHours(2), 31, GeneratorConfig.DEFAULT_START,
            0.01, 0.02, 0.005, 0.005, 0.005, 0.003, 0.1, 0.5, null, 1);
    private static final GeneratorConfig AFTER = new GeneratorConfig(20, Duration.ofHours(1), 32,
            BEFORE.start().plus(BEFORE.duration()), 0.01, 0.02, 0.005, 0.005, 0.005, 0.003, 0.1, 0.5, null, 1);

    private static Path dataDir;
    private static LocalRuntime runtime;

    @BeforeAll
    static void startRuntime() throws Exception {
        dataDir = Files.createTempDirectory("clinical-faults-");
        runtime = LocalRuntime.start(dataDir, null, null, 0, "9400-9449", 8);
    }

    @AfterAll
    static void stopRuntime() throws Exception {
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void redisStoppedForThirtySecondsThenRestarted() throws Exception {
        try (OnlineRun run = new OnlineRun(runtime, dataDir, "faults-redis", 1)) {
            NeverBackwards watch = new NeverBackwards(run.redisUri());
            run.produce(BEFORE);
            run.start();
            run.awaitAccounted(run.produced());
            watch.stop();
            runtime.redis().stop();

            run.produce(AFTER);
            // The sinks retry with back-off (0.2, 0.4, … 5 s): ten retries on one subtask is about 30 s of outage.
            JobMetrics metrics = new JobMetrics(runtime.flink().restAddress());
            Await.until(() -> metrics.maxOrZero(run.job().getJobID(), "redisFeatureRetries") >= 10, Duration.ofMinutes(2),
                    () -> "the Redis feature sink to retry ten times while Redis is down");
            runtime.redis().start();
            watch.start();

            run.awaitConverged();
            watch.stop();
            assertFaultFree(run, watch);
        }
    }

    @Test
    void kafkaBrokerRestartedMidStream() throws Exception {
        try (OnlineRun run = new OnlineRun(runtime, dataDir, "faults-kafka", 2)) {
            NeverBackwards watch = new NeverBackwards(run.redisUri());
            run.produce(BEFORE);
            run.start();
            run.awaitAccounted(run.produced() / 3);
            runtime.kafka().restart();

            run.produce(AFTER);
            run.awaitConverged();
            watch.stop();
            assertFaultFree(run, watch);
        }
    }

    @Test
    void jobKilledMidStreamAndRestoredFromItsCheckpoint() throws Exception {
        try (OnlineRun run = new OnlineRun(runtime, dataDir, "faults-restore", 3)) {
            NeverBackwards watch = new NeverBackwards(run.redisUri());
            run.produce(BEFORE);
            run.start();
            run.awaitAccounted(run.produced() / 2);
            run.restoreFromLatestCheckpoint();

            run.produce(AFTER);
            run.awaitConverged();
            watch.stop();
            assertFaultFree(run, watch);
        }
    }

    private static void assertFaultFree(OnlineRun run, NeverBackwards watch) throws Exception {
        run.assertEveryRecordAccountedFor();
        run.assertFeatureRowsEqualBatch();
        run.assertRedisHoldsNewest();
        run.assertRiskIsBatchScore();
        run.assertAlertsOncePerIdAndAlternating();
        watch.assertSawConvergedValues(run.convergedEventTimes());
        watch.assertNeverBackwards();
    }

    /**
     * Every event time a client sees in {@code features:{id}} and {@code risk:{id}}, across Redis restarts (each
     * {@link #start} subscribes again): it must never be older than one seen before for the same key.
     */
    private static final class NeverBackwards {
        private final String redisUri;
        private final Map<String, Long> newest = new ConcurrentHashMap<>();
        private final List<String> backwards = Collections.synchronizedList(new ArrayList<>());
        private final List<KeyspaceWatch> watches = new ArrayList<>();

        NeverBackwards(String redisUri) throws InterruptedException {
            this.redisUri = redisUri;
            start();
        }

        void start() throws InterruptedException {
            for (String prefix : List.of(RedisFeatureStore.KEY_PREFIX, ScoringJob.RISK_KEY_PREFIX)) {
                watches.add(KeyspaceWatch.start(redisUri, prefix, (patient, eventTime, nanos) -> {
                    Long before = newest.put(prefix + patient, eventTime);
                    if (before != null && eventTime < before) {
                        backwards.add(prefix + patient + " went from " + before + " back to " + eventTime);
                    }
                }));
            }
        }

        void stop() throws InterruptedException {
            for (KeyspaceWatch w : watches) {
                w.close();
            }
            watches.clear();
        }

        /**
         * The last value seen for every key is the one Redis converged to: the watch was listening when each final write
         * landed (a watch that missed writes, or saw none, fails here rather than passing the backwards check vacuously).
         * How many writes it saw on the way is not fixed: the sinks coalesce a patient's updates per flush.
         */
        void assertSawConvergedValues(Map<String, Long> converged) {
            assertEquals(converged, Map.copyOf(newest));
        }

        void assertNeverBackwards() {
            assertEquals(List.of(), backwards);
        }
    }
}
