package io.clinicalpipeline.scoring;

import io.clinicalpipeline.features.FeatureJob;
import io.clinicalpipeline.lake.Lakehouse;
import io.clinicalpipeline.lake.ParquetExport;
import io.clinicalpipeline.lake.PaimonCounts;
import io.clinicalpipeline.model.ml.RiskScorer;
import io.clinicalpipeline.registry.ModelRegistry;
import io.clinicalpipeline.registry.ModelVersion;
import io.clinicalpipeline.scoring.RiskPolicy;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.RowTypeInfo;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamStatementSet;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.paimon.catalog.Catalog;

import java.time.LocalDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code score-batch --config NAME}: scores each patient's newest feature row that matches a stored cohort filter
 * with the configured model, into a Paimon table and optionally Parquet. The config row comes from
 * {@code batch_scoring_configs}; its filter is parsed by {@link CohortFilter} and only the re-rendered tree reaches
 * SQL; table names and paths are checked against strict patterns.
 */
public final class BatchScoring {

    public static final String CONFIGS = "batch_scoring_configs";
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern PATH = Pattern.compile("[A-Za-z0-9_./:-]+");

    /** One config row. */
    public record Config(String name, String model, String cohortFilter, String outputTable, String parquetPath) {}

    /** What a run did. */
    public record Summary(Config config, long modelVersion, String filterSql, long rows) {}

    private BatchScoring() {}

    public static Config config(Catalog catalog, String database, String name) {
        List<List<Object>> rows = new PaimonCounts(catalog, database).rows(CONFIGS,
                "name", "scoring_model", "cohort_filter", "output_table", "parquet_path");
        for (List<Object> r : rows) {
            if (name.equals(r.get(0))) {
                return new Config((String) r.get(0), (String) r.get(1), (String) r.get(2), (String) r.get(3), (String) r.get(4));
            }
        }
        throw new IllegalArgumentException("no batch scoring config '" + name + "' in " + database + "." + CONFIGS
                + "; configs: " + rows.stream().map(r -> r.get(0)).toList()
                + ". Create one in the SQL client: INSERT INTO " + CONFIGS + " VALUES ('name', 'production', "
                + "'ward = ''ICU''', 'icu_scores', NULL, 'description')");
    }

    /** Resolves the model: a stage name (production, staging) or a version number. */
    static ModelVersion model(ModelRegistry registry, String model) {
        String m = model.trim().toLowerCase(java.util.Locale.ROOT);
        if (m.matches("\\d+")) {
            return registry.get(Long.parseLong(m));
        }
        if (!m.equals(ModelVersion.PRODUCTION) && !m.equals(ModelVersion.STAGING)) {
            throw new IllegalArgumentException("scoring_model '" + model + "' must be production, staging or a version number");
        }
        return registry.list().stream().filter(v -> v.stage().equals(m)).reduce((a, b) -> b.isChallenger() ? b : a)
                .orElseThrow(() -> new IllegalArgumentException("no model version is in stage " + m
                        + "; bin/pipeline model list shows the versions"));
    }

