package io.clinicalpipeline.cli;

import io.clinicalpipeline.lake.Lakehouse;
import io.clinicalpipeline.registry.ModelRegistry;
import io.clinicalpipeline.registry.ModelVersion;
import org.apache.paimon.catalog.Catalog;

import java.util.Arrays;
import java.util.Locale;

/** {@code bin/pipeline model list|show|promote|archive|rollback}: the model registry's versions and stages. */
final class ModelCommand {

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private ModelCommand() {}

    static int run(String[] args) throws Exception {
        String sub = args.length == 0 ? "--help" : args[0];
        String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
        String versionArg = rest.length > 0 && !rest[0].startsWith("--") ? rest[0] : null;
        if (versionArg != null) {
            rest = Arrays.copyOfRange(rest, 1, rest.length);
        }
        Options o = Common.lake(new Options("model " + sub,
                "Model registry (Paimon table model_registry): versions, stages none -> staging -> production -> archived.\n"
                        + "  model list                     every version with stage, traffic share and test AUROC\n"
                        + "  model show VERSION             one version: params, features, training data, metrics\n"
                        + "  model promote VERSION --stage staging|production [--traffic-share F]\n"
                        + "                                 production archives the previous one; a staging version with a\n"
                        + "                                 traffic share is the challenger (that share of patients)\n"
                        + "  model archive VERSION\n"
                        + "  model rollback                 the previous production version becomes production again"))
                .option("stage", "STAGE", null, "promote: target stage")
                .option("traffic-share", "F", "0", "promote --stage staging: share of patients the challenger scores")
                .option("note", "TEXT", null, "why, recorded in model_stage_changes");
        if (sub.equals("--help") || sub.equals("help")) {
            System.out.print(o.help());
            return 0;
        }
        if (!o.parse(rest)) {
            return 0;
        }
        Lakehouse lake = new Lakehouse(o.get("warehouse"));
        lake.createTables(o.get("database"));
        try (Catalog catalog = lake.openCatalog()) {
            ModelRegistry registry = new ModelRegistry(catalog, o.get("database"));
            switch (sub) {
                case "list" -> list(registry);
                case "show" -> show(registry.get(version(o, versionArg)));
                case "promote" -> {
                    if (o.get("stage") == null) {
                        throw new Options.UsageException("promote needs --stage staging|production", o);
                    }
                    changed(registry.promote(version(o, versionArg), o.get("stage").toLowerCase(Locale.ROOT),
                            o.getDouble("traffic-share"), o.get("note")));
                }
                case "archive" -> changed(registry.archive(version(o, versionArg), o.get("note")));
                case "rollback" -> changed(registry.rollback(o.get("note")));
                default -> throw new Options.UsageException("unknown model command '" + sub
                        + "'; use list, show, promote, archive or rollback", o);
            }
        }
        return 0;
    }

    private static long version(Options o, String arg) {
        if (arg == null) {
            throw new Options.UsageException("name the model VERSION (bin/pipeline model list shows them)", o);
        }
        try {
            return Long.parseLong(arg);
        } catch (NumberFormatException e) {
            throw new Options.UsageException("VERSION must be a number, got '" + arg + "'", o);
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
