package io.clinicalpipeline.registry;

import io.clinicalpipeline.lake.Lakehouse;
import org.apache.paimon.catalog.Catalog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The registry's stage rules on real Paimon tables created from sql/04_model_tables.sql. */
class ModelRegistryTest {

    @TempDir
    Path warehouse;
    private Catalog catalog;
    private ModelRegistry registry;

    @BeforeEach
    void open() {
        Lakehouse lake = new Lakehouse(warehouse.toString());
        lake.createTables("reg");
        catalog = lake.openCatalog();
        registry = new ModelRegistry(catalog, "reg");
    }

    @AfterEach
    void close() throws Exception {
        catalog.close();
    }

    private ModelVersion register() throws Exception {
        long v = registry.nextVersion();
        LocalDateTime now = LocalDateTime.now();
        return registry.register(new ModelVersion(v, "risk", "lr", "{}", List.of("a", "intercept"), List.of("a"), 1,
                "{\"csv\":\"x\"}", "{\"auroc\":0.9}", "/models/v" + v, null, now, "ignored", 0.7, now));
    }

    @Test
    void registeredVersionsAreNumberedAndStartInStageNone() throws Exception {
        ModelVersion first = register();
        ModelVersion second = register();
        assertEquals(1, first.version());
        assertEquals(2, second.version());
        ModelVersion read = registry.get(2);
        assertEquals(ModelVersion.NONE, read.stage());
        assertEquals(0.0, read.trafficShare());
        assertEquals(List.of("a", "intercept"), read.featureNames());
        assertEquals(List.of("a"), read.inputColumns());
        assertEquals("{\"auroc\":0.9}", read.metrics());
        assertThrows(IllegalArgumentException.class, () -> registry.get(9));
    }

    @Test
    void oneProductionVersionAndOneChallenger() throws Exception {
        register();
        register();
        register();
        registry.promote(1, ModelVersion.PRODUCTION, 0, null);
        registry.promote(2, ModelVersion.PRODUCTION, 0, null);
        assertEquals(ModelVersion.ARCHIVED, registry.get(1).stage(), "promoting 2 archives 1");
        assertEquals(2, registry.production().orElseThrow().version());
        registry.promote(1, ModelVersion.STAGING, 0.2, null);
        assertTrue(registry.get(1).isChallenger());
        registry.promote(3, ModelVersion.STAGING, 0.1, null);
        assertTrue(registry.get(3).isChallenger());
        assertEquals(ModelVersion.STAGING, registry.get(1).stage());
        assertEquals(0.0, registry.get(1).trafficShare(), "one challenger at a time");
        assertThrows(IllegalArgumentException.class, () -> registry.promote(3, ModelVersion.PRODUCTION, 0.5, null));
        assertThrows(IllegalArgumentException.class, () -> registry.promote(3, "live", 0, null));
        assertThrows(IllegalArgumentException.class, () -> registry.promote(3, ModelVersion.STAGING, 1.5, null));
    }

    @Test
    void rollbackRestoresThePreviousProductionVersion() throws Exception {
        register();
        register();
        assertThrows(IllegalStateException.class, () -> registry.rollback(null), "nothing in production");
        registry.promote(1, ModelVersion.PRODUCTION, 0, null);
        assertThrows(IllegalStateException.class, () -> registry.rollback(null), "nothing before version 1");
        registry.promote(2, ModelVersion.PRODUCTION, 0, "better AUROC");
        ModelVersion back = registry.rollback(null);
        assertEquals(1, back.version());
        assertEquals(ModelVersion.PRODUCTION, registry.get(1).stage());
        assertEquals(ModelVersion.ARCHIVED, registry.get(2).stage());
        assertEquals(2, registry.rollback(null).version(), "rolling back again returns to version 2");
    }
}
