package io.clinicalpipeline.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clinicalpipeline.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The generic trainer end to end on the real UCI Cleveland heart data (CC BY 4.0, see test resources). */
class TrainCommandIT {

    private static final Path HEART = Path.of("src/test/resources/data/uci_heart_processed.cleveland.data");

    @Test
    void trainsOnAHeaderlessCsvWithMissingValuesAndReachesTheUsualQuality(@TempDir Path dir) throws Exception {
        Path data = HEART;
        Path metrics = dir.resolve("metrics.json");
        Path model = dir.resolve("model");
        Path report = dir.resolve("report.html");
        int exit = Main.run(new String[] {"train", "--input", data.toString(),
                "--columns", "age,sex,cp,trestbps,chol,fbs,restecg,thalach,exang,oldpeak,slope,ca,thal,num",
                "--label", "num", "--positive", "1,2,3,4", "--categorical", "cp,restecg,slope,thal",
                "--reg", "0.01", "--grid", "reg=0.001,3", "--folds", "3", "--metrics-out", metrics.toString(), "--model-out", model.toString(),
                "--baseline", "oldpeak", "--baseline-threshold", "2", "--report", report.toString(),
                "--register", "--name", "heart", "--warehouse", dir.resolve("warehouse").toString(), "--database", "m"});
        assertEquals(0, exit);
        JsonNode m = new ObjectMapper().readTree(metrics.toFile());
        for (String key : new String[] {"auroc", "auprc", "f1", "brier", "rows_train", "rows_test"}) {
            assertTrue(m.has(key), key + " in " + m);
        }
        assertEquals(303, m.get("rows_train").asLong() + m.get("rows_test").asLong(), "every row trains or tests");
        assertTrue(m.get("auroc").asDouble() > 0.85, "AUROC " + m.get("auroc"));
        assertTrue(m.get("brier").asDouble() < 0.2, "Brier " + m.get("brier"));
        assertTrue(m.get("features").toString().contains("ca_missing"), "ca has '?' values: " + m.get("features"));
        assertTrue(Files.exists(model.resolve("stages/2/data/model-data")), "encoder, scaler, regression saved");
        JsonNode cv = m.get("cross_validation");
        assertEquals(3, cv.get("folds").asInt());
        assertEquals(2, cv.get("results").size(), "one result per grid point");
        JsonNode best = cv.get("results").get(0);
        for (JsonNode r : cv.get("results")) {
            assertEquals(3, r.get("fold_auroc").size());
            best = r.get("mean_auroc").asDouble() > best.get("mean_auroc").asDouble() ? r : best;
        }
        assertEquals(best.get("params").get("reg").asDouble(), m.get("params").get("reg").asDouble(),
                "the final model uses the grid point with the best mean AUROC");
        JsonNode baseline = m.get("baseline");
        assertEquals("oldpeak", baseline.get("column").asText());
        assertTrue(baseline.get("auroc").asDouble() > 0.6 && baseline.get("auroc").asDouble() < m.get("auroc").asDouble(),
                "one column ranks worse than the model: " + baseline);
        String html = Files.readString(report);
        assertTrue(html.contains("<svg") && html.contains("class=\"baseline\"") && html.contains("Calibration table"), html);

        io.clinicalpipeline.lake.Lakehouse lake = new io.clinicalpipeline.lake.Lakehouse(dir.resolve("warehouse").toString());
        try (var catalog = lake.openCatalog()) {
            var registry = new io.clinicalpipeline.registry.ModelRegistry(catalog, "m");
            var v = registry.get(1);
            assertEquals("heart", v.name());
            assertEquals(model.toString(), v.modelPath());
            assertEquals(13, v.inputColumns().size());
            assertTrue(v.metrics().contains("\"auroc\""), v.metrics());
            assertEquals(0, Main.run(new String[] {"model", "promote", "1", "--stage", "production",
                    "--warehouse", dir.resolve("warehouse").toString(), "--database", "m"}));
            assertEquals("production", registry.get(1).stage());
            assertEquals(2, Main.run(new String[] {"model", "promote", "--stage", "production",
                    "--warehouse", dir.resolve("warehouse").toString(), "--database", "m"}), "no version: usage error");
        }
        assertEquals(3, org.apache.flink.ml.util.ServableReadWriteUtils.loadPipeline(model.toString()).size(),
                "each stage loads as a Flink ML servable");
    }
}
