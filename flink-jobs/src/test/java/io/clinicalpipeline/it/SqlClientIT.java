package io.clinicalpipeline.it;

import io.clinicalpipeline.lake.Lakehouse;
import io.clinicalpipeline.lake.PaimonCounts;
import org.apache.paimon.catalog.Catalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bin/pipeline sql --file}, the real Flink SQL client, as README's "Batch scoring of a cohort" has a user run
 * it on a fresh warehouse: an INSERT is committed before the next statement and before the command returns, and a
 * statement that fails stops the script with exit status 1.
 */
class SqlClientIT {

    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

    private record Result(int status, String output) {}

    private static Result sql(Path warehouse, Path script) throws Exception {
        Path log = Files.createTempFile(script.getParent(), "sql", ".log");
        Process p = new ProcessBuilder(List.of(ROOT.resolve("bin/pipeline").toString(), "sql", "--warehouse",
                warehouse.toString(), "--file", script.toString()))
                .directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(4, TimeUnit.MINUTES), "the SQL client did not finish");
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    @Test
    void writesAreCommittedBeforeTheScriptEndsAndAFailedStatementIsExitStatusOne(@TempDir Path dir) throws Exception {
        Path warehouse = dir.resolve("warehouse");
        Path insert = Files.writeString(dir.resolve("insert.sql"), """
                -- README, "Batch scoring of a cohort"
                INSERT INTO batch_scoring_configs VALUES ('icu_high', 'production', 'ward = ''ICU'' AND news2_total >= 5',
                  'icu_high_scores', 'file:///data/exports/icu_high', 'ICU patients at medium NEWS2 risk or above');
                SELECT name, scoring_model FROM batch_scoring_configs;
                """);
        Result inserted = sql(warehouse, insert);
        assertEquals(0, inserted.status(), inserted.output());
        assertTrue(inserted.output().matches("(?s).*\\|\\s+icu_high \\|\\s+production \\|.*"),
                "the SELECT after the INSERT sees its row: " + inserted.output());

        Path failing = Files.writeString(dir.resolve("failing.sql"), """
                SELECT no_such_column FROM batch_scoring_configs;
                INSERT INTO batch_scoring_configs VALUES ('after_error', 'production', 'news2_total >= 5',
                  'after_error_scores', 'file:///data/exports/after_error', 'must never be written');
                """);
        Result failed = sql(warehouse, failing);
        assertEquals(1, failed.status(), failed.output());
        assertTrue(failed.output().contains("Column 'no_such_column' not found"), failed.output());
        assertTrue(failed.output().contains("failing.sql stopped at the statement that failed"), failed.output());

        try (Catalog catalog = new Lakehouse(warehouse.toString()).openCatalog()) {
            List<List<Object>> configs = new PaimonCounts(catalog, Lakehouse.DEFAULT_DATABASE).rows("batch_scoring_configs", "name");
            assertEquals(List.of(List.of("icu_high")), configs.stream().map(r -> List.of(r.get(0).toString())).toList(),
                    "the INSERT was committed when its command returned, and the one after the error never ran");
        }
    }
}
