package io.clinicalpipeline.exports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pipeline's Parquet exports read as their users read them: with real Spark 3.5 ({@code spark.read.parquet}) and
 * DuckDB ({@code read_parquet} with Hive partitioning). Types, row counts and every value must match the Paimon rows
 * that flink-jobs' ExportIT recorded beside the exports.
 */
class ExportReadersTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path dir;
    private static JsonNode expected;
    private static SparkSession spark;

    @BeforeAll
    static void exports() throws Exception {
        dir = Path.of(System.getProperty("exports.dir", "../target/exports"));
        Path manifest = dir.resolve("expected.json");
        assertTrue(Files.exists(manifest), "no exports at " + dir.toAbsolutePath() + ": flink-jobs' ExportIT writes them; "
                + "run mvn verify from the project root (it builds flink-jobs before this module)");
        expected = JSON.readTree(manifest.toFile());
        spark = SparkSession.builder().master("local[1]").appName("export-readers")
                .config("spark.ui.enabled", "false").config("spark.sql.session.timeZone", "UTC")
                .config("spark.sql.shuffle.partitions", "1").getOrCreate();
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    @Test
    void sparkReadsEveryExportWithItsTypesAndValues() {
        for (Iterator<Map.Entry<String, JsonNode>> tables = expected.fields(); tables.hasNext(); ) {
            Map.Entry<String, JsonNode> table = tables.next();
            Dataset<Row> read = spark.read().parquet(dir.resolve(table.getKey()).toString());
            Map<String, DataType> types = new TreeMap<>();
            for (StructField f : read.schema().fields()) {
                types.put(f.name(), f.dataType());
            }
            for (JsonNode column : table.getValue().get("columns")) {
                String name = column.get("name").asText();
                assertEquals(sparkType(column.get("type").asText(), name, table.getValue()), types.get(name),
                        table.getKey() + "." + name + ": Spark's type");
            }
            List<Map<String, String>> rows = new ArrayList<>();
            for (Row r : read.collectAsList()) {
                Map<String, String> row = new TreeMap<>();
                for (int i = 0; i < r.size(); i++) {
                    Object v = r.get(i);
                    row.put(read.schema().fields()[i].name(), v instanceof java.sql.Timestamp t ? t.toInstant().toString()
                            : v instanceof java.sql.Date d ? d.toLocalDate().toString() : String.valueOf(v));
                }
                rows.add(row);
            }
            assertRowsEqual(table.getKey(), table.getValue(), rows, "Spark");
        }
    }

    @Test
    void duckDbReadsEveryExportWithHivePartitionsAndUtcInstants() throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement st = db.createStatement()) {
            st.execute("SET TimeZone = 'UTC'");
            for (Iterator<Map.Entry<String, JsonNode>> tables = expected.fields(); tables.hasNext(); ) {
                Map.Entry<String, JsonNode> table = tables.next();
                String glob = dir.resolve(table.getKey()).toAbsolutePath() + "/*/*.parquet";
                List<Map<String, String>> rows = new ArrayList<>();
                try (ResultSet rs = st.executeQuery("SELECT * FROM read_parquet('" + glob + "', hive_partitioning = true)")) {
                    ResultSetMetaData meta = rs.getMetaData();
                    Map<String, String> types = new TreeMap<>();
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        types.put(meta.getColumnName(i), meta.getColumnTypeName(i));
                    }
                    for (JsonNode column : table.getValue().get("columns")) {
                        String type = column.get("type").asText();
                        if (type.startsWith("TIMESTAMP")) {
                            assertEquals("TIMESTAMP WITH TIME ZONE", types.get(column.get("name").asText()),
                                    table.getKey() + "." + column.get("name").asText() + ": an instant, UTC-adjusted");
                        }
                    }
                    while (rs.next()) {
                        Map<String, String> row = new TreeMap<>();
                        for (int i = 1; i <= meta.getColumnCount(); i++) {
                            Object v = rs.getObject(i);
                            row.put(meta.getColumnName(i), v instanceof OffsetDateTime t ? t.toInstant().toString()
                                    : v instanceof java.sql.Date d ? d.toLocalDate().toString() : String.valueOf(v));
                        }
                        rows.add(row);
                    }
                }
                assertRowsEqual(table.getKey(), table.getValue(), rows, "DuckDB");
            }
        }
    }

    /** The expected rows, as text, against what a reader returned: same count, same values (order aside). */
    private static void assertRowsEqual(String table, JsonNode spec, List<Map<String, String>> actual, String reader) {
        List<String> want = new ArrayList<>();
        for (JsonNode row : spec.get("rows")) {
            Map<String, String> r = new TreeMap<>();
            row.fields().forEachRemaining(f -> r.put(f.getKey(), f.getValue().isNull() ? "null"
                    : f.getValue().isTextual() ? canonical(f.getValue().asText()) : f.getValue().asText()));
            // A table without a dt of its own gains the folder's: its partition column's UTC date.
            r.computeIfAbsent("dt", k -> Instant.parse(row.get(spec.get("partition_column").asText()).asText())
                    .atOffset(ZoneOffset.UTC).toLocalDate().toString());
            want.add(r.toString());
        }
        List<String> got = actual.stream().map(r -> {
            Map<String, String> c = new TreeMap<>();
            r.forEach((k, v) -> c.put(k, canonical(v)));
            return c.toString();
        }).sorted().toList();
        assertEquals(spec.get("rows").size(), actual.size(), table + ": " + reader + " reads every row");
        assertEquals(want.stream().sorted().toList(), got, table + ": " + reader + "'s values are Paimon's");
    }

    /** Instants compared as instants (Spark and DuckDB print trailing zeros differently). */
    private static String canonical(String v) {
        if (v.matches("\\d{4}-\\d\\d-\\d\\dT.*Z")) {
            return Instant.parse(v).toString();
        }
        return v;
    }

    /** What Spark must type a table column as: instants as timestamp (never timestamp_ntz); dt from the folder. */
    private static DataType sparkType(String flinkType, String column, JsonNode spec) {
        if (column.equals("dt")) {
            return DataTypes.DateType;
        }
        return switch (flinkType) {
            case "CHAR", "VARCHAR" -> DataTypes.StringType;
            case "BOOLEAN" -> DataTypes.BooleanType;
            case "TINYINT", "SMALLINT", "INTEGER" -> DataTypes.IntegerType;
            case "BIGINT" -> DataTypes.LongType;
            case "DOUBLE" -> DataTypes.DoubleType;
            case "FLOAT" -> DataTypes.FloatType;
            case "DATE" -> DataTypes.DateType;
            case "TIMESTAMP_WITHOUT_TIME_ZONE", "TIMESTAMP_WITH_LOCAL_TIME_ZONE" -> DataTypes.TimestampType;
            default -> throw new IllegalArgumentException("no Spark type expected for " + flinkType + " (" + spec + ")");
        };
    }
}
