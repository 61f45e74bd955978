package io.clinicalpipeline.drift;

import io.clinicalpipeline.model.drift.DriftReference;
import io.clinicalpipeline.model.drift.FeatureReference;
import io.clinicalpipeline.registry.ModelVersion;
import io.clinicalpipeline.scoring.ModelRoute;
import io.clinicalpipeline.train.TrainedModels;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The drift operators on their own: feature rows binned against a model's saved training reference, windowed, and
 * PSI and KS per feature out. A shifted feature drifts, an unchanged one does not, and a new production version starts
 * its own window.
 */
class FeatureDriftTest {
    private static final String[] COLUMNS = {"patient_id", "event_time", "x", "ward"};
    private static final LocalDateTime T0 = LocalDateTime.of(2026, 3, 1, 0, 0);

    @Test
    void aShiftedFeatureDriftsAndAnUnchangedOneDoesNot(@TempDir Path dir) throws Exception {
        String model = model(dir, "v1");
        Map<String, Row> drifted = newest(run(List.of(route(1, model)), rows(2000, x -> x + 0.5, 1)));
        Row x = drifted.get("x");
        assertTrue((double) x.getField(4) > 0.5, "PSI of a feature shifted by half its range: " + x);
        assertEquals(0.5, (double) x.getField(5), 0.05, "KS of the shifted feature: " + x);
        assertEquals(1, x.getField(8), "x is the top feature");
        Row ward = drifted.get("ward");
        assertTrue((double) ward.getField(4) < 0.02, "an unchanged categorical feature: " + ward);
        assertEquals(null, ward.getField(5), "KS is for numeric top features only");

        Map<String, Row> stable = newest(run(List.of(route(1, model)), rows(2000, x1 -> x1, 2)));
        assertTrue((double) stable.get("x").getField(4) < 0.05, "same distribution: " + stable.get("x"));
        assertTrue((double) stable.get("x").getField(5) < 0.1, "same distribution: " + stable.get("x"));
        assertEquals(1000L, stable.get("x").getField(3), "the window holds the last 1,000 rows");
        LocalDateTime start = (LocalDateTime) stable.get("x").getField(9);
        LocalDateTime end = (LocalDateTime) stable.get("x").getField(10);
        assertEquals(999, Duration.between(start, end).toMinutes(), "the window's event times span its 1,000 rows, a minute apart");
        assertTrue(!end.isAfter(T0.plusMinutes(1999)) && start.isAfter(T0), start + " to " + end);
    }

    @Test
    void rowsBeforeAProductionModelOrWithoutAReferenceAreNotMeasured(@TempDir Path dir) throws Exception {
        assertEquals(List.of(), run(List.of(), rows(500, x -> x, 3)));
        assertEquals(List.of(), run(List.of(route(2, dir.resolve("no-reference").toUri().toString())), rows(500, x -> x, 3)));
        assertEquals(List.of(), run(List.of(new ModelRoute(3, "m", ModelVersion.STAGING, 0.5, model(dir, "v3"))),
                rows(500, x -> x, 3)), "a challenger is not what drift is measured for");
    }

    @Test
    void aNewProductionVersionStartsItsOwnWindow(@TempDir Path dir) throws Exception {
        String v1 = model(dir, "v1");
        String v2 = model(dir, "v2");
        try (BroadcastOperatorTestHarness<Row, ModelRoute, DriftPartial> sketch = sketch();
             OneInputStreamOperatorTestHarness<DriftPartial, Row> window = window()) {
            sketch.processBroadcastElement(route(1, v1), 0);
            rows(1000, x -> x + 0.5, 4).forEach(r -> process(sketch, r));
            sketch.processBroadcastElement(route(2, v2), 0);
            rows(1000, x -> x, 5).forEach(r -> process(sketch, r));
            for (DriftPartial p : sketch.extractOutputValues()) {
                window.processElement(p, 0);
            }
            Map<Long, List<Row>> byVersion = window.extractOutputValues().stream()
                    .collect(Collectors.groupingBy(r -> (Long) r.getField(0)));
            assertTrue(byVersion.get(1L).stream().allMatch(r -> !r.getField(1).equals("x") || (double) r.getField(4) > 0.5));
            assertTrue(byVersion.get(2L).stream().allMatch(r -> !r.getField(1).equals("x") || (double) r.getField(4) < 0.05),
                    "version 2's window holds none of version 1's rows: " + byVersion.get(2L));
        }
    }

    /** A model directory with the reference of x ~ U(0, 1) and ward half a, half b; x is the top feature. */
    private static String model(Path dir, String name) throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        double[] x = new double[5000];
        List<String> ward = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextDouble();
            ward.add(i % 2 == 0 ? "a" : "b");
        }
        String path = dir.resolve(name).toUri().toString();
        TrainedModels.writeReference(path, new DriftReference(x.length, List.of(FeatureReference.numeric("x", x),
                FeatureReference.categorical("ward", ward)), List.of("x", "ward")));
        return path;
    }

    private static ModelRoute route(long version, String path) {
        return new ModelRoute(version, "m", ModelVersion.PRODUCTION, 0, path);
    }

    private static List<Row> rows(int n, DoubleUnaryOperator x, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(Row.of("p" + (i % 50), T0.plusMinutes(i), x.applyAsDouble(random.nextDouble()), i % 2 == 0 ? "a" : "b"));
        }
        return rows;
    }

    private static List<Row> run(List<ModelRoute> routes, List<Row> rows) throws Exception {
        try (BroadcastOperatorTestHarness<Row, ModelRoute, DriftPartial> sketch = sketch();
             OneInputStreamOperatorTestHarness<DriftPartial, Row> window = window()) {
            for (ModelRoute r : routes) {
                sketch.processBroadcastElement(r, 0);
            }
            rows.forEach(r -> process(sketch, r));
            for (DriftPartial p : sketch.extractOutputValues()) {
                window.processElement(p, 0);
            }
            return window.extractOutputValues();
        }
    }

    /** Each feature's newest drift row. */
    private static Map<String, Row> newest(List<Row> drift) {
        assertTrue(!drift.isEmpty(), "no drift rows");
        return drift.stream().collect(Collectors.toMap(r -> (String) r.getField(1), r -> r, (a, b) -> b));
    }

    private static BroadcastOperatorTestHarness<Row, ModelRoute, DriftPartial> sketch() throws Exception {
        return ProcessFunctionTestHarnesses.forBroadcastProcessFunction(new DriftSketch(COLUMNS, 100), DriftSketch.ROUTES);
    }

    private static OneInputStreamOperatorTestHarness<DriftPartial, Row> window() throws Exception {
        return ProcessFunctionTestHarnesses.forProcessFunction(new DriftWindow(1000, 1000));
    }

    private static void process(BroadcastOperatorTestHarness<Row, ModelRoute, DriftPartial> h, Row row) {
        try {
            h.processElement(row, 0);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
