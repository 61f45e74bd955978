package io.clinicalpipeline.lake;

import io.clinicalpipeline.model.features.FeatureCalculator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.paimon.catalog.Catalog;
import org.apache.paimon.catalog.CatalogContext;
import org.apache.paimon.catalog.CatalogFactory;
import org.apache.paimon.flink.action.CompactDatabaseAction;
import org.apache.paimon.options.Options;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Paimon warehouse: a local directory or any Hadoop-compatible URI (s3://, hdfs://) a user brings.
 */
public final class Lakehouse implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String DEFAULT_DATABASE = "clinical";
    private static final Logger LOG = LoggerFactory.getLogger(Lakehouse.class);

    /** The DDL of the pipeline's tables, in the order it runs (after {@code 00_init.sql}, the catalog). */
    static final List<String> TABLE_SCRIPTS = List.of("01_bronze_tables.sql", "02_silver_tables.sql", "03_feature_tables.sql",
            "04_model_tables.sql");

    /**
     * Columns added to a table after it was first released. A warehouse created before gains them, nullable and last, by
     * Paimon's schema evolution: {@code CREATE TABLE IF NOT EXISTS} leaves an existing table as it is, and this
     * version's writers would fail on it.
     */
    static final List<AddedColumn> ADDED_COLUMNS = Stream.concat(Stream.of(
            new AddedColumn("feature_catalog", "label", "STRING"),
            new AddedColumn("model_predictions", "top_contributions", "STRING"),
            new AddedColumn("silver_vitals", "topic", "STRING"), new AddedColumn("silver_vitals", "item", "INT"),
            new AddedColumn("silver_medications", "topic", "STRING"), new AddedColumn("silver_medications", "item", "INT"),
            new AddedColumn("silver_labs", "topic", "STRING"), new AddedColumn("silver_labs", "item", "INT"),
            new AddedColumn("silver_adverse_events", "topic", "STRING"), new AddedColumn("silver_adverse_events", "item", "INT"),
            new AddedColumn("silver_patients", "topic", "STRING"), new AddedColumn("silver_patients", "item", "INT"),
            new AddedColumn("quarantine", "item", "INT"), new AddedColumn("dead_letter", "item", "INT"),
            new AddedColumn("silver_duplicates", "item", "INT")),
            FeatureCalculator.addedInVersion3().stream().map(d -> new AddedColumn("patient_features", d.name(), d.type())))
            .toList();

    /** Tables whose primary key gained item: evolved from an older warehouse, theirs lacks it. */
    private static final List<String> KEYED_BY_ITEM = List.of("quarantine", "dead_letter", "silver_duplicates");

    /** @param type in Flink SQL */
    record AddedColumn(String table, String column, String type) {}

    private final String warehouse;

    public Lakehouse(String warehouse) {
        this.warehouse = normalise(warehouse);
    }

    public String warehouse() {
        return warehouse;
    }

    /** Registers the catalog, creates {@code database} if needed and makes it current; no table is created. */
    public void use(TableEnvironment tEnv, String database) {
        if (tEnv.getCatalog("paimon").isEmpty()) {
            run(tEnv, "00_init.sql", database);
        } else {
            tEnv.useCatalog("paimon");
            tEnv.executeSql("CREATE DATABASE IF NOT EXISTS `" + database + "`");
            tEnv.useDatabase(database);
        }
    }

    /** Creates the pipeline's tables in {@code database} if they do not exist yet. */
    public void createTables(TableEnvironment tEnv, String database) {
        use(tEnv, database);
        TABLE_SCRIPTS.forEach(script -> run(tEnv, script, database));
        addMissingColumns(tEnv, database);
    }

    /** Through the job's own catalog, which caches tables: altered behind its back, it would go on seeing the old schema. */
    private static void addMissingColumns(TableEnvironment tEnv, String database) {
        for (AddedColumn added : ADDED_COLUMNS) {
            String table = "`" + database + "`.`" + added.table() + "`";
            if (!tEnv.from(table).getResolvedSchema().getColumnNames().contains(added.column())) {
                tEnv.executeSql("ALTER TABLE " + table + " ADD `" + added.column() + "` " + added.type());
                LOG.info("event=column_added table={}.{} column={} type={}", database, added.table(), added.column(),
                        added.type());
                if (KEYED_BY_ITEM.contains(added.table()) && added.column().equals("item")) {
                    LOG.warn("event=primary_key_without_item table={}.{} consequence=\"several rejects of one hospital "
                            + "message share a key and overwrite each other\" action=\"ingest FHIR and HL7 v2 into a new "
                            + "--database, whose tables are keyed by item\"", database, added.table());
                }
            }
        }
    }

    /** The same, without a job environment (DDL needs no cluster). */
    public void createTables(String database) {
        createTables(TableEnvironment.create(EnvironmentSettings.inBatchMode()), database);
    }

    /**
     * Compacts every table of {@code database} in one job on {@code env} (Paimon's database compaction, combined mode, as
     * {@code CALL sys.compact_database} runs it; the procedure would start a cluster of its own rather than use
     * {@code env}): each bucket's sorted runs are merged and small files rewritten, and snapshots older than the tables'
     * retention are expired. Writers with deferred compaction leave both to this. A batch {@code env} returns when done.
     */
    public void compact(StreamExecutionEnvironment env, String database) throws Exception {
        CompactDatabaseAction action = new CompactDatabaseAction(Map.of("warehouse", warehouse))
                .includingDatabases(Pattern.quote(database))
                .withDatabaseCompactMode("combined");
        action.withStreamExecutionEnvironment(env);
        action.run();
    }

    private void run(TableEnvironment tEnv, String script, String database) {
        for (String statement : SqlScripts.load(script, Map.of("warehouse", warehouse, "database", database))) {
            tEnv.executeSql(statement);
        }
    }

    /** Paimon's own Java catalog, for reads that need no Flink job (counts, reconciliation). */
    public Catalog openCatalog() {
        Options options = new Options();
        options.set("warehouse", warehouse);
        return CatalogFactory.createCatalog(CatalogContext.create(options));
    }

    private static String normalise(String warehouse) {
        if (warehouse.contains("://")) {
            return warehouse;
        }
        return Path.of(warehouse).toAbsolutePath().normalize().toUri().toString();
    }
}
