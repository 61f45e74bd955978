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
    private static final String COLUMNS = "age,sex,cp,trestbps,chol,fbs,restecg,thalach,exang,oldpeak,slope,ca,thal,num";

    @Test
    void trainsOnAHeaderlessCsvWithMissingValuesAndReachesTheUsualQuality(@TempDir Path dir) throws Exception {
        Path data = HEART;
        Path metrics = dir.resolve("metrics.json");
        Path model = dir.resolve("model");
        Path report = dir.resolve("report.html");
        int exit = Main.run(new String[] {"train", "--input", data.toString(),
                "--columns", COLUMNS,
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
        assertEquals("one thread", m.get("fit_engine").asText(), "303 rows fit in memory");
        for (JsonNode node : new JsonNode[] {m, baseline}) {
            assertTrue(node.get("auroc_ci_low").asDouble() < node.get("auroc").asDouble()
                    && node.get("auroc").asDouble() < node.get("auroc_ci_high").asDouble(), "the interval holds the estimate: " + node);
            assertTrue(node.get("auprc_ci_low").asDouble() < node.get("auprc_ci_high").asDouble(), node.toString());
        }
        assertEquals("rows", m.get("bootstrap").get("unit").asText(), "a CSV has no patients to resample");
        assertTrue(m.get("model_minus_baseline").get("auroc_ci_low").asDouble() < m.get("model_minus_baseline").get("auroc").asDouble());
        String html = Files.readString(report);
        assertTrue(html.contains("<svg") && html.contains("class=\"baseline\"") && html.contains("Calibration table"), html);
        assertTrue(html.contains("AUROC 95% CI"), "the report gives the intervals");
        JsonNode contributions = m.get("mean_abs_contribution");
        assertEquals(13, contributions.size(), "one per input column, not per encoded one: " + contributions);
        double previous = Double.MAX_VALUE;
        for (JsonNode c : contributions) {
            assertTrue(c.asDouble() >= 0 && c.asDouble() <= previous, "largest first: " + contributions);
            previous = c.asDouble();
        }
        assertTrue(html.contains("<h2>Feature importance</h2>") && html.contains("<th>"
                + contributions.fieldNames().next() + "</th>"), "the report ranks the inputs by the same contributions");

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

    @Test
    void boostedTreesTrainOnTheSameCsvAndRegisterAModelTheScorerLoads(@TempDir Path dir) throws Exception {
        Path metrics = dir.resolve("metrics.json");
        String warehouse = dir.resolve("warehouse").toString();
        int exit = Main.run(new String[] {"train", "--input", HEART.toString(), "--columns", COLUMNS, "--label", "num",
                "--positive", "1,2,3,4", "--categorical", "cp,restecg,slope,thal", "--algorithm", "gbt",
                "--max-iter", "6", "--max-depth", "3", "--step-size", "0.5", "--metrics-out", metrics.toString(),
                "--baseline", "oldpeak", "--register", "--name", "heart-gbt", "--warehouse", warehouse, "--database", "m"});
        assertEquals(0, exit);
        JsonNode m = new ObjectMapper().readTree(metrics.toFile());
        assertEquals(303, m.get("rows_train").asLong() + m.get("rows_test").asLong());
        assertTrue(m.get("auroc").asDouble() > 0.8, "AUROC " + m.get("auroc"));
        assertEquals(6, m.get("rounds").asInt(), "one round per tree");
        assertEquals(3.0, m.get("params").get("maxDepth").asDouble());
        assertEquals(0.5, m.get("params").get("stepSize").asDouble());
        assertEquals(1.0, m.get("params").get("boostFromBaseline").asDouble(), "the trees start from oldpeak's fit");
        JsonNode importance = m.get("feature_importance");
        double shares = 0;
        for (JsonNode share : importance) {
            shares += share.asDouble();
        }
        assertEquals(1.0, shares, 1e-9, "gain shares add up: " + importance);
        assertTrue(m.get("features").toString().contains(importance.fieldNames().next()), "named by encoded feature");

        io.clinicalpipeline.lake.Lakehouse lake = new io.clinicalpipeline.lake.Lakehouse(warehouse);
        try (var catalog = lake.openCatalog()) {
            var v = new io.clinicalpipeline.registry.ModelRegistry(catalog, "m").get(1);
            assertEquals("gbt", v.algorithm());
            var scorer = io.clinicalpipeline.model.ml.RiskScorer.load(v.modelPath());
            assertEquals(13, scorer.inputColumns().size());
            assertTrue(scorer.explainable(), "trees saved with their node covers");
            var why = scorer.explain(c -> c.equals("ca") ? (Object) 3.0 : c.equals("cp") ? (Object) 4.0 : null);
            double sum = why.base() + why.contributions().stream().mapToDouble(x -> x.contribution()).sum();
            assertEquals(why.margin(), sum, 1e-9, "TreeSHAP values, the baseline's term and the mean add up to the margin");
            assertTrue(m.get("mean_abs_contribution").size() > 0, m.toString());
            double sick = scorer.score(c -> switch (c) {
                case "cp" -> 4.0; case "ca" -> 3.0; case "thal" -> 7.0; case "oldpeak" -> 3.5; case "exang" -> 1.0;
                case "age" -> 65.0; case "sex" -> 1.0; case "thalach" -> 110.0; default -> null;
            });
            double well = scorer.score(c -> switch (c) {
                case "cp" -> 3.0; case "ca" -> 0.0; case "thal" -> 3.0; case "oldpeak" -> 0.0; case "exang" -> 0.0;
                case "age" -> 40.0; case "sex" -> 0.0; case "thalach" -> 180.0; default -> null;
            });
            assertTrue(sick > 0.6 && well < 0.4, "the saved trees rank textbook cases: " + sick + " / " + well);
        }
    }

    @Test
    void trainsOnAPaimonTableAndRegistersTheSnapshotItRead(@TempDir Path dir) throws Exception {
        String warehouse = dir.resolve("warehouse").toString();
        io.clinicalpipeline.lake.Lakehouse lake = new io.clinicalpipeline.lake.Lakehouse(warehouse);
        lake.createTables("m");
        String[] names = COLUMNS.split(",");
        org.apache.paimon.schema.Schema.Builder schema = org.apache.paimon.schema.Schema.newBuilder();
        for (int i = 0; i < names.length; i++) {
            schema.column(names[i], i == 13 ? org.apache.paimon.types.DataTypes.INT() : org.apache.paimon.types.DataTypes.DOUBLE());
        }
        try (var catalog = lake.openCatalog()) {
            var id = org.apache.paimon.catalog.Identifier.create("m", "heart");
            catalog.createTable(id, schema.build(), false);
            io.clinicalpipeline.lake.PaimonWrites.commit(catalog.getTable(id), sink -> {
                for (String line : Files.readAllLines(HEART)) {
                    if (line.isBlank()) {
                        continue;
                    }
                    String[] fields = line.split(",");
                    Object[] values = new Object[fields.length];
                    for (int i = 0; i < fields.length; i++) {
                        String v = fields[i].trim();
                        values[i] = v.equals("?") ? null : i == 13 ? (Object) (int) Double.parseDouble(v) : Double.valueOf(v);
                    }
                    sink.write(org.apache.paimon.data.GenericRow.of(values));
                }
            });
        }
        Path metrics = dir.resolve("metrics.json");
        assertEquals(0, Main.run(new String[] {"train", "--input", "heart", "--label", "num", "--positive", "1,2,3,4",
                "--categorical", "cp,restecg,slope,thal", "--metrics-out", metrics.toString(), "--register",
                "--name", "heart-table", "--warehouse", warehouse, "--database", "m"}));
        JsonNode m = new ObjectMapper().readTree(metrics.toFile());
        assertEquals(303, m.get("rows_train").asLong() + m.get("rows_test").asLong(), "every table row trains or tests");
        assertTrue(m.get("auroc").asDouble() > 0.85, "the same quality as from the CSV: " + m.get("auroc"));
        try (var catalog = lake.openCatalog()) {
            var v = new io.clinicalpipeline.registry.ModelRegistry(catalog, "m").get(1);
            assertTrue(v.trainingData().contains("\"paimon_table\":\"m.heart\"")
                    && v.trainingData().contains("\"snapshot_id\":1"), "lineage: " + v.trainingData());
        }
    }

    /**
     * Without --reg, a logistic regression picks its regularisation by an inner cross-validation and records it; the
     * Flink jobs (--in-memory-rows 0) fit the same model as the one-thread fit on the same rows.
     */
    @Test
    void theDefaultRegularisationIsCrossValidatedAndBothEnginesFitTheSameModel(@TempDir Path dir) throws Exception {
        String[] common = {"train", "--input", HEART.toString(), "--columns", COLUMNS, "--label", "num",
                "--positive", "1,2,3,4", "--categorical", "cp,restecg,slope,thal"};
        Path local = dir.resolve("local.json");
        Path flink = dir.resolve("flink.json");
        assertEquals(0, Main.run(concat(common, "--metrics-out", local.toString())));
        JsonNode m = new ObjectMapper().readTree(local.toFile());
        assertTrue(m.get("hyperparameter_selection").asText().contains("inner 3-fold cross-validation"), m.toString());
        assertEquals(Trainer.DEFAULT_REG_GRID.size(), m.get("cross_validation").get("results").size());
        double reg = m.get("params").get("reg").asDouble();
        assertTrue(Trainer.DEFAULT_REG_GRID.contains(reg), "the chosen reg is a grid point: " + reg);
        assertEquals(0, Main.run(concat(common, "--reg", Double.toString(reg), "--in-memory-rows", "0",
                "--metrics-out", flink.toString())));
        JsonNode f = new ObjectMapper().readTree(flink.toFile());
        assertEquals("Flink jobs", f.get("fit_engine").asText());
        assertEquals(m.get("auroc").asDouble(), f.get("auroc").asDouble(), 1e-9, "same rows, same solver, same model");
        assertEquals(m.get("brier").asDouble(), f.get("brier").asDouble(), 1e-9);
    }

    @Test
    void hyperparametersOfTheOtherAlgorithmAreUsageErrors(@TempDir Path dir) throws Exception {
        String[] common = {"train", "--input", HEART.toString(), "--columns", COLUMNS, "--label", "num", "--positive", "1"};
        assertEquals(2, Main.run(concat(common, "--algorithm", "lr", "--max-depth", "3")), "a tree option for lr");
        assertEquals(2, Main.run(concat(common, "--algorithm", "gbt", "--grid", "reg=0,1", "--folds", "2")),
                "an lr grid for gbt");
        assertEquals(2, Main.run(concat(common, "--algorithm", "forest")), "an unknown algorithm");
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
