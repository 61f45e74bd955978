package io.clinicalpipeline.cli;

import io.clinicalpipeline.lake.PaimonCounts;
import io.clinicalpipeline.reconcile.Reconciler;
import org.apache.paimon.catalog.Catalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "reconcile", header = "counts every topic's records in Kafka, bronze, silver and rejects; fails if they differ", description = "Prints per topic: records in Kafka, bronze, silver, duplicates dropped, quarantined "
        + "(by reason) and dead-lettered (by error). Exits 1 if they do not add up, naming each table that is short.")
final class ReconcileCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    LakeOptions lake;

    @Option(names = "--summary", paramLabel = "FILE", description = "also write the reconciliation as JSON")
    Path summary;

    @Override
    public Integer call() throws Exception {
        String bootstrap = kafka.requireBootstrap(spec);
        try (Catalog catalog = lake.lakehouse().openCatalog()) {
            return Reconciler.report(bootstrap, kafka.topics(), new PaimonCounts(catalog, lake.database), summary, System.out) ? 0 : 1;
        }
    }
}
