package io.clinicalpipeline.retrain;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.clinicalpipeline.drift.FeatureDrift;
import io.clinicalpipeline.features.FeatureJob;
import io.clinicalpipeline.features.TrainingSet;
import io.clinicalpipeline.lake.Lakehouse;
import io.clinicalpipeline.lake.PaimonCounts;
import io.clinicalpipeline.lake.PaimonWrites;
import io.clinicalpipeline.model.eval.BinaryMetrics;
import io.clinicalpipeline.model.eval.Bootstrap;
import io.clinicalpipeline.model.ml.RiskScorer;
import io.clinicalpipeline.performance.LivePerformance;
import io.clinicalpipeline.registry.ModelRegistry;
import io.clinicalpipeline.registry.ModelVersion;
import io.clinicalpipeline.retrain.RetrainPolicy.Action;
import io.clinicalpipeline.retrain.RetrainPolicy.Check;
import io.clinicalpipeline.retrain.RetrainPolicy.Comparison;
import io.clinicalpipeline.retrain.RetrainPolicy.Decision;
import io.clinicalpipeline.retrain.RetrainPolicy.DriftRow;
import io.clinicalpipeline.retrain.RetrainPolicy.PerformanceRow;
import io.clinicalpipeline.train.Algorithm;
import io.clinicalpipeline.train.ClinicalTraining;
import io.clinicalpipeline.train.TrainInput;
import io.clinicalpipeline.train.TrainedModels;
import io.clinicalpipeline.train.Trainer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.apache.paimon.catalog.Catalog;
import org.apache.paimon.catalog.Identifier;
import org.apache.paimon.data.BinaryString;
import org.apache.paimon.data.GenericRow;
import org.apache.paimon.data.Timestamp;

