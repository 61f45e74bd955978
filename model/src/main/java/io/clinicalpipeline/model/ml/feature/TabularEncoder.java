package io.clinicalpipeline.model.ml.feature;

import io.clinicalpipeline.model.ml.common.Tables;
import org.apache.flink.api.common.functions.MapPartitionFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.ml.api.Estimator;
import org.apache.flink.ml.param.Param;
import org.apache.flink.ml.util.ParamUtils;
import org.apache.flink.ml.util.ReadWriteUtils;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.types.logical.LogicalTypeFamily;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns tabular columns into one features vector: numeric columns imputed with their mean (plus a missing
 * indicator where training rows had gaps), string, boolean and listed categorical columns one-hot encoded, and a
 * trailing constant 1 for the intercept. One parallel pass gathers the counts and sums per column.
 */
public class TabularEncoder implements Estimator<TabularEncoder, TabularEncoderModel>,
        TabularEncoderParams<TabularEncoder> {

    private final Map<Param<?>, Object> paramMap = new HashMap<>();

    public TabularEncoder() {
        ParamUtils.initializeMapWithDefaultValues(paramMap, this);
    }

    @Override
    public TabularEncoderModel fit(Table... inputs) {
        Table input = inputs[0];
        Layout layout = layout(input);
        Encoding.Stats stats = new Encoding.Stats(layout.indexes.length);
        MapPartitionFunction<Row, String> gather = (rows, out) -> {
            Encoding.Stats mine = new Encoding.Stats(layout.indexes.length);
            for (Row row : rows) {
                mine.add(i -> row.getField(layout.indexes[i]), layout.categorical);
            }
            out.collect(mine.toJson());
        };
        StreamTableEnvironment tEnv = Tables.environment(input);
        try (CloseableIterator<String> partials = tEnv.toDataStream(input).rebalance()
                .fullWindowPartition().mapPartition(gather).returns(Types.STRING).name("tabular encoder: column stats")
                .executeAndCollect("tabular encoder: column stats")) {
            while (partials.hasNext()) {
                stats.merge(Encoding.Stats.fromJson(partials.next()));
            }
        } catch (Exception e) {
            throw new IllegalStateException("tabular encoder failed: " + e.getMessage(), e);
        }
        return model(layout, stats);
    }

    /**
     * The same fit over rows already in memory, without a job: {@code rows} have {@code input}'s schema (collected
     * from it), which decides, as in {@link #fit}, which columns are categorical.
     */
    public TabularEncoderModel fitLocally(Table input, Iterable<Row> rows) {
        return fitLocally(layout(input), rows);
    }

    /**
     * The same fit over rows in memory whose columns are {@code columns}; the input columns among {@code numeric} are
     * numeric (unless listed as categorical), the others categorical.
     */
    public TabularEncoderModel fitLocally(List<String> columns, Set<String> numeric, Iterable<Row> rows) {
        String[] names = getInputCols();
        int[] indexes = new int[names.length];
        boolean[] categorical = new boolean[names.length];
        Set<String> listed = Set.of(getCategoricalCols());
        for (int i = 0; i < names.length; i++) {
            indexes[i] = columns.indexOf(names[i]);
            if (indexes[i] < 0) {
                throw new IllegalArgumentException("input column '" + names[i] + "' is not one of " + columns);
            }
            categorical[i] = listed.contains(names[i]) || !numeric.contains(names[i]);
        }
        return fitLocally(new Layout(names, indexes, categorical), rows);
    }

    private TabularEncoderModel fitLocally(Layout layout, Iterable<Row> rows) {
        Encoding.Stats stats = new Encoding.Stats(layout.indexes.length);
        for (Row row : rows) {
            stats.add(i -> row.getField(layout.indexes[i]), layout.categorical);
        }
        return model(layout, stats);
    }

    /** Where each input column is in the table, and whether it is encoded as categories. */
    private record Layout(String[] names, int[] indexes, boolean[] categorical) implements java.io.Serializable {}

    private Layout layout(Table input) {
        String[] names = getInputCols();
        int[] indexes = new int[names.length];
        boolean[] categorical = new boolean[names.length];
        Set<String> listed = Set.of(getCategoricalCols());
        for (String c : listed) {
            if (!Arrays.asList(names).contains(c)) {
                throw new IllegalArgumentException("categorical column '" + c + "' is not one of the input columns "
                        + Arrays.toString(names));
            }
        }
        for (int i = 0; i < names.length; i++) {
            indexes[i] = Tables.column(input, names[i]);
            var type = input.getResolvedSchema().getColumnDataTypes().get(indexes[i]).getLogicalType();
            boolean numeric = type.is(LogicalTypeFamily.NUMERIC);
            if (!numeric && !type.is(LogicalTypeFamily.CHARACTER_STRING) && !type.is(LogicalTypeRoot.BOOLEAN)) {
                throw new IllegalArgumentException("column '" + names[i] + "' has type " + type
                        + "; the encoder takes numeric, string and boolean columns");
            }
            categorical[i] = listed.contains(names[i]) || !numeric;
        }
        return new Layout(names, indexes, categorical);
    }

    private TabularEncoderModel model(Layout layout, Encoding.Stats stats) {
        List<Encoding.Column> columns = new ArrayList<>();
        for (int i = 0; i < layout.names.length; i++) {
            columns.add(column(layout.names[i], layout.categorical[i], stats, i));
        }
        TabularEncoderModel model = new TabularEncoderModel().setModelData(new Encoding(columns, getWithIntercept()));
        ParamUtils.updateExistingParams(model, paramMap);
        return model;
    }

    private Encoding.Column column(String name, boolean categorical, Encoding.Stats stats, int i) {
        boolean gaps = stats.missing[i] > 0;
        if (!categorical) {
            double mean = stats.present[i] == 0 ? 0 : stats.sums[i] / stats.present[i];
            return new Encoding.Column(name, false, mean, gaps, List.of(), false);
        }
        List<Map.Entry<String, Long>> byFrequency = new ArrayList<>(stats.counts.get(i).entrySet());
        byFrequency.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey()));
        int kept = Math.min(getMaxCategories(), byFrequency.size());
        List<String> categories = byFrequency.subList(0, kept).stream().map(Map.Entry::getKey).toList();
        return new Encoding.Column(name, true, 0, gaps, categories, byFrequency.size() > kept);
    }

    @Override
    public void save(String path) throws IOException {
        ReadWriteUtils.saveMetadata(this, path);
    }

    public static TabularEncoder load(StreamTableEnvironment tEnv, String path) throws IOException {
        return ReadWriteUtils.loadStageParam(path);
    }

    @Override
    public Map<Param<?>, Object> getParamMap() {
        return paramMap;
    }
}
