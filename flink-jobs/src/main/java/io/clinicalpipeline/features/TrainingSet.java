package io.clinicalpipeline.features;

import io.clinicalpipeline.lake.Lakehouse;
import io.clinicalpipeline.lake.SqlScripts;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Builds a labelled training table from {@code patient_features} and the adverse events in silver, with
 * {@code sql/20_training_set.sql} (its header explains labels, exclusions and the splits).
 */
public final class TrainingSet {

    /** The adverse events that count as deterioration unless told otherwise. */
    public static final String DEFAULT_EVENT_TYPES = "sepsis,cardiac_arrest,icu_transfer,stroke,respiratory_failure";
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final DateTimeFormatter SQL_TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    /** How rows are split into train, validation and test (sql/20_training_set.sql's header explains each). */
    public enum SplitBy {
        TIME, PATIENT, PATIENT_TIME;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }

        public static SplitBy of(String id) {
            for (SplitBy s : values()) {
                if (s.id().equals(id)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("--split-by " + id + " is not one of time, patient, patient-time");
        }
    }

    /**
     * @param trainFraction share for training: of the labelled time span (from the first row to the last one minus the
     *                      horizon) when splitting by time, of patients when splitting by patient, of both for
     *                      patient-time
     * @param validationFraction the next share, for validation; the rest is the test set
     */
    public record Spec(String output, List<String> eventTypes, Duration horizon, Duration washout,
                       double trainFraction, double validationFraction, SplitBy splitBy) {
        public Spec {
            if (!NAME.matcher(output).matches()) {
                throw new IllegalArgumentException("training set name '" + output + "' must be a plain identifier (letters, digits, _)");
            }
            if (eventTypes.isEmpty() || !eventTypes.stream().allMatch(t -> NAME.matcher(t).matches())) {
                throw new IllegalArgumentException("event types " + eventTypes + " must be plain identifiers such as sepsis,icu_transfer");
            }
            if (horizon.isNegative() || horizon.isZero() || washout.isNegative()) {
                throw new IllegalArgumentException("the horizon must be positive and the washout not negative");
            }
            if (trainFraction <= 0 || validationFraction < 0 || trainFraction + validationFraction >= 1) {
                throw new IllegalArgumentException("split fractions " + trainFraction + "," + validationFraction
                        + " must leave a test share: train > 0, validation >= 0, train + validation < 1");
            }
        }
    }

    /** Rows and positive labels per split, and the time boundaries used. */
    public record Summary(Map<String, long[]> rowsAndPositives, LocalDateTime trainUntil, LocalDateTime validationUntil,
                          LocalDateTime observedUntil) {

        /** The split has positive and negative rows: a model can be trained (train) or measured (test) on it. */
        public boolean bothClasses(String split) {
            long[] n = rowsAndPositives.get(split);
            return n != null && n[1] > 0 && n[1] < n[0];
        }
    }

    private TrainingSet() {}

    /** Replaces {@code spec.output()} in {@code database} with a new training set. */
    public static Summary build(Lakehouse lake, String database, Spec spec) throws Exception {
        TableEnvironment tEnv = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        lake.createTables(tEnv, database);
        List<Row> span = collect(tEnv.executeSql("SELECT MIN(event_time), MAX(event_time) FROM " + FeatureJob.FEATURES_TABLE));
        LocalDateTime first = (LocalDateTime) span.get(0).getField(0);
        LocalDateTime last = (LocalDateTime) span.get(0).getField(1);
        if (first == null) {
            throw new IllegalStateException("patient_features in database '" + database + "' is empty; run "
                    + "bin/pipeline features run --mode batch first");
        }
        // Rows in the last horizon are left out (their outcome is not known yet): split what remains.
        long spanMillis = Duration.between(first, last.minus(spec.horizon())).toMillis();
        if (spanMillis <= 0) {
            throw new IllegalStateException("patient_features spans " + Duration.between(first, last).toMinutes()
                    + " min, no more than the horizon of " + spec.horizon().toMinutes() + " min: no row has a known outcome; "
                    + "use a shorter --horizon or a longer history");
        }
        LocalDateTime trainUntil = first.plus(Duration.ofMillis((long) (spanMillis * spec.trainFraction())));
        LocalDateTime validationUntil = first.plus(Duration.ofMillis(
                (long) (spanMillis * (spec.trainFraction() + spec.validationFraction()))));
        Map<String, String> variables = new LinkedHashMap<>();
        variables.put("output", spec.output());
        variables.put("event_types", "'" + String.join("', '", spec.eventTypes()) + "'");
        variables.put("horizon_seconds", Long.toString(spec.horizon().toSeconds()));
        variables.put("washout_seconds", Long.toString(spec.washout().toSeconds()));
        variables.put("train_until", SQL_TIMESTAMP.format(trainUntil));
        variables.put("validation_until", SQL_TIMESTAMP.format(validationUntil));
        variables.put("observed_until", SQL_TIMESTAMP.format(last));
        variables.putAll(split(spec, trainUntil, validationUntil));
        tEnv.executeSql("DROP TABLE IF EXISTS `" + spec.output() + "`").await();
        for (String statement : SqlScripts.load("20_training_set.sql", variables)) {
            tEnv.executeSql(statement).await();
        }
        Map<String, long[]> counts = new LinkedHashMap<>();
        for (Row r : collect(tEnv.executeSql("SELECT dataset_split, COUNT(*), SUM(label) FROM `" + spec.output()
                + "` GROUP BY dataset_split"))) {
            counts.put((String) r.getField(0), new long[] {(Long) r.getField(1), ((Number) r.getField(2)).longValue()});
        }
        return new Summary(counts, trainUntil, validationUntil, last);
    }

    /** The split's CASE expression and the filter that keeps its rows, over the labelled rows {@code l}. */
    private static Map<String, String> split(Spec spec, LocalDateTime trainUntil, LocalDateTime validationUntil) {
        String period = "CASE WHEN l.event_time < TIMESTAMP '" + SQL_TIMESTAMP.format(trainUntil) + "' THEN 'train'"
                + " WHEN l.event_time < TIMESTAMP '" + SQL_TIMESTAMP.format(validationUntil) + "' THEN 'validation'"
                + " ELSE 'test' END";
        // A patient's share in [0, 1): the first two hex digits of MD5(patient_id), reproducible in any SQL engine.
        String share = "((POSITION(SUBSTRING(MD5(l.patient_id), 1, 1) IN '0123456789abcdef') - 1) * 16"
                + " + POSITION(SUBSTRING(MD5(l.patient_id), 2, 1) IN '0123456789abcdef') - 1) / 256.0";
        String group = "CASE WHEN " + share + " < " + spec.trainFraction() + " THEN 'train' WHEN " + share + " < "
                + (spec.trainFraction() + spec.validationFraction()) + " THEN 'validation' ELSE 'test' END";
        return switch (spec.splitBy()) {
            case TIME -> Map.of("dataset_split", period, "keep", "TRUE");
            case PATIENT -> Map.of("dataset_split", group, "keep", "TRUE");
            case PATIENT_TIME -> Map.of("dataset_split", group, "keep", "((" + group + ") = 'test') = ((" + period
                    + ") <> 'train')");
        };
    }

    private static List<Row> collect(TableResult result) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (CloseableIterator<Row> it = result.collect()) {
            it.forEachRemaining(rows::add);
        }
        return rows;
    }
}