    public static Summary run(StreamExecutionEnvironment env, Lakehouse lake, String database, String featureDatabase,
                              String configName, RiskPolicy policy) throws Exception {
        Config config;
        ModelVersion model;
        try (Catalog catalog = lake.openCatalog()) {
            config = config(catalog, database, configName);
            model = model(new ModelRegistry(catalog, database), config.model());
        }
        if (!IDENTIFIER.matcher(config.outputTable()).matches()) {
            throw new IllegalArgumentException("output_table '" + config.outputTable() + "' must be a plain identifier");
        }
        if (config.parquetPath() != null && !config.parquetPath().isBlank() && !PATH.matcher(config.parquetPath()).matches()) {
            throw new IllegalArgumentException("parquet_path '" + config.parquetPath()
                    + "' may hold only letters, digits and _ . / : -");
        }
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        lake.createTables(tEnv, featureDatabase);
        lake.createTables(tEnv, database);
        String features = "`paimon`.`" + featureDatabase + "`.`" + FeatureJob.FEATURES_TABLE + "`";
        List<String> columns = tEnv.from(features).getResolvedSchema().getColumnNames();
        String filterSql = CohortFilter.toSql(config.cohortFilter(), Set.copyOf(columns));
        String output = "`paimon`.`" + database + "`.`" + config.outputTable() + "`";
        tEnv.executeSql("CREATE TABLE IF NOT EXISTS " + output + " (patient_id STRING NOT NULL, event_time TIMESTAMP(3) NOT NULL, "
                + "model_version BIGINT NOT NULL, model_name STRING, score DOUBLE NOT NULL, risk_band STRING NOT NULL, "
                + "config_name STRING NOT NULL, scored_at TIMESTAMP(3) NOT NULL, "
                + "PRIMARY KEY (config_name, patient_id, event_time, model_version) NOT ENFORCED) WITH ('bucket' = '2')").await();
        // Only the columns the model and the filter read: Parquet then decodes a dozen of the table's 168 columns.
        Set<String> needed = new HashSet<>(model.inputColumns());
        needed.addAll(List.of("patient_id", "event_time"));
        columns.stream().filter(c -> filterSql.contains("`" + c + "`")).forEach(needed::add);
        columns = columns.stream().filter(needed::contains).toList();
        String quoted = String.join(", ", columns.stream().map(c -> "`" + c + "`").toList());
        Table cohort = tEnv.sqlQuery("SELECT " + quoted + " FROM (SELECT " + quoted + ", ROW_NUMBER() OVER (PARTITION BY patient_id "
                + "ORDER BY event_time DESC) AS newest FROM " + features + ") WHERE newest = 1 AND (" + filterSql + ")");
        RowTypeInfo outType = new RowTypeInfo(new TypeInformation<?>[] {Types.STRING, Types.LOCAL_DATE_TIME, Types.LONG,
                Types.STRING, Types.DOUBLE, Types.STRING, Types.STRING, Types.LOCAL_DATE_TIME},
                new String[] {"patient_id", "event_time", "model_version", "model_name", "score", "risk_band", "config_name", "scored_at"});
        DataStream<Row> scoredRows = tEnv.toDataStream(cohort)
                .map(new Score(columns.toArray(new String[0]), model, config.name(), policy), outType)
                .name("score cohort " + config.name());
        Table scored = tEnv.fromDataStream(scoredRows);
        StreamStatementSet inserts = tEnv.createStatementSet();
        inserts.addInsert(output, scored);
        boolean parquet = config.parquetPath() != null && !config.parquetPath().isBlank();
        if (parquet) {
            // The Paimon table's schema, so the Parquet's columns are REQUIRED where the table's are NOT NULL.
            ParquetExport.write(scoredRows, tEnv.from(output).getResolvedSchema(), "event_time",
                    config.parquetPath(), "cohort " + config.name() + ": parquet");
        }
        inserts.attachAsDataStream();
        env.execute("score cohort " + config.name());
        if (parquet) {
            ParquetExport.markSuccess(config.parquetPath());
        }
        long rows;
        try (Catalog catalog = lake.openCatalog()) {
            rows = new PaimonCounts(catalog, database).rows(config.outputTable(), "config_name", "model_version").stream()
                    .filter(r -> config.name().equals(r.get(0)) && Long.valueOf(model.version()).equals(r.get(1))).count();
        }
        return new Summary(config, model.version(), filterSql, rows);
    }

    /** Scores one feature row; the model is loaded once per subtask. */
    private static final class Score extends RichMapFunction<Row, Row> {
        private final String[] columns;
        private final ModelVersion model;
        private final String configName;
        private final RiskPolicy policy;
        private transient RiskScorer.Bound scorer;
        private transient int patient;
        private transient int eventTime;

        Score(String[] columns, ModelVersion model, String configName, RiskPolicy policy) {
            this.columns = columns;
            this.model = model;
            this.configName = configName;
            this.policy = policy;
        }

        @Override
        public void open(Configuration parameters) throws Exception {
            scorer = RiskScorer.load(model.modelPath()).bind(List.of(columns));
            patient = List.of(columns).indexOf("patient_id");
            eventTime = List.of(columns).indexOf("event_time");
        }

        @Override
        public Row map(Row row) {
            double score = scorer.score(row::getField);
            return Row.of(row.getField(patient), row.getField(eventTime), model.version(),
                    model.name(), score, policy.band(score), configName, LocalDateTime.now());
        }
    }
}
