package io.clinicalpipeline.retrain;

import io.clinicalpipeline.model.eval.Bootstrap;
import io.clinicalpipeline.registry.ModelVersion;
import io.clinicalpipeline.retrain.RetrainPolicy.Action;
import io.clinicalpipeline.retrain.RetrainPolicy.Check;
import io.clinicalpipeline.retrain.RetrainPolicy.Comparison;
import io.clinicalpipeline.retrain.RetrainPolicy.DriftRow;
import io.clinicalpipeline.retrain.RetrainPolicy.PerformanceRow;
import io.clinicalpipeline.retrain.RetrainPolicy.Trigger;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetrainPolicyTest {

    private static final LocalDateTime NOW = LocalDateTime.of(2026, 12, 2, 12, 0);
    private static final RetrainPolicy.Thresholds T = new RetrainPolicy.Thresholds(0.2, 0.8, 1000, Duration.ofHours(24), 0.005);
    private static final ModelVersion PRODUCTION = new ModelVersion(3, "deterioration", "lr", "{}", List.of(), List.of(), 1,
            "{}", "{}", "/m/v3", null, NOW.minusDays(3), ModelVersion.PRODUCTION, 0, NOW.minusDays(3));

    private static DriftRow drift(String feature, LocalDateTime at, double psi, Integer rank) {
        return new DriftRow(feature, at, 10_000, psi, rank, at.minusHours(2), at);
    }

    @Test
    void onlyTheNewestWindowsTopFeaturesCount() {
        LocalDateTime older = NOW.minusHours(2);
        LocalDateTime newest = NOW.minusMinutes(10);
        List<DriftRow> rows = List.of(
                drift("age", older, 0.9, 1),             // an older window drifted; the newest did not
                drift("age", newest, 0.05, 1),
                drift("ward", newest, 0.12, 2),
                drift("bmi", newest, 0.7, null));        // not a top feature
        Check check = RetrainPolicy.check(T, PRODUCTION, rows, List.of(), false, NOW);
        assertFalse(check.triggered(), check.reasons().toString());
        assertEquals("ward", check.drift().feature());
        assertTrue(check.reasons().get(0).contains("0.120 (ward)"), check.reasons().toString());
    }

    @Test
    void aTopFeatureOverTheThresholdTriggers() {
        Check check = RetrainPolicy.check(T, PRODUCTION, List.of(drift("ward", NOW.minusMinutes(5), 1.4, 3),
                drift("age", NOW.minusMinutes(5), 0.21, 1)), List.of(), false, NOW);
        assertEquals(List.of(Trigger.DRIFT), check.triggers());
        assertEquals("ward", check.drift().feature());
        assertTrue(check.reasons().get(0).startsWith("drift: PSI 1.400 of ward (top feature 3)"), check.reasons().toString());
    }

    @Test
    void measurementsOlderThanTheLookbackAreNotCurrent() {
        Check check = RetrainPolicy.check(T, PRODUCTION, List.of(drift("ward", NOW.minusHours(25), 1.4, 1)),
                List.of(new PerformanceRow(NOW.minusHours(30), 5000, 50, 0.6, 0.8)), false, NOW);
        assertFalse(check.triggered());
        assertNull(check.drift());
        assertNull(check.performance());
    }

    @Test
    void liveAurocBelowTheFloorOrBelowNews2Triggers() {
        List<PerformanceRow> live = List.of(new PerformanceRow(NOW.minusHours(1), 5000, 60, 0.75, 0.81),
                new PerformanceRow(NOW.minusHours(3), 5000, 60, 0.9, 0.8));
        Check check = RetrainPolicy.check(T, PRODUCTION, List.of(), live, false, NOW);
        assertEquals(List.of(Trigger.PERFORMANCE, Trigger.BELOW_NEWS2), check.triggers());
        assertEquals(0.75, check.performance().auroc());

        Check aboveFloor = RetrainPolicy.check(T, PRODUCTION, List.of(),
                List.of(new PerformanceRow(NOW.minusHours(1), 5000, 60, 0.84, 0.86)), false, NOW);
        assertEquals(List.of(Trigger.BELOW_NEWS2), aboveFloor.triggers());
    }

    @Test
    void tooFewLabelsAreNotJudged() {
        Check check = RetrainPolicy.check(T, PRODUCTION, List.of(),
                List.of(new PerformanceRow(NOW.minusHours(1), 400, 5, 0.55, 0.8)), false, NOW);
        assertFalse(check.triggered());
        assertNull(check.performance());
        assertTrue(check.reasons().get(1).contains("400 labelled predictions"), check.reasons().toString());
    }

    @Test
    void forceAndAnEmptyRegistryTrigger() {
        assertEquals(List.of(Trigger.FORCED), RetrainPolicy.check(T, PRODUCTION, List.of(), List.of(), true, NOW).triggers());
        assertEquals(List.of(Trigger.NO_PRODUCTION), RetrainPolicy.check(T, null, List.of(), List.of(), false, NOW).triggers());
    }

    private static Comparison versus(double difference, double low, double high) {
        return new Comparison(2000, 80, 40, 0.85 + difference, 0.85, 0.83, difference, new Bootstrap.Interval(low, high));
    }

    @Test
    void aBetterCandidateIsChallengerAndProductionOnlyWhenAskedFor() {
        Comparison better = versus(0.03, 0.01, 0.05);
        assertEquals(Action.CHALLENGER, RetrainPolicy.decide(better, T, false, 0.1).action());
        assertEquals(Action.STAGING, RetrainPolicy.decide(better, T, false, 0).action());
        assertEquals(Action.PRODUCTION, RetrainPolicy.decide(better, T, true, 0.1).action());
    }

    @Test
    void aGainWithinNoiseOrBelowTheMarginStaysInStaging() {
        assertEquals(Action.STAGING, RetrainPolicy.decide(versus(0.03, -0.01, 0.07), T, true, 0.1).action(),
                "the paired interval includes 0");
        assertEquals(Action.STAGING, RetrainPolicy.decide(versus(0.003, 0.001, 0.005), T, true, 0.1).action(),
                "real but under --min-improvement");
        RetrainPolicy.Decision worse = RetrainPolicy.decide(versus(-0.02, -0.04, -0.01), T, true, 0.1);
        assertEquals(Action.STAGING, worse.action());
        assertTrue(worse.reason().contains("difference -0.0200 (95% CI -0.0400 to -0.0100), not better"), worse.reason());
    }

    @Test
    void withNothingInProductionTheCandidateIsPromotedOnlyWhenAskedFor() {
        Comparison first = new Comparison(2000, 80, 40, 0.84, null, 0.83, null, null);
        assertEquals(Action.PRODUCTION, RetrainPolicy.decide(first, T, true, 0.1).action());
        assertEquals(Action.STAGING, RetrainPolicy.decide(first, T, false, 0.1).action(),
                "a challenger needs a production model beside it");
    }
}
