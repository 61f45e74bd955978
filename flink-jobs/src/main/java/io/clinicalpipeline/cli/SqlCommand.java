package io.clinicalpipeline.cli;

import io.clinicalpipeline.lake.SqlScripts;
import org.apache.flink.table.client.SqlClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code bin/pipeline sql}: the Flink SQL client (embedded mode) with the pipeline's Paimon catalog and database already
 * selected, from {@code sql/00_init.sql}. Queries run in batch mode over the tables' latest snapshot.
 */
@Command(name = "sql", header = "Flink SQL client on the pipeline's Paimon tables", description = "Opens the Flink SQL client on the pipeline's tables (try: SHOW TABLES; SELECT * FROM "
        + "quarantine;). With --file it runs a script, e.g. sql/10_layer_counts.sql, and exits.")
final class SqlCommand implements Callable<Integer> {

    @Mixin
    LakeOptions lake;

    @Option(names = "--file", paramLabel = "SQL-FILE", description = "run this script instead of an interactive session")
    Path file;

    @Override
    public Integer call() throws Exception {
        StringBuilder init = new StringBuilder();
        for (String statement : SqlScripts.load("00_init.sql", Map.of("warehouse", lake.lakehouse().warehouse(), "database", lake.database))) {
            init.append(statement).append(";\n");
        }
        init.append("SET 'execution.runtime-mode' = 'batch';\n");
        init.append("SET 'sql-client.execution.result-mode' = 'tableau';\n");
        Path initFile = Files.createTempFile("clinical-sql-init-", ".sql");
        initFile.toFile().deleteOnExit();
        Files.writeString(initFile, init.toString(), StandardCharsets.UTF_8);
        List<String> client = new ArrayList<>(List.of("embedded", "-i", initFile.toString()));
        if (file != null) {
            client.add("-f");
            client.add(file.toAbsolutePath().toString());
        }
        SqlClient.main(client.toArray(new String[0]));
        return 0;
    }
}
