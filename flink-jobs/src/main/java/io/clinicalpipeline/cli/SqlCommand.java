package io.clinicalpipeline.cli;

import io.clinicalpipeline.lake.SqlScripts;
import org.apache.flink.table.client.SqlClient;
import org.apache.flink.table.client.cli.TerminalUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code bin/pipeline sql}: the Flink SQL client (embedded mode) with the pipeline's Paimon catalog and database already
 * selected, from {@code sql/00_init.sql}. Queries run in batch mode over the tables' latest snapshot; statements
 * that write finish before the next one runs.
 */
@Command(name = "sql", header = "Flink SQL client on the pipeline's Paimon tables", description = "Opens the Flink SQL client on the pipeline's tables (try: SHOW TABLES; SELECT * FROM "
        + "quarantine;). With --file it runs a script, e.g. sql/10_layer_counts.sql, and exits: with status 1 at the first "
        + "statement that fails, whose error it prints. INSERT, UPDATE and DELETE are committed before the next statement "
        + "runs and before the command returns.")
final class SqlCommand implements Callable<Integer> {

    @Mixin
    LakeOptions lake;

    @Option(names = "--file", paramLabel = "SQL-FILE", description = "run this script instead of an interactive session")
    Path file;

    @Option(names = "--var", paramLabel = "NAME=VALUE", description = "fill in ${NAME} in the --file script, e.g. --var "
            + "patient=P000042 for sql/40_patient_now.sql (repeatable); a placeholder left without a value is an error")
    Map<String, String> variables = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        // As every other command does: a fresh warehouse gets the pipeline's tables, so a script can fill one.
        lake.lakehouse().createTables(lake.database);
        StringBuilder init = new StringBuilder();
        for (String statement : SqlScripts.load("00_init.sql", Map.of("warehouse", lake.lakehouse().warehouse(), "database", lake.database))) {
            init.append(statement).append(";\n");
        }
        init.append("SET 'execution.runtime-mode' = 'batch';\n");
        init.append("SET 'sql-client.execution.result-mode' = 'tableau';\n");
        // By default an INSERT is submitted and the client moves on: in a script the session and its mini cluster
        // then close before the job commits, and the row silently never exists.
        init.append("SET 'table.dml-sync' = 'true';\n");
        Path initFile = scratchScript("clinical-sql-init-", init.toString());
        List<String> client = new ArrayList<>(List.of("embedded", "-i", initFile.toString()));
        if (file == null) {
            SqlClient.main(client.toArray(new String[0]));
            return 0;
        }
        if (!Files.isReadable(file)) {
            System.err.println("sql: cannot read " + file.toAbsolutePath());
            return 2;
        }
        String script;
        try {
            script = SqlScripts.substitute(file.toString(), Files.readString(file, StandardCharsets.UTF_8), variables);
        } catch (IllegalArgumentException e) {
            System.err.println("sql: " + e.getMessage());
            return 2;
        }
        client.add("-f");
        client.add(scratchScript("clinical-sql-", script).toString());
        ErrorWatch output = new ErrorWatch(System.out);
        Script.run(client.toArray(new String[0]), output);
        if (output.failed) {
            System.err.println("sql: " + file + " stopped at the statement that failed (the [ERROR] above); the statements "
                    + "after it did not run");
            return 1;
        }
        return 0;
    }

    /** A script for the client to read, gone when this JVM exits. */
    private static Path scratchScript(String prefix, String text) throws IOException {
        Path file = Files.createTempFile(prefix, ".sql");
        file.toFile().deleteOnExit();
        return Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    /**
     * The real client on a terminal whose output this command also reads: in a script the client prints a failed
     * statement's error, stops, and still returns normally, so the error line is the only sign of it.
     */
    private static final class Script extends SqlClient {
        private Script() {
            super(true, null, null);
        }

        static void run(String[] args, OutputStream output) {
            startClient(args, () -> TerminalUtils.createDumbTerminal(output));
        }
    }

    /** Passes everything through and notes the client's "[ERROR] Could not execute", colour codes aside. */
    private static final class ErrorWatch extends OutputStream {
        private static final String MARK = "[ERROR] Could not execute";
        private final PrintStream out;
        private final StringBuilder recent = new StringBuilder();
        private boolean inEscape;
        volatile boolean failed;

        ErrorWatch(PrintStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) {
            out.write(b);
            if (b == 0x1b || inEscape) {
                // An ANSI sequence, ESC [ ... m, as the client colours its errors.
                inEscape = b != 'm';
                return;
            }
            recent.append((char) b);
            if (recent.length() > MARK.length()) {
                recent.deleteCharAt(0);
            }
            failed |= recent.length() == MARK.length() && MARK.contentEquals(recent);
        }

        @Override
        public void flush() {
            out.flush();
        }
    }
}
