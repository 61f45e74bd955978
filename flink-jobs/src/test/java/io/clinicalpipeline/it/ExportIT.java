package io.clinicalpipeline.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clinicalpipeline.cli.Main;
import io.clinicalpipeline.jobs.TableExport;
import io.clinicalpipeline.lake.Lakehouse;
import io.clinicalpipeline.lake.ParquetExport;
import io.clinicalpipeline.runtime.LocalRuntime;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bin/pipeline export} on real Paimon tables: the Parquet it writes, read back with parquet-hadoop, has the types
 * Spark and Hive expect (UTC-adjusted INT64 microseconds, REQUIRED where NOT NULL), Hive's dt folders and _SUCCESS,
 * and every row of the table with its values.
 */
class ExportIT {

    private static final String DB = "export_it";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Vitals either side of midnight UTC, one without a heart rate, one with sub-second time. */
    private static final List<Object[]> VITALS = List.of(
            new Object[] {"p1", LocalDateTime.of(2026, 3, 1, 23, 30, 0), 88.0},
            new Object[] {"p2", LocalDateTime.of(2026, 3, 1, 23, 59, 59, 125_000_000), null},
            new Object[] {"p1", LocalDateTime.of(2026, 3, 2, 0, 0, 0), 91.0},
            new Object[] {"p3", LocalDateTime.of(2026, 3, 2, 6, 15, 0), 72.0});

    private static LocalRuntime runtime;
    private static Lakehouse lake;
    private static String warehouse;

    @BeforeAll
    static void tables() throws Exception {
        runtime = SharedRuntime.get();
        warehouse = SharedRuntime.newDirectory("export-warehouse").toString();
        lake = new Lakehouse(warehouse);
        TableEnvironment sql = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        lake.createTables(sql, DB);
        StringBuilder vitals = new StringBuilder();
        StringBuilder predictions = new StringBuilder();
        int offset = 0;
        for (Object[] v : VITALS) {
            LocalDateTime t = (LocalDateTime) v[1];
            vitals.append(vitals.length() == 0 ? "" : ", ").append("('").append(t.toLocalDate()).append("', '").append(v[0])
                    .append("', TIMESTAMP '").append(sqlTime(t)).append("', 'monitor', 'e").append(offset).append("', ")
                    .append(v[2] == null ? "CAST(NULL AS DOUBLE)" : v[2]).append(", 120, 80, 16, 97, 36.9, 'C', FALSE, 'A', "
                            + "40, 93.3, 0.7, 1.0, 0, ").append(offset).append(", 'patient-vitals', 0)");
            predictions.append(predictions.length() == 0 ? "" : ", ").append("('").append(v[0]).append("', TIMESTAMP '")
                    .append(sqlTime(t)).append("', 3, 'gbt', 'production', TRUE, 0.").append(offset + 1)
                    .append(", 'LOW', TIMESTAMP '").append(sqlTime(t.plusSeconds(2))).append("', ")
                    .append(offset % 2 == 0 ? "'[{\"feature\":\"news2_total\",\"value\":" + offset
                            + ",\"contribution\":0.5}]'" : "CAST(NULL AS STRING)").append(")");
            offset++;
        }
        sql.executeSql("INSERT INTO silver_vitals (dt, patient_id, event_time, source_id, event_id, heart_rate, systolic_bp, "
                + "diastolic_bp, respiratory_rate, spo2, temperature_c, source_temperature_unit, supplemental_oxygen, "
                + "consciousness, pulse_pressure, mean_arterial_pressure, shock_index, quality_score, kafka_partition, "
                + "kafka_offset, topic, item) VALUES " + vitals).await();
        sql.executeSql("INSERT INTO model_predictions VALUES " + predictions).await();
    }

