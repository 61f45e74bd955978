package io.clinicalpipeline.features;

import io.clinicalpipeline.lake.Lakehouse;
import io.clinicalpipeline.lake.PaimonCounts;
import io.clinicalpipeline.model.features.FeatureCalculator;
import io.clinicalpipeline.model.features.FeatureDefinition;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.paimon.catalog.Catalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The catalog lands in a real Paimon table created from sql/03_feature_tables.sql, once per (name, version). */
class FeatureCatalogTableTest {

    @Test
    void publishedCatalogMatchesTheDefinitionsAndIsIdempotent(@TempDir Path warehouse) throws Exception {
        Lakehouse lake = new Lakehouse(warehouse.toString());
        lake.createTables("clinical");
        try (Catalog catalog = lake.openCatalog()) {
            FeatureCatalogTable.publish(catalog, "clinical");
            FeatureCatalogTable.publish(catalog, "clinical");
            List<List<Object>> rows = new PaimonCounts(catalog, "clinical").rows(FeatureCatalogTable.TABLE, "name", "version", "unit");
            assertEquals(FeatureCalculator.catalog().size(), rows.size());
            Set<String> expected = FeatureCalculator.catalog().stream()
                    .map(FeatureDefinition::name).collect(Collectors.toSet());
            assertEquals(expected, rows.stream().map(r -> (String) r.get(0)).collect(Collectors.toSet()));
            assertEquals(Set.of(FeatureCalculator.VERSION), rows.stream().map(r -> (Integer) r.get(1)).collect(Collectors.toSet()));
            assertEquals("mmHg", rows.stream().filter(r -> r.get(0).equals("systolic_bp_1h_mean")).findFirst().orElseThrow().get(2));
        }
    }

    /** sql/03 spells out the feature columns for SQL users; it must say exactly what the operator emits. */
    @Test
    void featureTableDdlHasTheCatalogColumns(@TempDir Path warehouse) {
        TableEnvironment tEnv = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        new Lakehouse(warehouse.toString()).createTables(tEnv, "clinical");
        DataType table = tEnv.from(FeatureJob.FEATURES_TABLE).getResolvedSchema().toPhysicalRowDataType();
        RowType expected = (RowType) FeatureRows.rowType().getLogicalType();
        String expectedColumns = expected.getFields().stream()
                .map(f -> "  " + f.getName() + " " + f.getType().asSerializableString() + ",")
                .collect(Collectors.joining("\n"));
        assertEquals(expected.copy(false), table.getLogicalType().copy(false),
                "patient_features in sql/03_feature_tables.sql must have these columns:\n" + expectedColumns);
    }
}
