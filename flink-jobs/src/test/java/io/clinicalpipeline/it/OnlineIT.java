package io.clinicalpipeline.it;

import io.clinicalpipeline.generator.GeneratorConfig;
import io.clinicalpipeline.generator.InputFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;

/**
 * The online job on the shared runtime: Kafka straight to features and risk in Redis, and the same operators'
 * outputs in Paimon. A generated workload with duplicates, late and out-of-order events, impossible values and
 * malformed records goes in; every record is accounted for in the lakehouse, the feature rows (emitted as events
 * arrive, then corrected) equal the batch definition over the same silver, Redis holds each patient's newest of
 * them, and each patient's online risk is the batch score of that row. A third of the patients arrive as HL7 v2 and
 * FHIR messages instead of JSON.
 */
class OnlineIT {

    private static OnlineRun run;

    @BeforeAll
    static void runOnlineJob() throws Exception {
        run = new OnlineRun(SharedRuntime.get(), SharedRuntime.newDirectory("online"), "it-online", 7);
        run.produce(GeneratorConfig.defaults(20, Duration.ofHours(3), 5));
        // Ten more patients as a hospital's feeds send them: vitals and labs as HL7 v2, the rest as FHIR.
        run.produce(new GeneratorConfig(10, Duration.ofHours(3), 6, GeneratorConfig.DEFAULT_START, 0.01, 0.02, 0.005, 0.005,
                0.005, 0.003, 0.1, 0.1, null, 21), InputFormat.HL7V2);
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
