package io.clinicalpipeline.it;

import io.clinicalpipeline.generator.GeneratorConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;

/**
 * The online job on the shared runtime: Kafka straight to features and risk in Redis, and the same operators'
 * outputs in Paimon. A generated workload with duplicates, late and out-of-order events, impossible values and
 * malformed records goes in; every record is accounted for in the lakehouse, the feature rows (emitted as events
 * arrive, then corrected) equal the batch definition over the same silver, Redis holds each patient's newest of
 * them, and each patient's online risk is the batch score of that row.
 */
class OnlineIT {

    private static OnlineRun run;

    @BeforeAll
    static void runOnlineJob() throws Exception {
        run = new OnlineRun(SharedRuntime.get(), SharedRuntime.newDirectory("online"), "it-online", 7);
        run.produce(GeneratorConfig.defaults(30, Duration.ofHours(3), 5));
        run.start();
        run.awaitConverged();
    }

    @AfterAll
    static void stop() throws Exception {
        if (run != null) {
            run.close();
        }
    }

    @Test
    void everyRecordIsAccountedForInTheLakehouse() throws Exception {
        run.assertEveryRecordAccountedFor();
    }

    @Test
    void featureRowsEmittedOnArrivalEqualTheBatchDefinition() {
        run.assertFeatureRowsEqualBatch();
    }

    @Test
    void redisHoldsEachPatientsNewestRow() {
        run.assertRedisHoldsNewest();
    }

    @Test
    void onlineRiskIsTheBatchScoreOfThePatientsNewestRow() throws Exception {
        run.assertRiskIsBatchScore();
    }

    @Test
    void alertsAreDeliveredOncePerIdAndAlternate() {
        run.assertAlertsOncePerIdAndAlternating();
    }

    @Test
    void theCompactionJobMergesWhatTheOnlineJobWroteAndChangesNoRow() throws Exception {
        run.assertCompactionKeepsEveryRow();
    }
}
