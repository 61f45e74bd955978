package io.clinicalpipeline.train;

import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.Path;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How a CSV file is laid out, inferred from its first lines: the delimiter (comma, semicolon, tab or pipe: the one
 * that splits the sample into the same number of fields), whether the first line is a header, the column names
 * and which columns are numeric. Fields may be quoted ({@code "a, b"}, {@code ""} for a quote) and padded with
 * spaces; {@code ?}, {@code NA}, {@code N/A}, {@code NaN}, {@code null} and empty fields are missing values.
 * Quoted fields spanning lines are not supported (one record per line).
 */
public record CsvFormat(char delimiter, boolean header, List<String> columns, List<Boolean> numeric)
        implements Serializable {

    public enum HeaderMode { AUTO, YES, NO }

    private static final char[] DELIMITERS = {',', ';', '\t', '|'};
    private static final Set<String> MISSING = Set.of("", "?", "na", "n/a", "nan", "null", "none");

    /**
     * @param names column names to use instead of the header's (required when there is no header to be useful,
     *              else columns are called c1, c2 …)
     */
    public static CsvFormat infer(String path, HeaderMode headerMode, List<String> names, int sampleLines)
            throws IOException {
        List<String> lines = new ArrayList<>();
        Path file = new Path(path);
        try (FSDataInputStream in = file.getFileSystem().open(file);
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while (lines.size() < sampleLines && (line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    lines.add(line);
                }
            }
        }
        if (lines.isEmpty()) {
            throw new IllegalArgumentException(path + " has no data lines");
        }
        char delimiter = delimiter(lines);
        List<List<String>> rows = new ArrayList<>();
        for (String line : lines) {
            rows.add(split(line, delimiter));
        }
        int width = rows.get(0).size();
        boolean header = switch (headerMode) {
            case YES -> true;
            case NO -> false;
            case AUTO -> looksLikeHeader(rows);
        };
        List<String> columns;
        if (names != null && !names.isEmpty()) {
            if (names.size() != width) {
                throw new IllegalArgumentException(names.size() + " column names are given but " + path + " has "
                        + width + " fields per line (delimiter '" + printable(delimiter) + "')");
            }
            columns = List.copyOf(names);
        } else if (header) {
            columns = rows.get(0).stream().map(String::trim).toList();
        } else {
            columns = new ArrayList<>();
            for (int i = 1; i <= width; i++) {
                columns.add("c" + i);
            }
        }
        if (new HashSet<>(columns).size() != columns.size()) {
            throw new IllegalArgumentException("column names " + columns + " repeat; give each column its own name");
        }
        List<Boolean> numeric = new ArrayList<>();
        for (int c = 0; c < width; c++) {
            boolean allNumbers = true;
            boolean anyValue = false;
            for (int r = header ? 1 : 0; r < rows.size(); r++) {
                if (c >= rows.get(r).size()) {
                    continue;
                }
                String v = rows.get(r).get(c);
                if (isMissing(v)) {
                    continue;
                }
                anyValue = true;
                if (parseNumber(v) == null) {
                    allNumbers = false;
                    break;
                }
            }
            numeric.add(allNumbers && anyValue);
        }
        return new CsvFormat(delimiter, header, columns, numeric);
    }

    public int index(String column) {
        int i = columns.indexOf(column);
        if (i < 0) {
            throw new IllegalArgumentException("column '" + column + "' is not in the CSV; its columns are " + columns
                    + (header ? "" : " (no header was found: give the column names)"));
        }
        return i;
    }

    /** Splits one line into fields: quotes removed, unquoted fields trimmed. */
    public static List<String> split(String line, char delimiter) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(ch);
                }
            } else if (ch == '"' && field.toString().isBlank()) {
                quoted = true;
                wasQuoted = true;
                field.setLength(0);
            } else if (ch == delimiter) {
                fields.add(wasQuoted ? field.toString() : field.toString().trim());
                field.setLength(0);
                wasQuoted = false;
            } else if (!(wasQuoted && Character.isWhitespace(ch))) {
                field.append(ch);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unterminated quote");
        }
        fields.add(wasQuoted ? field.toString() : field.toString().trim());
        return fields;
    }

    public static boolean isMissing(String value) {
        return value == null || MISSING.contains(value.trim().toLowerCase(Locale.ROOT));
    }

    /** The number in {@code value}, or null if it is not one. */
    public static Double parseNumber(String value) {
        try {
            double d = Double.parseDouble(value.trim());
            return Double.isFinite(d) ? d : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static char delimiter(List<String> lines) {
        char best = ',';
        int bestWidth = 1;
        for (char candidate : DELIMITERS) {
            try {
                int width = split(lines.get(0), candidate).size();
                boolean consistent = width > 1 && lines.stream().allMatch(l -> split(l, candidate).size() == width);
                if (consistent && width > bestWidth) {
                    best = candidate;
                    bestWidth = width;
                }
            } catch (IllegalArgumentException unterminated) {
                // not this delimiter's layout
            }
        }
        return best;
    }

    /** A header has no numbers and no missing markers, while some column below it has numbers. */
    private static boolean looksLikeHeader(List<List<String>> rows) {
        List<String> first = rows.get(0);
        if (first.stream().anyMatch(v -> isMissing(v) || parseNumber(v) != null)) {
            return false;
        }
        for (int c = 0; c < first.size(); c++) {
            for (int r = 1; r < rows.size(); r++) {
                if (c < rows.get(r).size() && parseNumber(rows.get(r).get(c)) != null) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String printable(char c) {
        return c == '\t' ? "\\t" : String.valueOf(c);
    }
}
