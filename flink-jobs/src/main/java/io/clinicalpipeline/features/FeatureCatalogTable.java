package io.clinicalpipeline.features;

import io.clinicalpipeline.lake.PaimonWrites;
import io.clinicalpipeline.model.features.FeatureCalculator;
import io.clinicalpipeline.model.features.FeatureDefinition;
import org.apache.paimon.catalog.Catalog;
import org.apache.paimon.catalog.Identifier;
import org.apache.paimon.data.BinaryString;
import org.apache.paimon.data.GenericRow;

/** Publishes {@link FeatureCalculator#catalog()} to the {@code feature_catalog} table; idempotent by (name, version). */
public final class FeatureCatalogTable {

    public static final String TABLE = "feature_catalog";

    private FeatureCatalogTable() {}

    /** @return how many definitions were written */
    public static int publish(Catalog catalog, String database) throws Exception {
        PaimonWrites.commit(catalog.getTable(Identifier.create(database, TABLE)), sink -> {
            for (FeatureDefinition d : FeatureCalculator.catalog()) {
                sink.write(GenericRow.of(BinaryString.fromString(d.name()), d.version(), BinaryString.fromString(d.type()),
                        BinaryString.fromString(d.unit()), BinaryString.fromString(d.window()),
                        BinaryString.fromString(d.description()), BinaryString.fromString(d.label())));
            }
        });
        return FeatureCalculator.catalog().size();
    }
}
