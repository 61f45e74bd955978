package io.clinicalpipeline.model.ml.feature;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * What {@link TabularEncoder} learned, and the encoding itself (shared by the Flink model and the servable): a
 * numeric column becomes its value, missing ones imputed with the training mean, plus a 0/1 missing indicator when
 * the training rows had gaps; a categorical column becomes one-hot columns of its most frequent values, an
 * {@code __other__} column for the rest and a {@code __missing__} column when training rows lacked it. Values never
 * seen in training encode as all zeros of their column.
 */
public record Encoding(List<Column> columns, boolean withIntercept) implements Serializable {

    public static final String OTHER = "__other__";
    public static final String MISSING = "__missing__";
    public static final String INTERCEPT = "intercept";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One input column's encoding. {@code categories} is empty for a numeric column. */
    public record Column(String name, boolean categorical, double mean, boolean missingIndicator,
                         List<String> categories, boolean other) implements Serializable {

        int width() {
            if (categorical) {
                return categories.size() + (other ? 1 : 0) + (missingIndicator ? 1 : 0);
            }
            return 1 + (missingIndicator ? 1 : 0);
        }
    }

    public int width() {
        int width = withIntercept ? 1 : 0;
        for (Column c : columns) {
            width += c.width();
        }
        return width;
    }

    /** Feature names in vector order, e.g. {@code age}, {@code age_missing}, {@code workclass=Private}. */
    public List<String> featureNames() {
        List<String> names = new ArrayList<>();
        for (Column c : columns) {
            if (c.categorical()) {
                c.categories().forEach(v -> names.add(c.name() + "=" + v));
                if (c.other()) {
                    names.add(c.name() + "=" + OTHER);
                }
                if (c.missingIndicator()) {
                    names.add(c.name() + "=" + MISSING);
                }
            } else {
                names.add(c.name());
                if (c.missingIndicator()) {
                    names.add(c.name() + "_missing");
                }
            }
        }
        if (withIntercept) {
            names.add(INTERCEPT);
        }
        return names;
    }

    /** The input column each vector position encodes (one-hot and missing-indicator positions included); -1: intercept. */
    public int[] columnOfPosition() {
        int[] column = new int[width()];
        int at = 0;
        for (int i = 0; i < columns.size(); i++) {
            for (int k = 0; k < columns.get(i).width(); k++) {
                column[at++] = i;
            }
        }
        if (withIntercept) {
            column[at] = -1;
        }
        return column;
    }

    /** Encodes one row; {@code value.apply(i)} is the raw value of input column i (null when missing). */
    public double[] encode(IntFunction<Object> value) {
        double[] x = new double[width()];
        int at = 0;
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            Object raw = value.apply(i);
            if (c.categorical()) {
                String key = key(raw);
                if (key == null) {
                    if (c.missingIndicator()) {
                        x[at + c.categories().size() + (c.other() ? 1 : 0)] = 1;
                    }
                } else {
                    int index = c.categories().indexOf(key);
                    if (index >= 0) {
                        x[at + index] = 1;
                    } else if (c.other()) {
                        x[at + c.categories().size()] = 1;
                    }
                }
            } else {
                Double number = number(raw);
                x[at] = number == null ? c.mean() : number;
                if (c.missingIndicator()) {
                    x[at + 1] = number == null ? 1 : 0;
                }
            }
            at += c.width();
        }
        if (withIntercept) {
            x[at] = 1;
        }
        return x;
    }

    /** A category's key: strings trimmed, whole numbers without ".0" (so 1, 1.0 and "1" are one category). */
    public static String key(Object raw) {
        if (raw == null) {
            return null;
        }
        if (raw instanceof Number n) {
            double v = n.doubleValue();
            if (Double.isNaN(v)) {
                return null;
            }
            return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
        }
        String s = raw.toString().trim();
        return s.isEmpty() ? null : s;
    }

    /** A numeric value, or null when missing or not a number. */
    static Double number(Object raw) {
        if (raw instanceof Number n) {
            double v = n instanceof BigDecimal b ? b.doubleValue() : n.doubleValue();
            return Double.isFinite(v) ? v : null;
        }
        if (raw instanceof Boolean b) {
            return b ? 1.0 : 0.0;
        }
        return null;
    }

    byte[] toJson() throws IOException {
        return JSON.writeValueAsBytes(this);
    }

    static Encoding fromJson(InputStream in) throws IOException {
        return JSON.readValue(in, Encoding.class);
    }

    /** Per-column counts one subtask gathers over its share; merged in the client. */
    static final class Stats implements Serializable {
        public long[] present;
        public long[] missing;
        public double[] sums;
        public List<Map<String, Long>> counts;

        public Stats() {}

        Stats(int columns) {
            present = new long[columns];
            missing = new long[columns];
            sums = new double[columns];
            counts = new ArrayList<>();
            for (int i = 0; i < columns; i++) {
                counts.add(new HashMap<>());
            }
        }

        void add(IntFunction<Object> value, boolean[] categorical) {
            for (int i = 0; i < categorical.length; i++) {
                Object raw = value.apply(i);
                if (categorical[i]) {
                    String key = key(raw);
                    if (key == null) {
                        missing[i]++;
                    } else {
                        present[i]++;
                        counts.get(i).merge(key, 1L, Long::sum);
                    }
                } else {
                    Double number = number(raw);
                    if (number == null) {
                        missing[i]++;
                    } else {
                        present[i]++;
                        sums[i] += number;
                    }
                }
            }
        }

        void merge(Stats other) {
            for (int i = 0; i < present.length; i++) {
                present[i] += other.present[i];
                missing[i] += other.missing[i];
                sums[i] += other.sums[i];
                Map<String, Long> mine = counts.get(i);
                other.counts.get(i).forEach((k, v) -> mine.merge(k, v, Long::sum));
            }
        }

        String toJson() throws IOException {
            return JSON.writeValueAsString(this);
        }

        static Stats fromJson(String json) throws IOException {
            return JSON.readValue(json, Stats.class);
        }
    }
}
