package io.clinicalpipeline.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.clinicalpipeline.registry.ModelRegistry;
import io.clinicalpipeline.registry.ModelVersion;
import org.apache.paimon.catalog.Catalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code bin/pipeline model list|show|promote|archive|rollback}: the model registry's versions and stages. */
@Command(name = "model", header = "model registry: list, show, promote, archive, rollback", description = "Model registry (Paimon table model_registry): versions, stages none -> staging -> "
        + "production -> archived.",
        subcommands = {ModelCommand.ListVersions.class, ModelCommand.Show.class, ModelCommand.Promote.class,
                ModelCommand.Archive.class, ModelCommand.Rollback.class})
final class ModelCommand extends CommandGroup {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What every model command does: open the registry of --database, act on it. */
    abstract static class OnRegistry implements Callable<Integer> {
        @Mixin
        LakeOptions lake;

        @Override
        public Integer call() throws Exception {
            try (Catalog catalog = lake.openWithTables()) {
                apply(new ModelRegistry(catalog, lake.database));
            }
            return 0;
        }

        abstract void apply(ModelRegistry registry) throws Exception;
    }

    @Command(name = "list", description = "every version with stage, traffic share and test AUROC")
    static final class ListVersions extends OnRegistry {
        @Override
        void apply(ModelRegistry registry) throws Exception {
            list(registry);
        }
    }

    @Command(name = "show", description = "one version: params, features, training data, metrics")
    static final class Show extends OnRegistry {
        @Parameters(paramLabel = "VERSION", description = "the version (model list shows them)")
        long version;

        @Override
        void apply(ModelRegistry registry) throws Exception {
            show(registry.get(version));
        }
    }

    @Command(name = "promote", description = "moves a version to staging or production; production archives the previous one, and "
            + "a staging version with a traffic share is the challenger (that share of patients)")
    static final class Promote extends OnRegistry {
        @Parameters(paramLabel = "VERSION", description = "the version (model list shows them)")
        long version;

        @Option(names = "--stage", paramLabel = "staging|production", required = true, description = "target stage")
        String stage;

        @Option(names = "--traffic-share", paramLabel = "F", defaultValue = "0",
                description = "with --stage staging: share of patients the challenger scores")
        double trafficShare;

        @Option(names = "--note", paramLabel = "TEXT", description = "why, recorded in model_stage_changes")
        String note;

        @Override
        void apply(ModelRegistry registry) throws Exception {
            changed(registry.promote(version, stage.toLowerCase(Locale.ROOT), trafficShare, note));
        }
    }

    @Command(name = "archive", description = "retires a version")
    static final class Archive extends OnRegistry {
        @Parameters(paramLabel = "VERSION", description = "the version (model list shows them)")
        long version;

        @Option(names = "--note", paramLabel = "TEXT", description = "why, recorded in model_stage_changes")
        String note;

        @Override
        void apply(ModelRegistry registry) throws Exception {
            changed(registry.archive(version, note));
        }
    }

    @Command(name = "rollback", description = "the previous production version becomes production again")
    static final class Rollback extends OnRegistry {
        @Option(names = "--note", paramLabel = "TEXT", description = "why, recorded in model_stage_changes")
        String note;

        @Override
        void apply(ModelRegistry registry) throws Exception {
            changed(registry.rollback(note));
        }
    }

    private static void list(ModelRegistry registry) {
        System.out.printf("%-8s %-16s %-10s %-8s %-7s %-19s %s%n", "VERSION", "NAME", "STAGE", "SHARE", "AUROC",
                "CREATED", "ALGORITHM");
        for (ModelVersion v : registry.list()) {
            System.out.printf(Locale.ROOT, "%-8d %-16s %-10s %-8.2f %-7s %-19s %s%n", v.version(), v.name(), v.stage(),
                    v.trafficShare(), auroc(v), v.createdAt().withNano(0).toString().replace('T', ' '), v.algorithm());
        }
    }

    private static String auroc(ModelVersion v) {
        try {
            var auroc = JSON.readTree(v.metrics()).get("auroc");
            return auroc == null || !auroc.isNumber() ? "-" : String.format(Locale.ROOT, "%.4f", auroc.asDouble());
        } catch (java.io.IOException e) {
            return "-";
        }
    }

    private static void show(ModelVersion v) {
        System.out.println("version        " + v.version() + " (" + v.name() + ")");
        System.out.println("stage          " + v.stage() + (v.trafficShare() > 0 ? " (challenger, share " + v.trafficShare() + ")" : "")
                + " since " + v.stageChangedAt());
        System.out.println("algorithm      " + v.algorithm() + " " + v.params());
        System.out.println("input columns  " + v.inputColumns());
        System.out.println("features       " + v.featureNames().size() + " encoded, definition version " + v.definitionVersion());
        System.out.println("training data  " + v.trainingData());
        System.out.println("metrics        " + v.metrics());
        System.out.println("model          " + v.modelPath());
        System.out.println("report         " + v.reportPath());
    }

    private static void changed(ModelVersion v) {
        System.out.println("version " + v.version() + " is now " + v.stage()
                + (v.trafficShare() > 0 ? " (challenger for " + v.trafficShare() * 100 + "% of patients)" : ""));
    }
}