import java.io.PrintStream;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code bin/pipeline retrain}: reads what the streaming job measured about the production model (its newest drift
 * window and live performance), and when a threshold is crossed (or {@code force}) builds a fresh training set from
 * the newest snapshot of {@code patient_features}, trains a candidate, scores it and production on the same held-out
 * rows, registers it, and moves it to the stage the {@link RetrainPolicy} decides. Every run, retrained or not, adds a
 * row with its reasons to {@value #DECISIONS}.
 */
public final class Retrain {

    public static final String DECISIONS = "retrain_decisions";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param name      the model's name when nothing is in production (else production's)
     * @param algorithm null: production's algorithm (logistic regression without one)
     * @param features  the candidate's input columns; empty: production's, or every feature column without one
     * @param retune    choose the hyperparameters again by cross-validation; otherwise a candidate of production's
     *                  algorithm keeps production's (a refit on fresh data, in a fraction of the time)
     */
    public record Settings(RetrainPolicy.Thresholds thresholds, boolean force, boolean promoteIfBetter,
                           double challengerShare, String name, Algorithm algorithm, List<String> features,
                           boolean retune, TrainingSet.Spec trainingSet) {
        public Settings {
            if (!(challengerShare >= 0 && challengerShare <= 1)) {
                throw new IllegalArgumentException("--challenger-share must be between 0 and 1, got " + challengerShare);
            }
        }
    }

    /** What the run decided: the candidate's version and its comparison with production when one was trained. */
    public record Outcome(LocalDateTime decidedAt, Check check, Action action, Long candidateVersion, Comparison comparison,
                          String reasons) {}

    private Retrain() {}

    public static Outcome run(Lakehouse lake, String database, Settings s, StreamExecutionEnvironment batch,
                              PrintStream out) throws Exception {
        lake.createTables(database);
        try (Catalog catalog = lake.openCatalog()) {
            ModelRegistry registry = new ModelRegistry(catalog, database);
            ModelVersion production = registry.production().orElse(null);
            String name = production != null ? production.name() : s.name();
            PaimonCounts tables = new PaimonCounts(catalog, database);
            LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);
            Check check = RetrainPolicy.check(s.thresholds(), production,
                    production == null ? List.of() : driftRows(tables, production.version()),
                    production == null ? List.of() : performanceRows(tables, production.version()), s.force(), now);
            check.reasons().forEach(r -> out.println("retrain: " + r));
            Record record = new Record(catalog, database, now, name, production, check);
            if (!check.triggered()) {
                return record.write(Action.NONE, null, null, null, "not retrained: " + String.join("; ", check.reasons()));
            }
            Long featuresSnapshot = snapshot(catalog, database, FeatureJob.FEATURES_TABLE);
            out.println("retrain: " + ids(check) + ": building " + s.trainingSet().output() + " from patient_features "
                    + "snapshot " + featuresSnapshot + " ...");
            TrainingSet.Summary split = TrainingSet.build(lake, database, s.trainingSet());
            split.rowsAndPositives().forEach((part, n) -> out.printf(Locale.ROOT, "  %-10s %,9d rows %,7d positive%n",
                    part, n[0], n[1]));
            if (!split.bothClasses("train") || !split.bothClasses("test")) {
                String why = "triggered (" + ids(check) + ") but not retrained: " + s.trainingSet().output() + " needs "
                        + "positive and negative rows in both train and test, and has " + describe(split)
                        + "; wait for more history or use a longer --horizon";
                record.write(Action.NONE, null, null, null, why);
                throw new IllegalStateException(why);
            }
            StreamTableEnvironment tEnv = StreamTableEnvironment.create(batch);
            TrainInput data = ClinicalTraining.input(tEnv, lake, database, s.trainingSet().output());
            Algorithm algorithm = s.algorithm() != null ? s.algorithm()
                    : production != null ? Algorithm.of(production.algorithm()) : Algorithm.LR;
            Map<String, Double> params = s.retune() || production == null || !production.algorithm().equals(algorithm.id())
                    ? Map.of() : tuned(production, algorithm);
            List<String> features = !s.features().isEmpty() ? s.features()
                    : production != null ? production.inputColumns() : ClinicalTraining.features(data);
            out.println("retrain: training a candidate (" + algorithm.description() + " on " + features.size()
                    + " columns, " + (params.isEmpty() ? "hyperparameters by cross-validation"
                    : "production's hyperparameters " + params) + ") on " + data.describe() + " ...");
            Trainer.Result result = ClinicalTraining.fit(data, features, algorithm, params);
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("by", "retrain");
            run.put("triggers", ids(check));
            run.put("features_snapshot", featuresSnapshot);
            ModelVersion candidate = TrainedModels.register(registry, lake.warehouse(), database,
                    ClinicalTraining.trained(name, algorithm, data, features, result, run), null, null);
            Comparison comparison = compare(tEnv, s.trainingSet().output(), data.lineage().get("snapshot_id"), candidate,
                    production);
            Decision decision = RetrainPolicy.decide(comparison, s.thresholds(), s.promoteIfBetter(), s.challengerShare());
            String note = "retrain (" + ids(check) + "): " + decision.reason();
            switch (decision.action()) {
                case PRODUCTION -> registry.promote(candidate.version(), ModelVersion.PRODUCTION, 0, note);
                case CHALLENGER -> registry.promote(candidate.version(), ModelVersion.STAGING, s.challengerShare(), note);
                default -> registry.promote(candidate.version(), ModelVersion.STAGING, 0, note);
            }
            out.println("retrain: registered " + name + " v" + candidate.version() + " -> " + decision.action().id() + ": "
                    + decision.reason());
            return record.write(decision.action(), candidate.version(), comparison, data,
                    String.join("; ", check.reasons()) + "; " + decision.reason());
        }
    }

    /** The hyperparameters production was fitted with, from its registry row. */
    private static Map<String, Double> tuned(ModelVersion production, Algorithm algorithm) throws Exception {
        Map<String, Double> params = new LinkedHashMap<>();
        JSON.readTree(production.params()).fields().forEachRemaining(e -> {
            if (algorithm.paramNames().contains(e.getKey()) && e.getValue().isNumber()) {
                params.put(e.getKey(), e.getValue().asDouble());
            }
        });
        return params;
    }

    private static List<DriftRow> driftRows(PaimonCounts tables, long version) {
        List<DriftRow> rows = new ArrayList<>();
        for (List<Object> r : tables.rows(FeatureDrift.TABLE, "model_version", "feature", "computed_at", "window_rows", "psi",
                "top_rank", "window_start", "window_end")) {
            if ((Long) r.get(0) == version) {
                rows.add(new DriftRow((String) r.get(1), time(r.get(2)), (Long) r.get(3), (Double) r.get(4),
                        (Integer) r.get(5), time(r.get(6)), time(r.get(7))));
            }
        }
        return rows;
    }

    private static List<PerformanceRow> performanceRows(PaimonCounts tables, long version) {
        List<PerformanceRow> rows = new ArrayList<>();
        for (List<Object> r : tables.rows(LivePerformance.PERFORMANCE_TABLE, "model_version", "role", "computed_at",
                "window_rows", "positives", "auroc", "news2_auroc")) {
            if ((Long) r.get(0) == version && "production".equals(r.get(1))) {
                rows.add(new PerformanceRow(time(r.get(2)), (Long) r.get(3), (Long) r.get(4), (Double) r.get(5),
                        (Double) r.get(6)));
            }
        }
        return rows;
    }

    /**
     * Both models through the scorer the streaming job uses, over the test rows of the training set's snapshot: the
     * patients the split holds out, whom neither model trained on (the split hashes patient ids, so production's
     * own training set held out the same patients).
     */
    static Comparison compare(StreamTableEnvironment tEnv, String table, Object snapshot, ModelVersion candidate,
                              ModelVersion production) throws Exception {
        RiskScorer candidateScorer = RiskScorer.load(candidate.modelPath());
        RiskScorer productionScorer = production == null ? null : RiskScorer.load(production.modelPath());
        TableResult result = tEnv.executeSql("SELECT * FROM `" + table + "` /*+ OPTIONS('scan.snapshot-id'='" + snapshot
                + "') */ WHERE dataset_split = 'test' AND label IS NOT NULL");
        List<String> columns = result.getResolvedSchema().getColumnNames();
        RiskScorer.Bound c = candidateScorer.bind(columns);
        RiskScorer.Bound p = productionScorer == null ? null : productionScorer.bind(columns);
        int label = columns.indexOf("label");
        int patient = columns.indexOf("patient_id");
        int news2 = columns.indexOf(ClinicalTraining.BASELINE);
        Scores scores = new Scores();
        try (CloseableIterator<Row> rows = result.collect()) {
            while (rows.hasNext()) {
                Row row = rows.next();
                Object n = row.getField(news2);
                scores.add(((Number) row.getField(label)).doubleValue(), c.score(row::getField),
                        p == null ? Double.NaN : p.score(row::getField), n == null ? -1 : ((Number) n).doubleValue(),
                        (String) row.getField(patient));
            }
        }
        return scores.compare(p != null);
    }

    /** One test row: its label, both models' scores, NEWS2 (-1 when missing: ranks lowest) and its patient. */
    private record Scored(double label, double candidate, double production, double news2, String patient) {}

    /** The test rows as read. */
    private static final class Scores {
        private final List<Scored> rows = new ArrayList<>();

        void add(double label, double c, double p, double n, String patient) {
            rows.add(new Scored(label, c, p, n, patient));
        }

        private double[] column(java.util.function.ToDoubleFunction<Scored> f) {
            return rows.stream().mapToDouble(f).toArray();
        }

        Comparison compare(boolean withProduction) {
            double[] y = column(Scored::label);
            double[] c = column(Scored::candidate);
            BinaryMetrics cm = BinaryMetrics.of(c, y, 0.5);
            double news2Auroc = BinaryMetrics.of(column(Scored::news2), y, 5).auroc();
            String[] groups = rows.stream().map(Scored::patient).toArray(String[]::new);
            long units = Arrays.stream(groups).distinct().count();
            if (!withProduction) {
                return new Comparison(rows.size(), cm.positives(), units, cm.auroc(), null, news2Auroc, null, null);
            }
            double[] p = column(Scored::production);
            double productionAuroc = BinaryMetrics.of(p, y, 0.5).auroc();
            Bootstrap.Result paired = Bootstrap.of(c, p, y, groups, Bootstrap.DEFAULT_RESAMPLES, 42);
            return new Comparison(rows.size(), cm.positives(), units, cm.auroc(), productionAuroc, news2Auroc,
                    cm.auroc() - productionAuroc, paired.aurocDifference());
        }
    }

    /** One row of {@value #DECISIONS}, with what every run knows; {@link #write} adds what this one decided. */
    private record Record(Catalog catalog, String database, LocalDateTime at, String name, ModelVersion production,
                          Check check) {

        Outcome write(Action action, Long candidate, Comparison c, TrainInput data, String reasons) throws Exception {
            DriftRow drift = check.drift();
            PerformanceRow live = check.performance();
            GenericRow row = GenericRow.of(Timestamp.fromLocalDateTime(at), s(name),
                    production == null ? null : production.version(), check.triggered(), s(ids(check)),
                    drift == null ? null : s(drift.feature()), drift == null ? null : drift.psi(),
                    drift == null || drift.windowEnd() == null ? null : Timestamp.fromLocalDateTime(drift.windowEnd()),
                    live == null ? null : live.auroc(), live == null ? null : live.news2Auroc(),
                    live == null ? null : live.windowRows(), candidate,
                    data == null ? null : s(data.describe()),
                    data == null ? null : (Long) data.lineage().get("snapshot_id"),
                    c == null ? null : c.rows(), c == null ? null : c.patients(), c == null ? null : c.candidateAuroc(),
                    c == null ? null : c.productionAuroc(), c == null ? null : c.news2Auroc(),
                    c == null ? null : c.difference(),
                    c == null || c.differenceInterval() == null ? null : c.differenceInterval().low(),
                    c == null || c.differenceInterval() == null ? null : c.differenceInterval().high(),
                    s(action.id()), s(reasons));
            PaimonWrites.commit(catalog.getTable(Identifier.create(database, DECISIONS)), sink -> sink.write(row));
            return new Outcome(at, check, action, candidate, c, reasons);
        }
    }

    private static String ids(Check check) {
        return check.triggers().stream().map(t -> t.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(","));
    }

    private static Long snapshot(Catalog catalog, String database, String table) throws Exception {
        return catalog.getTable(Identifier.create(database, table)).latestSnapshot().map(snap -> snap.id()).orElse(null);
    }

    private static String describe(TrainingSet.Summary split) {
        return split.rowsAndPositives().entrySet().stream()
                .map(e -> String.format(Locale.ROOT, "%s %,d rows %,d positive", e.getKey(), e.getValue()[0], e.getValue()[1]))
                .collect(Collectors.joining(", "));
    }

    private static LocalDateTime time(Object value) {
        return value == null ? null : ((Timestamp) value).toLocalDateTime();
    }

    private static BinaryString s(String value) {
        return value == null ? null : BinaryString.fromString(value);
    }
}
