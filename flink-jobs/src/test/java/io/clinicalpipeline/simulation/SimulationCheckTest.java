package io.clinicalpipeline.simulation;

import io.clinicalpipeline.features.TrainingSet;
import io.clinicalpipeline.generator.GeneratorConfig;
import io.clinicalpipeline.train.Algorithm;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The simulated ward is as hard as published wards, and a model on the features beats NEWS2 on patients it never saw:
 * the figures README's "Simulation" section reports, for a fixed seed, through the silver rules, the feature
 * definition, the training set's labels and the trainer's own defaults.
 */
class SimulationCheckTest {

    @Test
    void news2RanksLikeOnRealWardsAndBoostedTreesBeatIt() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        SimulationCheck.Report r = SimulationCheck.run(new SimulationCheck.Settings(
                GeneratorConfig.defaults(1000, Duration.ofHours(48), 1),
                new SimulatedCohort.Labels(List.of(TrainingSet.DEFAULT_EVENT_TYPES.split(",")), Duration.ofHours(6),
                        Duration.ofHours(24)), List.of(Algorithm.GBT), 1), new PrintStream(printed, true, StandardCharsets.UTF_8));
        String out = printed.toString(StandardCharsets.UTF_8);
        // Smith 2013 and later cohorts: NEWS for death, arrest or ICU within 24 h, AUROC 0.84-0.89.
        assertTrue(r.news2().model().auroc() > 0.80 && r.news2().model().auroc() < 0.90, "NEWS2 AUROC " + r.news2().model().auroc() + "\n" + out);
        assertTrue(r.news2().model().auprc() < 0.4, "NEWS2 AUPRC " + r.news2().model().auprc());
        double perAdmission = (double) r.admissionsWithOutcome().get("any") / 1000;
        assertTrue(perAdmission > 0.03 && perAdmission < 0.10, "admissions with an outcome: " + perAdmission);
        assertTrue(r.news2().byOutcome().get("cardiac_arrest").auroc() < r.news2().byOutcome().get("icu_transfer").auroc(),
                "arrests come with less warning than transfers:\n" + out);
        SimulationCheck.Tested gbt = r.models().get(Algorithm.GBT);
        double margin = gbt.test().auroc() - gbt.baseline().auroc();
        assertTrue(margin > 0.01 && margin < 0.1, "boosted trees beat NEWS2 on unseen patients, not absurdly: " + margin + "\n" + out);
        assertTrue(gbt.evaluation().uncertainty().units() > 150, "test patients: " + gbt.evaluation().uncertainty().units());
    }
}
