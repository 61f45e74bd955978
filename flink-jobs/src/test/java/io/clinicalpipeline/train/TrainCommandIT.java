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
        int exit = Main.run(new String[] {"train", "--input", data.toString(),
                "--columns", "age,sex,cp,trestbps,chol,fbs,restecg,thalach,exang,oldpeak,slope,ca,thal,num",
                "--label", "num", "--positive", "1,2,3,4", "--categorical", "cp,restecg,slope,thal",
                "--reg", "0.01", "--metrics-out", metrics.toString(), "--model-out", model.toString()});
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
        assertEquals(3, org.apache.flink.ml.util.ServableReadWriteUtils.loadPipeline(model.toString()).size(),
                "each stage loads as a Flink ML servable");
    }
}
