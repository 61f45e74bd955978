package io.clinicalpipeline.cli;

import io.clinicalpipeline.features.FeatureCatalogTable;
import io.clinicalpipeline.lake.Lakehouse;
import io.clinicalpipeline.model.features.FeatureCalculator;
import org.apache.paimon.catalog.Catalog;

/** {@code bin/pipeline features <subcommand>}: the patient features. */
final class FeaturesCommand {

    private FeaturesCommand() {}

    static int run(String[] args) throws Exception {
        if (args.length == 0 || !args[0].equals("catalog")) {
            System.err.println("Usage: bin/pipeline features catalog [options]   (features catalog --help for options)");
            return args.length > 0 && args[0].equals("--help") ? 0 : 2;
        }
        Options o = Common.lake(new Options("features catalog",
                "Writes the definitions of every feature (name, type, unit, look-back, description, version) to the\n"
                        + "feature_catalog table, where the SQL client finds them."));
        if (!o.parse(java.util.Arrays.copyOfRange(args, 1, args.length))) {
            return 0;
        }
        Lakehouse lake = new Lakehouse(o.get("warehouse"));
        lake.createTables(o.get("database"));
        try (Catalog catalog = lake.openCatalog()) {
            int n = FeatureCatalogTable.publish(catalog, o.get("database"));
            System.out.printf("features: %d definitions (version %d) in %s.%s%n", n, FeatureCalculator.VERSION,
                    o.get("database"), FeatureCatalogTable.TABLE);
        }
        return 0;
    }
}
