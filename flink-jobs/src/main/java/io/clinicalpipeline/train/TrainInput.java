package io.clinicalpipeline.train;

import io.clinicalpipeline.lake.Lakehouse;
import io.clinicalpipeline.model.ml.common.StableHash;
import io.clinicalpipeline.model.ml.feature.Encoding;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.RowTypeInfo;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.reader.TextLineInputFormat;
import org.apache.flink.core.fs.Path;
import org.apache.flink.ml.common.datastream.TableUtils;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.expressions.Expression;
import org.apache.flink.table.types.logical.LogicalTypeFamily;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.types.Row;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.apache.flink.table.api.Expressions.$;

/**
 * Any tabular input as one table for training: the candidate feature columns as they are, {@code label} (1 for
 * the positive class, 0 otherwise), {@code split} ({@code train} or {@code test}) and {@code problem} (why a row
 * cannot be used, null when it can). Rows are never dropped silently: the trainer counts them by problem.
 */
/**
 * @param lineage what the rows were read from, stored with a registered model (for a Paimon table: its snapshot)
 */
public record TrainInput(Table table, List<String> candidates, String describe, Map<String, Object> lineage) {

    public static final String LABEL = "label";
    public static final String SPLIT = "split";
    public static final String PROBLEM = "problem";
    /** A stable position of the row in [0, 1), independent of the split: cross-validation folds are ranges of it. */
    public static final String FOLD_KEY = "fold_key";
    /** A Paimon training set's own split column (see sql/20_training_set.sql). */
    public static final String DATASET_SPLIT = "dataset_split";
    /**
     * Whose row it is (a training set's {@code patient_id}), null when the input has no such column: folds and the
     * bootstrap resample whole patients, whose rows are not independent. Only a Paimon input carries it.
     */
    public static final String GROUP = "group_key";
    /** The type of the outcome that made a row positive (a training set's {@code label_event_type}), for breakdowns. */
    public static final String OUTCOME = "outcome_type";
    /** Columns about the label, never features: they look ahead. */
    static final Set<String> LABEL_METADATA = Set.of("label_event_time", "label_event_type");

    /** How rows become labelled and split. */
    public record Labels(String column, Set<String> positive, double testFraction, long seed) implements java.io.Serializable {}

    public static TrainInput csv(StreamTableEnvironment tEnv, String path, CsvFormat format, Labels labels) {
        int labelIndex = format.index(labels.column());
        List<String> names = new ArrayList<>();
        List<TypeInformation<?>> types = new ArrayList<>();
        for (int i = 0; i < format.columns().size(); i++) {
            if (i != labelIndex) {
                names.add(format.columns().get(i));
                types.add(format.numeric().get(i) ? Types.DOUBLE : Types.STRING);
            }
        }
        List<String> candidates = List.copyOf(names);
        names.addAll(List.of(LABEL, SPLIT, PROBLEM, FOLD_KEY));
        types.addAll(List.of(Types.DOUBLE, Types.STRING, Types.STRING, Types.DOUBLE));
        RowTypeInfo rowType = new RowTypeInfo(types.toArray(new TypeInformation<?>[0]), names.toArray(new String[0]));
        StreamExecutionEnvironment env = TableUtils.getExecutionEnvironment(tEnv);
        FileSource<String> source = FileSource.forRecordStreamFormat(new TextLineInputFormat(), new Path(path)).build();
        int width = format.columns().size();
        Table table = tEnv.fromDataStream(env.fromSource(source, WatermarkStrategy.noWatermarks(), "csv: " + path)
                .filter(line -> !line.isBlank() && !(format.header() && isHeader(line, format)))
                .name("skip header and blank lines")
                .map(line -> parse(line, format, width, labelIndex, labels), rowType)
                .name("parse csv"));
        return new TrainInput(table, candidates, path, Map.of("csv", path));
    }

