package io.clinicalpipeline.lake;

import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.paimon.catalog.Catalog;
import org.apache.paimon.catalog.Identifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LakehouseTest {

    @Test
    void aWarehouseCreatedBeforeAColumnWasAddedGainsItAndKeepsItsRows(@TempDir Path dir) throws Exception {
        Lakehouse lake = new Lakehouse(dir.toString());
        TableEnvironment tEnv = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        lake.use(tEnv, "legacy");
        // The table as the first release created it.
        tEnv.executeSql("CREATE TABLE feature_catalog (name STRING NOT NULL, version INT NOT NULL, data_type STRING NOT NULL, "
                + "unit STRING NOT NULL, lookback STRING NOT NULL, description STRING NOT NULL, "
                + "PRIMARY KEY (name, version) NOT ENFORCED) WITH ('bucket' = '1')");
        tEnv.executeSql("INSERT INTO feature_catalog VALUES ('age', 1, 'INT', 'years', 'static', 'age')").await();

        lake.createTables(tEnv, "legacy");
        lake.createTables(tEnv, "legacy");

        try (Catalog catalog = lake.openCatalog()) {
            Map<String, List<String>> addedByTable = Lakehouse.ADDED_COLUMNS.stream().collect(Collectors.groupingBy(
                    Lakehouse.AddedColumn::table, Collectors.mapping(Lakehouse.AddedColumn::column, Collectors.toList())));
            for (Map.Entry<String, List<String>> added : addedByTable.entrySet()) {
                List<String> columns = catalog.getTable(Identifier.create("legacy", added.getKey())).rowType().getFieldNames();
                assertEquals(added.getValue(), columns.subList(columns.size() - added.getValue().size(), columns.size()),
                        "added last, once: " + columns);
            }
        }
        assertEquals("+I[age, 1, null]", tEnv.executeSql("SELECT name, version, label FROM feature_catalog")
                .collect().next().toString());
    }
}