    @Test
    void theCommandWritesHivePartitionsWithUtcTimestampsAndDeclaredNullability() throws Exception {
        Path to = SharedRuntime.newDirectory("export-vitals").resolve("silver_vitals");
        assertEquals(0, Main.run("export", "--warehouse", warehouse, "--database", DB, "--table", "silver_vitals",
                "--to", to.toString(), "--parallelism", "1"));

        assertTrue(Files.exists(to.resolve(ParquetExport.SUCCESS)), "_SUCCESS once the job committed");
        List<ParquetExports.Part> parts = ParquetExports.read(to);
        assertEquals(Set.of("2026-03-01", "2026-03-02"), parts.stream().map(ParquetExports.Part::dt).collect(Collectors.toSet()),
                "one dt= folder per the table's own dt");
        MessageType schema = parts.get(0).schema();
        assertFalse(schema.containsField("dt"), "dt is the folder, not a column of the files (Hive's layout)");
        PrimitiveType eventTime = schema.getType("event_time").asPrimitiveType();
        assertEquals(PrimitiveType.PrimitiveTypeName.INT64, eventTime.getPrimitiveTypeName(), "INT64, never INT96");
        assertEquals(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS),
                eventTime.getLogicalTypeAnnotation(), "microseconds adjusted to UTC: Spark's timestamp, not timestamp_ntz");
        assertEquals(Type.Repetition.REQUIRED, eventTime.getRepetition(), "event_time is NOT NULL");
        assertEquals(Type.Repetition.OPTIONAL, schema.getType("heart_rate").getRepetition());
        assertEquals(LogicalTypeAnnotation.stringType(), schema.getType("patient_id").getLogicalTypeAnnotation());
        assertEquals(Type.Repetition.REQUIRED, schema.getType("kafka_offset").getRepetition());

