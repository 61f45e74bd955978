package io.clinicalpipeline.features;

import io.clinicalpipeline.model.features.FeatureCalculator;
import io.clinicalpipeline.model.features.FeatureDefinition;
import org.apache.paimon.catalog.Catalog;
import org.apache.paimon.catalog.Identifier;
import org.apache.paimon.data.BinaryString;
import org.apache.paimon.data.GenericRow;
import org.apache.paimon.table.Table;
import org.apache.paimon.table.sink.BatchTableCommit;
import org.apache.paimon.table.sink.BatchTableWrite;
import org.apache.paimon.table.sink.BatchWriteBuilder;

/** Publishes {@link FeatureCalculator#catalog()} to the {@code feature_catalog} table; idempotent by (name, version). */
public final class FeatureCatalogTable {

    public static final String TABLE = "feature_catalog";

    private FeatureCatalogTable() {}

    /** @return how many definitions were written */
    public static int publish(Catalog catalog, String database) throws Exception {
        Table table = catalog.getTable(Identifier.create(database, TABLE));
        BatchWriteBuilder builder = table.newBatchWriteBuilder();
        try (BatchTableWrite write = builder.newWrite(); BatchTableCommit commit = builder.newCommit()) {
            for (FeatureDefinition d : FeatureCalculator.catalog()) {
                write.write(GenericRow.of(BinaryString.fromString(d.name()), d.version(), BinaryString.fromString(d.type()),
                        BinaryString.fromString(d.unit()), BinaryString.fromString(d.window()),
                        BinaryString.fromString(d.description())));
            }
            commit.commit(write.prepareCommit());
        }
        return FeatureCalculator.catalog().size();
    }
}
