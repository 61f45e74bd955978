package io.clinicalpipeline.cli;

import io.clinicalpipeline.lake.Lakehouse;
import io.clinicalpipeline.lake.SqlScripts;
import org.apache.flink.table.client.SqlClient;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code bin/pipeline sql}: the Flink SQL client (embedded mode) with the pipeline's Paimon catalog and
 * database already selected, from {@code sql/00_init.sql}. Queries run in batch mode over the tables' latest
 * snapshot.
 */
final class SqlCommand {

    private SqlCommand() {}

    static int run(String[] args) throws Exception {
        Options o = Common.lake(new Options("sql",
                "Opens the Flink SQL client on the pipeline's tables (try: SHOW TABLES; SELECT * FROM quarantine;).\n"
                        + "With --file it runs a script, e.g. sql/10_layer_counts.sql, and exits."))
                .option("file", "SQL-FILE", null, "run this script instead of an interactive session");
        if (!o.parse(args)) {
            return 0;
        }
        Lakehouse lake = new Lakehouse(o.get("warehouse"));
        StringBuilder init = new StringBuilder();
        for (String statement : SqlScripts.load("00_init.sql", Map.of("warehouse", lake.warehouse(), "database", o.get("database")))) {
            init.append(statement).append(";\n");
        }
        init.append("SET 'execution.runtime-mode' = 'batch';\n");
        init.append("SET 'sql-client.execution.result-mode' = 'tableau';\n");
        Path initFile = Files.createTempFile("clinical-sql-init-", ".sql");
        initFile.toFile().deleteOnExit();
        Files.writeString(initFile, init.toString(), StandardCharsets.UTF_8);
        List<String> client = new ArrayList<>(List.of("embedded", "-i", initFile.toString()));
        if (o.get("file") != null) {
            client.add("-f");
            client.add(Path.of(o.get("file")).toAbsolutePath().toString());
        }
        SqlClient.main(client.toArray(new String[0]));
        return 0;
    }
}
