package io.clinicalpipeline.lake;

import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.formats.parquet.ParquetBuilder;
import org.apache.flink.formats.parquet.ParquetWriterFactory;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.SimpleVersionedStringSerializer;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.types.Row;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Rows of a pipeline table as Parquet that Spark, Hive, DuckDB and BI tools read with the right types: Hive-style
 * {@code dt=YYYY-MM-DD} folders by a time column's UTC date, timestamps as INT64 microseconds adjusted to UTC (never
 * INT96; Flink's own Parquet format marks them local, which Spark 3.4+ then types {@code timestamp_ntz}), columns
 * REQUIRED where the table declares them NOT NULL, and {@code _SUCCESS} once the job has committed every file.
 *
 * <p>The pipeline's {@code TIMESTAMP(3)} columns hold UTC instants (events are stamped in UTC), so writing them as
 * UTC-adjusted is what they mean.
 */
public final class ParquetExport {

    /** Hive's folder for rows whose partition column is null. */
    public static final String NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__";
    public static final String SUCCESS = "_SUCCESS";
    /** The folders' key; a table column of this name is the folder, not a column of the files (Hive's layout). */
    public static final String PARTITION = "dt";

    private ParquetExport() {}

    /** How one column is written. */
    enum Kind { STRING, BOOLEAN, INT, BIGINT, DOUBLE, FLOAT, DATE, TIMESTAMP, INSTANT, BYTES }

    /**
     * Adds a sink writing {@code rows} (of {@code schema}) under {@code root}, one folder per UTC date of
     * {@code partitionColumn}; its files are committed when the bounded job ends (or at checkpoints, unbounded).
     */
    public static DataStreamSink<Row> write(DataStream<Row> rows, ResolvedSchema schema, String partitionColumn,
                                            String root, String name) {
        int partition = schema.getColumnNames().indexOf(partitionColumn);
        if (partition < 0) {
            throw new IllegalArgumentException("no column " + partitionColumn + " to partition the Parquet by; columns: "
                    + schema.getColumnNames());
        }
        Kind[] kinds = kinds(schema);
        boolean ownDt = partitionColumn.equals(PARTITION) && kinds[partition] == Kind.STRING;
        if (!ownDt && kinds[partition] != Kind.TIMESTAMP && kinds[partition] != Kind.INSTANT && kinds[partition] != Kind.DATE) {
            throw new IllegalArgumentException("the Parquet partition column " + partitionColumn + " must be a date or a "
                    + "timestamp (or the table's own dt), not " + schema.getColumnDataTypes().get(partition));
        }
        int dt = schema.getColumnNames().indexOf(PARTITION);
        if (dt >= 0 && !ownDt) {
            throw new IllegalArgumentException("the table has a " + PARTITION + " column of its own, which the dt= folders "
                    + "by " + partitionColumn + " would hide; partition by " + PARTITION + " instead");
        }
        int[] fields = IntStream.range(0, kinds.length).filter(i -> i != dt).toArray();
        FileSink<Row> sink = FileSink.forBulkFormat(new Path(root),
                        new ParquetWriterFactory<>(new Builder(parquetSchema(schema, kinds, fields).toString(), kinds, fields)))
                .withBucketAssigner(new DatePartitions(partition, kinds[partition]))
                .withOutputFileConfig(OutputFileConfig.builder().withPartPrefix("part").withPartSuffix(".parquet").build())
                .build();
        return rows.sinkTo(sink).name(name).uid(name);
    }

    /** Spark's and Hadoop's mark that a folder is complete: written only after the job that filled it succeeded. */
    public static void markSuccess(String root) throws IOException {
        Path success = new Path(root, SUCCESS);
        try (OutputStream out = success.getFileSystem().create(success, FileSystem.WriteMode.OVERWRITE)) {
            out.write(new byte[0]);
        }
    }

