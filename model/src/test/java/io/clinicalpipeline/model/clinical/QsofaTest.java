package io.clinicalpipeline.model.clinical;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class QsofaTest {

    @ParameterizedTest(name = "RR {0}, SBP {1}, ACVPU {2} -> {3} (complete {4}, positive {5})")
    @CsvSource(nullValues = "null", value = {
            "16, 125, A, 0, true, false",
            "21, 101, A, 0, true, false",
            "22, 101, A, 1, true, false",
            "21, 100, A, 1, true, false",
            "21, 101, C, 1, true, false",
            "22, 100, A, 2, true, true",
            "30, 85, V, 3, true, true",
            "21.5, 100.4, A, 2, true, true",
            "null, 90, P, 2, false, true",
            "null, null, null, 0, false, false",
    })
    void criteriaAtTheirEdges(Double rr, Double sbp, String acvpu, int total, boolean complete, boolean positive) {
        Qsofa.Score s = Qsofa.score(rr, sbp, acvpu);
        assertEquals(total, s.total());
        assertEquals(complete, s.complete());
        assertEquals(positive, s.positive());
    }
}
