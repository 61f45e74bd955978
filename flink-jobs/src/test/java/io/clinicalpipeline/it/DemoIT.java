package io.clinicalpipeline.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the README's first command, {@code bin/pipeline demo}, as a user would, on a small workload. */
class DemoIT {

    @Test
    void demoRunsEndToEndAndReconciles(@TempDir Path dir) throws Exception {
        Path root = Path.of(System.getProperty("user.dir")).getParent();
        Path summary = dir.resolve("summary.json");
        Path log = dir.resolve("demo.log");
        Process demo = new ProcessBuilder(List.of(root.resolve("bin/pipeline").toString(), "demo",
                "--rest-port", "0", "--prometheus-port", "9400-9449",
                "--data-dir", dir.resolve("runtime").toString(), "--warehouse", dir.resolve("warehouse").toString(),
                "--summary", summary.toString()))
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        boolean finished = demo.waitFor(12, TimeUnit.MINUTES);
        String output = Files.readString(log, StandardCharsets.UTF_8);
        if (!finished) {
            demo.destroyForcibly();
        }
        assertTrue(finished, "demo did not finish in 12 minutes:\n" + output);
        assertEquals(0, demo.exitValue(), output);
        assertTrue(output.contains("demo: Flink dashboard  http://127.0.0.1:"), output);
        assertTrue(output.contains("reconcile: every record is accounted for"), output);
        assertTrue(output.matches("(?s).*demo: online features of 400 patients in Redis; highest NEWS2:.*"), output);
        // The first patient listed has a NEWS2 total and a risk band.
        assertTrue(output.matches("(?s).*\\n  P\\d+ +\\S+ +\\d+ +(LOW|LOW_MEDIUM|MEDIUM|HIGH) .*"), output);
        // The default workload (400 patients, 24 h) has outcomes enough to train, compare with NEWS2 and score.
        String ci = " \\([01]\\.\\d{3}-[01]\\.\\d{3}\\)";
        assertTrue(output.matches("(?s).*demo: test split \\([0-9,]+ rows, [0-9,]+ positive, [0-9,]+ patients\\): model AUROC "
                + "[01]\\.\\d{3}" + ci + " AUPRC [01]\\.\\d{3}" + ci + " \\| NEWS2 AUROC [01]\\.\\d{3}" + ci + " AUPRC [01]\\.\\d{3}"
                + ci + "; 95% CIs by patient bootstrap\n.*"), output);
        assertTrue(output.contains("demo: fitted in one thread; reg chosen by inner 3-fold cross-validation"), output);
        assertTrue(output.contains("demo: registered and promoted deterioration v1"), output);
        assertTrue(output.matches("(?s).*\n  P\\d+ +risk [01]\\.\\d{3} (LOW|MEDIUM|HIGH) +\\(model v1\\)\n.*"), output);
        assertTrue(Files.exists(dir.resolve("warehouse/models/clinical/deterioration/v1/report.html")), "the model's report");
        assertTrue(output.contains("bin/pipeline sql --warehouse " + dir.resolve("warehouse").toUri().toString().replaceAll("/$", "")), output);

        // The SQL client command the demo prints runs every script in sql/ on the tables the demo wrote, in one
        // session. 00_init is the command's own init file; 20_training_set is the template that the demo's
        // features training-set step filled in and ran above.
        Matcher listed = Pattern.compile("\n  (P\\d+) +\\S+ +\\d+ +(LOW|LOW_MEDIUM|MEDIUM|HIGH) ")
                .matcher(output);
        assertTrue(listed.find(), output);
        String patient = listed.group(1);
        StringBuilder every = new StringBuilder();
        List<String> scripts;
        try (var files = Files.list(root.resolve("sql"))) {
            scripts = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".sql"))
                    .filter(n -> !n.equals("00_init.sql") && !n.equals("20_training_set.sql")).sorted().toList();
        }
        for (String script : scripts) {
            every.append(Files.readString(root.resolve("sql").resolve(script), StandardCharsets.UTF_8)).append('\n');
        }
        Path everyScript = Files.writeString(dir.resolve("every.sql"), every.toString());
        Path sqlLog = dir.resolve("sql.log");
        Process sql = new ProcessBuilder(List.of(root.resolve("bin/pipeline").toString(), "sql",
                "--warehouse", dir.resolve("warehouse").toString(), "--file", everyScript.toString(),
                "--var", "patient=" + patient, "--var", "snapshot=1"))
                .directory(root.toFile()).redirectErrorStream(true).redirectOutput(sqlLog.toFile()).start();
        assertTrue(sql.waitFor(5, TimeUnit.MINUTES), "SQL client did not finish");
        String sqlOutput = Files.readString(sqlLog, StandardCharsets.UTF_8);
        assertEquals(0, sql.exitValue(), "every script in sql/ runs in the SQL client: " + scripts + "\n" + sqlOutput);
        assertTrue(scripts.containsAll(List.of("10_layer_counts.sql", "11_quality.sql", "32_model_monitoring.sql",
                "40_patient_now.sql", "41_news2_high_now.sql", "42_time_travel.sql", "43_model_lineage.sql",
                "44_feature_catalog.sql")), scripts.toString());
        assertTrue(sqlOutput.matches("(?s).*\\|\\s+bronze \\|\\s+patient-vitals \\|\\s+[1-9][0-9]* \\|.*"), sqlOutput);
        assertTrue(sqlOutput.matches("(?s).*\\|\\s+silver_vitals \\|\\s+patient-vitals \\|\\s+[1-9][0-9]* \\|.*"), sqlOutput);
        assertTrue(sqlOutput.contains("avg_quality"), "11_quality: " + sqlOutput);
        assertTrue(sqlOutput.matches("(?s).*\\|\\s+" + patient + " \\|[^\\n]*\\|\\s+\\d+ \\|.*"),
                "40_patient_now: the patient's newest feature row: " + sqlOutput);
        assertTrue(sqlOutput.matches("(?s).*\\|\\s+\\d+ \\|\\s+APPEND \\|.*"), "42_time_travel: the snapshots: " + sqlOutput);
        assertTrue(sqlOutput.contains("feature_rows"), "42_time_travel: the table as of snapshot 1: " + sqlOutput);
        assertTrue(sqlOutput.matches("(?s).*\\|\\s+1 \\|\\s+deterioration \\|[^\\n]*\\|\\s+clinical\\.\\w+ \\|\\s+\\d+ \\|.*"),
                "43_model_lineage: version 1 and the training set's snapshot: " + sqlOutput);
        assertTrue(sqlOutput.matches("(?s).*\\|\\s+news2_total \\|\\s+\\d+ \\|\\s+INT \\|.*"), "44_feature_catalog: " + sqlOutput);

        JsonNode doc = new ObjectMapper().readTree(new File(summary.toString()));
        assertTrue(doc.get("balanced").asBoolean(), doc.toString());
        assertEquals(7, doc.get("topics").size(), "five event topics and the FHIR and HL7 v2 topics");
        long kafka = 0;
        long silver = 0;
        for (JsonNode topic : doc.get("topics")) {
            kafka += topic.get("kafka").asLong();
            silver += topic.get("silver").asLong();
        }
        assertTrue(kafka > 300, "the demo workload should be a few hundred events at least: " + kafka);
        assertTrue(silver > kafka * 0.9, "most records should reach silver: " + silver + " of " + kafka);
        for (String side : List.of("model", "baseline")) {
            JsonNode m = doc.get(side);
            for (String metric : List.of("auroc", "auprc")) {
                double estimate = m.get(metric).asDouble();
                assertTrue(m.get(metric + "_ci_low").asDouble() <= estimate && estimate <= m.get(metric + "_ci_high").asDouble(),
                        side + " " + metric + " inside its interval: " + m);
            }
        }
        assertEquals("NEWS2", doc.get("baseline").get("name").asText());
        assertTrue(doc.get("model").get("patients").asInt() >= 30, "test rows come from a fifth of the patients: " + doc);
    }
}