    /** The {@code dt=} folders under {@code root} and their Parquet files, for a summary of what was written. */
    public static Map<String, Integer> partitions(String root) throws IOException {
        Path path = new Path(root);
        Map<String, Integer> files = new HashMap<>();
        FileStatus[] children = path.getFileSystem().listStatus(path);
        for (FileStatus child : children == null ? new FileStatus[0] : children) {
            if (child.isDir() && child.getPath().getName().startsWith("dt=")) {
                FileStatus[] parts = child.getPath().getFileSystem().listStatus(child.getPath());
                int count = 0;
                for (FileStatus part : parts == null ? new FileStatus[0] : parts) {
                    count += part.getPath().getName().endsWith(".parquet") ? 1 : 0;
                }
                files.put(child.getPath().getName(), count);
            }
        }
        return files;
    }

    static Kind[] kinds(ResolvedSchema schema) {
        List<Kind> kinds = new ArrayList<>();
        for (Column column : schema.getColumns()) {
            LogicalType type = column.getDataType().getLogicalType();
            kinds.add(switch (type.getTypeRoot()) {
                case CHAR, VARCHAR -> Kind.STRING;
                case BOOLEAN -> Kind.BOOLEAN;
                case TINYINT, SMALLINT, INTEGER -> Kind.INT;
                case BIGINT -> Kind.BIGINT;
                case DOUBLE -> Kind.DOUBLE;
                case FLOAT -> Kind.FLOAT;
                case DATE -> Kind.DATE;
                case TIMESTAMP_WITHOUT_TIME_ZONE -> Kind.TIMESTAMP;
                case TIMESTAMP_WITH_LOCAL_TIME_ZONE -> Kind.INSTANT;
                case BINARY, VARBINARY -> Kind.BYTES;
                default -> throw new IllegalArgumentException("column " + column.getName() + " is " + type
                        + ", which the Parquet export does not write; select it as another type, or leave it out");
            });
        }
        return kinds.toArray(new Kind[0]);
    }