    private static boolean isHeader(String line, CsvFormat format) {
        try {
            return CsvFormat.split(line, format.delimiter()).stream().map(String::trim).toList().equals(format.columns());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Row parse(String line, CsvFormat format, int width, int labelIndex, Labels labels) {
        Row row = new Row(width + 3);
        row.setField(width + 2, foldKey(line, labels.seed()));
        List<String> fields;
        try {
            fields = CsvFormat.split(line, format.delimiter());
        } catch (IllegalArgumentException e) {
            row.setField(width + 1, "unterminated quote");
            return row;
        }
        if (fields.size() != width) {
            row.setField(width + 1, "expected " + width + " fields");
            return row;
        }
        int at = 0;
        String problem = null;
        for (int i = 0; i < width; i++) {
            String v = fields.get(i);
            if (i == labelIndex) {
                continue;
            }
            if (CsvFormat.isMissing(v)) {
                row.setField(at++, null);
            } else if (format.numeric().get(i)) {
                Double number = CsvFormat.parseNumber(v);
                row.setField(at++, number);
                if (number == null) {
                    problem = "text '" + v + "' in numeric column " + format.columns().get(i);
                }
            } else {
                row.setField(at++, v);
            }
        }
        String label = CsvFormat.isMissing(fields.get(labelIndex)) ? null
                : Encoding.key(numericOrText(fields.get(labelIndex), format.numeric().get(labelIndex)));
        row.setField(at, label == null ? null : labels.positive().contains(label) ? 1.0 : 0.0);
        row.setField(at + 1, split(line, labels.seed(), labels.testFraction()));
        row.setField(at + 2, label == null ? "missing label" : problem);
        return row;
    }

    private static Object numericOrText(String value, boolean numeric) {
        Double d = numeric ? CsvFormat.parseNumber(value) : null;
        return d != null ? d : value;
    }

    /**
     * Reads a Paimon table. A training set built by {@code features training-set} keeps its split (by time,
     * patient or both: train and validation rows train, test rows test); any other table is split at random by row content.
     */
    public static TrainInput paimon(StreamTableEnvironment tEnv, Lakehouse lake, String database, String tableName,
                                    Labels labels) throws Exception {
        lake.createTables(tEnv, database);
        Table source = tEnv.from(tableName);
        if (!tableName.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("table name '" + tableName + "' must be a plain identifier, without its database");
        }
        Map<String, Object> lineage = new LinkedHashMap<>();
        lineage.put("paimon_table", database + "." + tableName);
        try (var catalog = lake.openCatalog()) {
            catalog.getTable(org.apache.paimon.catalog.Identifier.create(database, tableName)).latestSnapshot()
                    .ifPresent(snapshot -> lineage.put("snapshot_id", snapshot.id()));
        }
        // Read the snapshot recorded in the lineage, not whatever is newest when each stage's job starts.
        if (lineage.containsKey("snapshot_id")) {
            source = tEnv.sqlQuery("SELECT * FROM `" + tableName + "` /*+ OPTIONS('scan.snapshot-id'='"
                    + lineage.get("snapshot_id") + "') */");
        }
        List<String> columns = source.getResolvedSchema().getColumnNames();
        if (!columns.contains(labels.column())) {
            throw new IllegalArgumentException("column '" + labels.column() + "' is not in " + tableName + "; it has " + columns);
        }
        List<String> candidates = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            var type = source.getResolvedSchema().getColumnDataTypes().get(i).getLogicalType();
            boolean usable = type.is(LogicalTypeFamily.NUMERIC) || type.is(LogicalTypeFamily.CHARACTER_STRING)
                    || type.is(LogicalTypeRoot.BOOLEAN);
            String name = columns.get(i);
            if (usable && !name.equals(labels.column()) && !name.equals(DATASET_SPLIT) && !LABEL_METADATA.contains(name)) {
                candidates.add(name);
            }
        }
        boolean timeSplit = columns.contains(DATASET_SPLIT);
        int labelIndex = columns.indexOf(labels.column());
        int splitIndex = columns.indexOf(DATASET_SPLIT);
        int groupIndex = columns.indexOf("patient_id");
        int outcomeIndex = columns.indexOf("label_event_type");
        List<String> names = new ArrayList<>(columns);
        names.addAll(List.of(LABEL + "_", SPLIT, PROBLEM, FOLD_KEY, GROUP, OUTCOME));
        RowTypeInfo in = TableUtils.getRowTypeInfo(source.getResolvedSchema());
        List<TypeInformation<?>> types = new ArrayList<>(List.of(in.getFieldTypes()));
        types.addAll(List.of(Types.DOUBLE, Types.STRING, Types.STRING, Types.DOUBLE, Types.STRING, Types.STRING));
        RowTypeInfo rowType = new RowTypeInfo(types.toArray(new TypeInformation<?>[0]), names.toArray(new String[0]));
        Table labelled = tEnv.fromDataStream(tEnv.toDataStream(source).map(row -> {
            Row out = new Row(row.getArity() + 6);
            String group = groupIndex < 0 ? null : (String) row.getField(groupIndex);
            out.setField(row.getArity() + 3, foldKey(group != null ? group : row.toString(), labels.seed()));
            out.setField(row.getArity() + 4, group);
            out.setField(row.getArity() + 5, outcomeIndex < 0 ? null : row.getField(outcomeIndex));
            for (int i = 0; i < row.getArity(); i++) {
                out.setField(i, row.getField(i));
            }
            String label = Encoding.key(row.getField(labelIndex));
            out.setField(row.getArity(), label == null ? null : labels.positive().contains(label) ? 1.0 : 0.0);
            out.setField(row.getArity() + 1, timeSplit
                    ? ("test".equals(row.getField(splitIndex)) ? "test" : "train")
                    : split(row.toString(), labels.seed(), labels.testFraction()));
            out.setField(row.getArity() + 2, label == null ? "missing label" : null);
            return out;
        }, rowType).name("label and split"));
        return new TrainInput(labelled.select(selection(candidates)), candidates, database + "." + tableName + (timeSplit ? " (its dataset_split)" : ""), lineage);
    }

    private static Expression[] selection(List<String> candidates) {
        List<Expression> fields = new ArrayList<>();
        for (String c : candidates) {
            fields.add($(c));
        }
        fields.add($(LABEL + "_").as(LABEL));
        fields.add($(SPLIT));
        fields.add($(PROBLEM));
        fields.add($(FOLD_KEY));
        fields.add($(GROUP));
        fields.add($(OUTCOME));
        return fields.toArray(new Expression[0]);
    }

    private static double foldKey(String content, long seed) {
        return StableHash.unit(content, seed + 1);
    }

    /** A seeded hash of the row: reproducible, and duplicate rows always land on the same side. */
    static String split(String content, long seed, double testFraction) {
        return StableHash.unit(content, seed) < testFraction ? "test" : "train";
    }

    /** The candidates, or the named features minus the excluded ones, validated. */
    public List<String> features(List<String> named, List<String> excluded) {
        Set<String> chosen = new LinkedHashSet<>(named.isEmpty() ? candidates : named);
        for (String c : chosen) {
            if (!candidates.contains(c)) {
                throw new IllegalArgumentException("feature '" + c + "' is not a usable column (numeric, string or "
                        + "boolean, not the label); usable: " + candidates);
            }
        }
        chosen.removeAll(excluded);
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException("no feature columns left; usable: " + candidates);
        }
        return List.copyOf(chosen);
    }
}
