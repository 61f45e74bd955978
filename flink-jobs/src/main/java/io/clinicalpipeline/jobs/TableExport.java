package io.clinicalpipeline.jobs;

import io.clinicalpipeline.lake.Lakehouse;
import io.clinicalpipeline.lake.ParquetExport;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.types.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Map;

import static org.apache.flink.table.api.Expressions.$;
import static org.apache.flink.table.api.Expressions.lit;

/**
 * Batch: one pipeline table, or its rows since a time, as Parquet under a folder or URI (see {@link ParquetExport}),
 * for Spark, Hive, DuckDB and BI tools.
 */
public final class TableExport {

    private static final Logger LOG = LoggerFactory.getLogger(TableExport.class);
    static final String ROWS = "exported-rows";

    private TableExport() {}

    /** What a folder that already holds files gets. */
    public enum IfExists { FAIL, OVERWRITE, APPEND }

    /**
     * @param partitionColumn the date or timestamp column whose UTC date names the {@code dt=} folders; null: the
     *                        table's own {@code dt} where it has one (silver, bronze), else its {@code event_time}, else
     *                        its first timestamp column
     * @param since           only rows whose time ({@code event_time}, or the partition column) is at or after this;
     *                        null: every row
     */
    public record Request(String table, String to, String partitionColumn, Instant since, IfExists ifExists) {}

    public record Result(String table, String to, String partitionColumn, long rows, Map<String, Integer> partitions) {}

    public static Result run(StreamExecutionEnvironment env, Lakehouse lake, String database, Request r) throws Exception {
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        lake.createTables(tEnv, database);
        Table table = tEnv.from("`paimon`.`" + database + "`.`" + r.table() + "`");
        ResolvedSchema schema = table.getResolvedSchema();
        String partition = r.partitionColumn() != null ? r.partitionColumn()
                : schema.getColumnNames().contains(ParquetExport.PARTITION) ? ParquetExport.PARTITION : timeColumn(r.table(), schema);
        if (r.since() != null) {
            String time = isTime(schema, partition) ? partition : timeColumn(r.table(), schema);
            boolean local = schema.getColumn(time).orElseThrow().getDataType().getLogicalType().getTypeRoot()
                    == LogicalTypeRoot.TIMESTAMP_WITHOUT_TIME_ZONE;
            table = table.where($(time).isGreaterOrEqual(local ? lit(LocalDateTime.ofInstant(r.since(), ZoneOffset.UTC))
                    : lit(r.since())));
        }
        prepare(r.to(), r.ifExists());
        String name = "export " + r.table();
        DataStream<Row> rows = tEnv.toDataStream(table).map(new CountRows()).name(name + ": count rows").uid(name + "-count");
        ParquetExport.write(rows, schema, partition, r.to(), name + ": parquet");
        JobExecutionResult result = env.execute(name + " to " + r.to());
        ParquetExport.markSuccess(r.to());
        Long counted = result.getAccumulatorResult(ROWS);
        long exported = counted == null ? 0 : counted;
        Map<String, Integer> partitions = ParquetExport.partitions(r.to());
        LOG.info("event=exported table={} to={} partition_column={} rows={} partitions={}", r.table(), r.to(), partition,
                exported, partitions.size());
        return new Result(r.table(), r.to(), partition, exported, partitions);
    }

    /** {@code event_time} where the table has it (every silver, feature and prediction table), else its first timestamp. */
    static String timeColumn(String table, ResolvedSchema schema) {
        if (schema.getColumnNames().contains("event_time")) {
            return "event_time";
        }
        return schema.getColumnNames().stream().filter(c -> isTime(schema, c)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("table " + table + " has no date or timestamp column to partition the export by"));
    }

    private static boolean isTime(ResolvedSchema schema, String column) {
        LogicalTypeRoot root = schema.getColumn(column).orElseThrow(() -> new IllegalArgumentException("no column " + column
                + "; columns: " + schema.getColumnNames())).getDataType().getLogicalType().getTypeRoot();
        return root == LogicalTypeRoot.TIMESTAMP_WITHOUT_TIME_ZONE || root == LogicalTypeRoot.TIMESTAMP_WITH_LOCAL_TIME_ZONE
                || root == LogicalTypeRoot.DATE;
    }

    private static void prepare(String to, IfExists ifExists) throws IOException {
        Path root = new Path(to);
        FileSystem fs = root.getFileSystem();
        FileStatus[] children = fs.exists(root) ? fs.listStatus(root) : null;
        if (children == null || children.length == 0 || ifExists == IfExists.APPEND) {
            return;
        }
        if (ifExists == IfExists.FAIL) {
            throw new IllegalArgumentException(to + " already holds " + children.length + " entries; pass --if-exists "
                    + "overwrite to replace them, or append to add files beside them (with --since, say)");
        }
        fs.delete(root, true);
    }

    private static final class CountRows extends RichMapFunction<Row, Row> {
        private final LongCounter rows = new LongCounter();

        @Override
        public void open(Configuration parameters) {
            getRuntimeContext().addAccumulator(ROWS, rows);
        }

        @Override
        public Row map(Row row) {
            rows.add(1);
            return row;
        }
    }
}