    /** The Parquet schema of the table's columns at {@code fields} (of {@code kinds}), named as in the table. */
    static MessageType parquetSchema(ResolvedSchema schema, Kind[] kinds, int[] fields) {
        Types.MessageTypeBuilder message = Types.buildMessage();
        List<Column> columns = schema.getColumns();
        for (int i : fields) {
            Type.Repetition repetition = columns.get(i).getDataType().getLogicalType().isNullable()
                    ? Type.Repetition.OPTIONAL : Type.Repetition.REQUIRED;
            String name = columns.get(i).getName();
            message.addField(switch (kinds[i]) {
                case STRING -> Types.primitive(PrimitiveTypeName.BINARY, repetition).as(LogicalTypeAnnotation.stringType()).named(name);
                case BOOLEAN -> Types.primitive(PrimitiveTypeName.BOOLEAN, repetition).named(name);
                case INT -> Types.primitive(PrimitiveTypeName.INT32, repetition).named(name);
                case BIGINT -> Types.primitive(PrimitiveTypeName.INT64, repetition).named(name);
                case DOUBLE -> Types.primitive(PrimitiveTypeName.DOUBLE, repetition).named(name);
                case FLOAT -> Types.primitive(PrimitiveTypeName.FLOAT, repetition).named(name);
                case DATE -> Types.primitive(PrimitiveTypeName.INT32, repetition).as(LogicalTypeAnnotation.dateType()).named(name);
                case TIMESTAMP, INSTANT -> Types.primitive(PrimitiveTypeName.INT64, repetition)
                        .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS)).named(name);
                case BYTES -> Types.primitive(PrimitiveTypeName.BINARY, repetition).named(name);
            });
        }
        return message.named("row");
    }

    static long micros(Object value) {
        Instant instant = value instanceof LocalDateTime t ? t.toInstant(ZoneOffset.UTC) : (Instant) value;
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
    }

    /** One {@code dt=} folder per UTC date of the partition column. */
    private static final class DatePartitions implements BucketAssigner<Row, String> {
        private final int column;
        private final Kind kind;

        DatePartitions(int column, Kind kind) {
            this.column = column;
            this.kind = kind;
        }

        @Override
        public String getBucketId(Row row, Context context) {
            Object value = row.getField(column);
            if (value == null) {
                return "dt=" + NULL_PARTITION;
            }
            if (kind == Kind.STRING) {
                return "dt=" + value;
            }
            LocalDate date = switch (kind) {
                case DATE -> (LocalDate) value;
                case TIMESTAMP -> ((LocalDateTime) value).toLocalDate();
                default -> ((Instant) value).atOffset(ZoneOffset.UTC).toLocalDate();
            };
            return "dt=" + date;
        }

        @Override
        public SimpleVersionedSerializer<String> getSerializer() {
            return SimpleVersionedStringSerializer.INSTANCE;
        }
    }

    /** Opens a Parquet writer per part file; the schema travels as its text, since Parquet's types do not serialise. */
    private record Builder(String schema, Kind[] kinds, int[] fields) implements ParquetBuilder<Row> {
        @Override
        public ParquetWriter<Row> createWriter(OutputFile out) throws IOException {
            return new RowWriterBuilder(out, MessageTypeParser.parseMessageType(schema), kinds, fields)
                    .withCompressionCodec(CompressionCodecName.SNAPPY).build();
        }
    }

    private static final class RowWriterBuilder extends ParquetWriter.Builder<Row, RowWriterBuilder> {
        private final MessageType type;
        private final Kind[] kinds;
        private final int[] fields;

        RowWriterBuilder(OutputFile out, MessageType type, Kind[] kinds, int[] fields) {
            super(out);
            this.type = type;
            this.kinds = kinds;
            this.fields = fields;
        }

        @Override
        protected RowWriterBuilder self() {
            return this;
        }

        @Override
        protected WriteSupport<Row> getWriteSupport(Configuration conf) {
            return new RowWriteSupport(type, kinds, fields);
        }
    }

    /** Writes each row's non-null fields at {@code fields} by their kind, as the file's columns 0, 1, … */
    private static final class RowWriteSupport extends WriteSupport<Row> {
        private final MessageType type;
        private final Kind[] kinds;
        private final int[] fields;
        private RecordConsumer consumer;

        RowWriteSupport(MessageType type, Kind[] kinds, int[] fields) {
            this.type = type;
            this.kinds = kinds;
            this.fields = fields;
        }

        @Override
        public WriteContext init(Configuration configuration) {
            return new WriteContext(type, Map.of("writer.model.name", "clinical-pipeline"));
        }

        @Override
        public void prepareForWrite(RecordConsumer recordConsumer) {
            this.consumer = recordConsumer;
        }

        @Override
        public void write(Row row) {
            consumer.startMessage();
            for (int i = 0; i < fields.length; i++) {
                Object value = row.getField(fields[i]);
                if (value == null) {
                    if (type.getType(i).isRepetition(Type.Repetition.REQUIRED)) {
                        throw new IllegalArgumentException("column " + type.getFieldName(i) + " is NOT NULL but a row has "
                                + "null: " + row);
                    }
                    continue;
                }
                consumer.startField(type.getFieldName(i), i);
                switch (kinds[fields[i]]) {
                    case STRING -> consumer.addBinary(Binary.fromString(value.toString()));
                    case BOOLEAN -> consumer.addBoolean((Boolean) value);
                    case INT -> consumer.addInteger(((Number) value).intValue());
                    case BIGINT -> consumer.addLong((Long) value);
                    case DOUBLE -> consumer.addDouble((Double) value);
                    case FLOAT -> consumer.addFloat((Float) value);
                    case DATE -> consumer.addInteger((int) ((LocalDate) value).toEpochDay());
                    case TIMESTAMP, INSTANT -> consumer.addLong(micros(value));
                    case BYTES -> consumer.addBinary(Binary.fromConstantByteArray((byte[]) value));
                }
                consumer.endField(type.getFieldName(i), i);
            }
            consumer.endMessage();
        }
    }
}
