package io.clinicalpipeline.cli;

import io.clinicalpipeline.lake.Lakehouse;
import org.apache.paimon.catalog.Catalog;
import picocli.CommandLine.Option;

/** Where the Paimon tables are. */
final class LakeOptions {

    @Option(names = "--warehouse", paramLabel = "PATH|URI", defaultValue = "data/warehouse",
            description = "Paimon warehouse: a directory or a Hadoop-compatible URI")
    String warehouse;

    @Option(names = "--database", paramLabel = "NAME", defaultValue = Lakehouse.DEFAULT_DATABASE,
            description = "Paimon database of the pipeline's tables")
    String database;

    Lakehouse lakehouse() {
        return new Lakehouse(warehouse);
    }

    /** Paimon's catalog of the warehouse, with the pipeline's tables in --database created if missing. Close it. */
    Catalog openWithTables() {
        Lakehouse lakehouse = lakehouse();
        lakehouse.createTables(database);
        return lakehouse.openCatalog();
    }
}