        Map<Long, Group> byOffset = new HashMap<>();
        Map<String, Integer> perDt = new TreeMap<>();
        for (ParquetExports.Part part : parts) {
            for (Group g : part.rows()) {
                byOffset.put(g.getLong("kafka_offset", 0), g);
                perDt.merge(part.dt(), 1, Integer::sum);
            }
        }
        assertEquals(Map.of("2026-03-01", 2, "2026-03-02", 2), perDt);
        for (int i = 0; i < VITALS.size(); i++) {
            Object[] v = VITALS.get(i);
            Group g = byOffset.get((long) i);
            assertEquals(v[0], g.getString("patient_id", 0));
            assertEquals(micros((LocalDateTime) v[1]), g.getLong("event_time", 0), "the instant, to the microsecond");
            if (v[2] == null) {
                assertEquals(0, g.getFieldRepetitionCount("heart_rate"), "a null stays null");
            } else {
                assertEquals((double) v[2], g.getDouble("heart_rate", 0), 0.0);
            }
        }
    }

    @Test
    void sinceExportsOnlyNewerRowsAndAnExistingFolderIsNeverMixedByAccident() throws Exception {
        Path to = SharedRuntime.newDirectory("export-predictions").resolve("model_predictions");
        TableExport.Result all = export(to, null, TableExport.IfExists.FAIL);
        assertEquals("event_time", all.partitionColumn(), "a table without dt is partitioned by its event time");
        assertEquals(VITALS.size(), all.rows());
        assertEquals(Map.of("dt=2026-03-01", 1, "dt=2026-03-02", 1), all.partitions(), "one file per day at parallelism 1");
        PrimitiveType scoredAt = ParquetExports.read(to).get(0).schema().getType("scored_at").asPrimitiveType();
        assertTrue(((LogicalTypeAnnotation.TimestampLogicalTypeAnnotation) scoredAt.getLogicalTypeAnnotation()).isAdjustedToUTC());

        Instant midnight = Instant.parse("2026-03-02T00:00:00Z");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> export(to, midnight, TableExport.IfExists.FAIL));
        assertTrue(refused.getMessage().contains("--if-exists"), refused.getMessage());

        TableExport.Result newer = export(to, midnight, TableExport.IfExists.APPEND);
        assertEquals(2, newer.rows(), "the two rows at or after midnight");
        List<ParquetExports.Part> appended = ParquetExports.read(to);
        assertEquals(VITALS.size() + 2, ParquetExports.rows(appended), "appended beside the first export's files");

        TableExport.Result replaced = export(to, midnight, TableExport.IfExists.OVERWRITE);
        List<ParquetExports.Part> parts = ParquetExports.read(to);
        assertEquals(2, ParquetExports.rows(parts));
        assertEquals(Map.of("dt=2026-03-02", 1), replaced.partitions(), "the older day's folder is gone with the overwrite");
        for (ParquetExports.Part part : parts) {
            for (Group g : part.rows()) {
                assertTrue(g.getLong("event_time", 0) >= micros(LocalDateTime.ofInstant(midnight, ZoneOffset.UTC)));
            }
        }
        assertTrue(Files.exists(to.resolve(ParquetExport.SUCCESS)));
    }

    @Test
    void aColumnTheExportCannotPartitionByIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TableExport.run(batchEnvironment(),
                lake, DB, new TableExport.Request("model_predictions", SharedRuntime.newDirectory("export-bad").toString(),
                        "patient_id", null, TableExport.IfExists.FAIL)));
        assertTrue(e.getMessage().contains("must be a date or a timestamp"), e.getMessage());
    }

    /**
     * The exports that the export-readers module reads with Spark and DuckDB, under {@code exports.dir}, with what they
     * must hold: each table's columns (type, nullability) and rows as Paimon returns them.
     */
    @Test
    void exportsForSparkAndDuckDbWithThePaimonRowsTheyMustMatch() throws Exception {
        Path dir = Path.of(System.getProperty("exports.dir", "target/exports")).toAbsolutePath();
        Files.createDirectories(dir);
        TableEnvironment sql = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        lake.use(sql, DB);
        ObjectNode expected = JSON.createObjectNode();
        for (String table : List.of("silver_vitals", "model_predictions")) {
            TableExport.Result r = TableExport.run(batchEnvironment(), lake, DB, new TableExport.Request(table,
                    dir.resolve(table).toString(), null, null, TableExport.IfExists.OVERWRITE));
            ObjectNode t = expected.putObject(table);
            t.put("partition_column", r.partitionColumn());
            ArrayNode columns = t.putArray("columns");
            ResolvedSchema schema = sql.from(table).getResolvedSchema();
            for (Column c : schema.getColumns()) {
                columns.addObject().put("name", c.getName()).put("type", c.getDataType().getLogicalType().getTypeRoot().name())
                        .put("nullable", c.getDataType().getLogicalType().isNullable());
            }
            ArrayNode rows = t.putArray("rows");
            try (CloseableIterator<Row> it = sql.executeSql("SELECT * FROM " + table).collect()) {
                while (it.hasNext()) {
                    Row row = it.next();
                    ObjectNode o = rows.addObject();
                    for (int i = 0; i < row.getArity(); i++) {
                        Object v = row.getField(i);
                        String name = schema.getColumnNames().get(i);
                        if (v instanceof LocalDateTime ldt) {
                            o.put(name, ldt.toInstant(ZoneOffset.UTC).toString());
                        } else {
                            o.set(name, JSON.valueToTree(v));
                        }
                    }
                }
            }
            assertEquals(r.rows(), rows.size(), table + ": the export holds every row of the table");
        }
        JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("expected.json").toFile(), expected);
    }

    private static TableExport.Result export(Path to, Instant since, TableExport.IfExists ifExists) throws Exception {
        StreamExecutionEnvironment env = batchEnvironment();
        return TableExport.run(env, lake, DB, new TableExport.Request("model_predictions", to.toString(), null, since, ifExists));
    }

    private static StreamExecutionEnvironment batchEnvironment() {
        StreamExecutionEnvironment env = runtime.flink().environment(new Configuration());
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        env.setParallelism(1);
        return env;
    }

    private static long micros(LocalDateTime t) {
        Instant i = t.toInstant(ZoneOffset.UTC);
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1_000;
    }

    private static String sqlTime(LocalDateTime t) {
        return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").format(t);
    }
}
