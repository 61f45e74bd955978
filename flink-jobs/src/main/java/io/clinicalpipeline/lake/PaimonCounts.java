package io.clinicalpipeline.lake;

import org.apache.paimon.catalog.Catalog;
import org.apache.paimon.catalog.Identifier;
import org.apache.paimon.data.BinaryString;
import org.apache.paimon.data.InternalRow;
import org.apache.paimon.reader.RecordReader;
import org.apache.paimon.table.Table;
import org.apache.paimon.table.source.ReadBuilder;
import org.apache.paimon.types.DataField;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads Paimon tables through Paimon's own reader (primary-key tables merged), without a Flink job:
 * counts for reconciliation and progress, whole rows for comparisons.
 */
public final class PaimonCounts {

    private final Catalog catalog;
    private final String database;

    public PaimonCounts(Catalog catalog, String database) {
        this.catalog = catalog;
        this.database = database;
    }

    public long count(String table) {
        Table t = table(table);
        return t == null ? 0 : rows(table, t.rowType().getFieldNames().get(0)).size();
    }

    /** The table's column names, in order; empty if there is no such table. */
    public List<String> columns(String table) {
        Table t = table(table);
        return t == null ? List.of() : t.rowType().getFieldNames();
    }

    /** Row counts grouped by the given columns (rendered as strings). */
    public Map<List<String>, Long> countBy(String table, String... columns) {
        Map<List<String>, Long> counts = new TreeMap<>((a, b) -> String.valueOf(a).compareTo(String.valueOf(b)));
        for (List<Object> row : rows(table, columns)) {
            List<String> key = new ArrayList<>(row.size());
            row.forEach(v -> key.add(v == null ? null : v.toString()));
            counts.merge(key, 1L, Long::sum);
        }
        return counts;
    }

    /** The given columns of every row (all columns when none are given); strings as Java strings. */
    public List<List<Object>> rows(String table, String... columns) {
        Table t = table(table);
        if (t == null) {
            return List.of();
        }
        List<DataField> fields = t.rowType().getFields();
        List<String> names = t.rowType().getFieldNames();
        List<String> wanted = columns.length == 0 ? names : Arrays.asList(columns);
        int[] projection = new int[wanted.size()];
        for (int i = 0; i < projection.length; i++) {
            projection[i] = names.indexOf(wanted.get(i));
            if (projection[i] < 0) {
                throw new IllegalArgumentException(table + " has no column " + wanted.get(i));
            }
        }
        ReadBuilder read = t.newReadBuilder().withProjection(projection);
        InternalRow.FieldGetter[] getters = new InternalRow.FieldGetter[projection.length];
        for (int i = 0; i < projection.length; i++) {
            getters[i] = InternalRow.createFieldGetter(fields.get(projection[i]).type(), i);
        }
        List<List<Object>> out = new ArrayList<>();
        try (RecordReader<InternalRow> reader = read.newRead().createReader(read.newScan().plan())) {
            reader.forEachRemaining(row -> {
                List<Object> values = new ArrayList<>(getters.length);
                for (InternalRow.FieldGetter getter : getters) {
                    Object v = getter.getFieldOrNull(row);
                    values.add(v instanceof BinaryString ? v.toString() : v);
                }
                out.add(values);
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + database + "." + table, e);
        }
        return out;
    }

    private Table table(String name) {
        try {
            return catalog.getTable(Identifier.create(database, name));
        } catch (Catalog.TableNotExistException e) {
            return null;
        }
    }
}
