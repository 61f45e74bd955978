package io.clinicalpipeline.scoring;

import io.clinicalpipeline.model.ml.Explanation.Contribution;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ExplanationsTest {

    @Test
    void anAlertNamesItsThreeLargestContributorsInTheCataloguesWords() {
        List<Contribution> top = List.of(
                new Contribution("respiratory_rate_1h_last", 27.0, 0.9012),
                new Contribution("lactate_latest", 4.126, 0.31),
                new Contribution("copd", true, -0.254),
                new Contribution("news2_total", 7, 0.2));
        assertEquals("respiratory rate, latest in 1 h: 27 breaths/min, +0.90; lactate, latest in 24 h: 4.13 mmol/L, +0.31; "
                + "COPD: yes, -0.25", Explanations.reason(top));
    }

    @Test
    void missingValuesLargeNumbersAndColumnsOutsideTheCatalogueAreStillReadable() {
        assertEquals("SpO2, lowest in 6 h: not measured, -0.10; time since the last vitals: 1234 min, +0.05; "
                + "ward_code: B, +0.01", Explanations.reason(Arrays.asList(
                new Contribution("spo2_6h_min", null, -0.1),
                new Contribution("minutes_since_last_vitals", 1234.4, 0.05),
                new Contribution("ward_code", "B", 0.01))));
    }

    @Test
    void theJsonKeepsEachValueItsType() {
        assertEquals("[{\"feature\":\"news2_total\",\"value\":7,\"contribution\":0.5},"
                        + "{\"feature\":\"copd\",\"value\":null,\"contribution\":-0.25}]",
                Explanations.jsonText(Arrays.asList(new Contribution("news2_total", 7, 0.5),
                        new Contribution("copd", null, -0.25))));
    }
}
