package io.clinicalpipeline.model.drift;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DriftTest {

    @Test
    void psiMatchesAHandComputedExample() {
        // (0.1-0.25)ln(0.1/0.25) + (0.2-0.25)ln(0.2/0.25) + (0.3-0.25)ln(0.3/0.25) + (0.4-0.25)ln(0.4/0.25)
        // = 0.137444 + 0.011157 + 0.009116 + 0.070501
        assertEquals(0.228218, Drift.psi(new double[] {0.25, 0.25, 0.25, 0.25}, new long[] {10, 20, 30, 40}), 1e-6);
        assertEquals(0.0, Drift.psi(new double[] {0.5, 0.5}, new long[] {7, 7}), 1e-12);
        assertTrue(Double.isNaN(Drift.psi(new double[] {0.5, 0.5}, new long[] {0, 0})));
    }

    @Test
    void anEmptyBinCountsAsOneInTenThousand() {
        double e = 1e-4;
        double expected = (e - 0.5) * Math.log(e / 0.5) + (1 - 0.5) * Math.log(1 / 0.5);
        assertEquals(expected, Drift.psi(new double[] {0.5, 0.5}, new long[] {0, 10}), 1e-9);
    }

    @Test
    void ksAgainstAUniformReference() {
        double[] uniform = IntStream.rangeClosed(0, 100).mapToDouble(i -> i / 100.0).toArray();
        assertEquals(0.5, Drift.ks(uniform, new double[] {0.5, 0.5, 0.5, 0.5}), 1e-12);
        double[] evenly = IntStream.range(0, 1000).mapToDouble(i -> (i + 0.5) / 1000).toArray();
        assertEquals(0.0005, Drift.ks(uniform, evenly), 1e-9);
        double[] shifted = Arrays.stream(evenly).map(v -> v + 0.3).toArray();
        assertEquals(0.3, Drift.ks(uniform, shifted), 1e-3);
    }

    @Test
    void numericReferenceBinsByDecileWithMissingLast() {
        double[] values = new double[110];
        for (int i = 0; i < 100; i++) {
            values[i] = i + 1;
        }
        Arrays.fill(values, 100, 110, Double.NaN);
        FeatureReference r = FeatureReference.numeric("x", values);
        assertEquals(11, r.bins());
        assertEquals(10.0 / 110, r.shares()[10], 1e-12);
        for (int b = 0; b < 10; b++) {
            assertEquals(10.0 / 110, r.shares()[b], 1e-12, "bin " + b + " of " + Arrays.toString(r.shares()));
        }
        assertEquals(0, r.bin(-5.0));
        assertEquals(9, r.bin(1e6));
        assertEquals(10, r.bin(null));
        assertEquals(10, r.bin(Double.NaN));
        assertEquals(1.0, r.percentiles()[0]);
        assertEquals(100.0, r.percentiles()[100]);
    }

    @Test
    void categoricalReferenceKeepsFrequentValuesAndPoolsTheRest() {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            values.add("c" + (i % 25));
        }
        values.add(null);
        FeatureReference r = FeatureReference.categorical("ward", values);
        assertEquals(FeatureReference.MAX_CATEGORIES + 2, r.bins());
        assertEquals(r.categories().size(), r.bin("never seen"));
        assertEquals(r.bins() - 1, r.bin(null));
        assertEquals(1.0, Arrays.stream(r.shares()).sum(), 1e-12);
    }

    @Test
    void referenceRoundTripsThroughJsonAndRanksByImportance() throws Exception {
        DriftReference ref = new DriftReference(3, List.of(FeatureReference.numeric("x", new double[] {1, 2, 3}),
                FeatureReference.categorical("ward", List.of("a", "b", "a"))),
                DriftReference.top(List.of("x", "ward"), Map.of("ward=a", 0.3, "ward=b", 0.3, "x", 0.4), 10));
        assertEquals(List.of("ward", "x"), ref.topFeatures(), "a categorical feature's columns add up");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ref.write(out);
        DriftReference back = DriftReference.read(new ByteArrayInputStream(out.toByteArray()));
        assertEquals(ref.topFeatures(), back.topFeatures());
        assertArrayEquals(ref.feature("x").orElseThrow().shares(), back.feature("x").orElseThrow().shares());
        assertEquals(List.of("a", "b"), back.feature("ward").orElseThrow().categories());
    }
}
