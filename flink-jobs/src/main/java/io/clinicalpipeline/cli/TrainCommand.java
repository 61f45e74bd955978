package io.clinicalpipeline.cli;

import io.clinicalpipeline.lake.Lakehouse;
import io.clinicalpipeline.model.eval.BinaryMetrics;
import io.clinicalpipeline.registry.ModelRegistry;
import io.clinicalpipeline.registry.ModelVersion;
import io.clinicalpipeline.train.Algorithm;
import io.clinicalpipeline.train.CsvFormat;
import io.clinicalpipeline.train.TrainInput;
import io.clinicalpipeline.train.TrainedModels;
import io.clinicalpipeline.train.Trainer;
import org.apache.paimon.catalog.Catalog;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** {@code bin/pipeline train}: fits a model on any CSV file or Paimon table and measures it on held-out rows. */
final class TrainCommand {

    private TrainCommand() {}

    static int run(String[] args) throws Exception {
        Options o = Common.lake(new Options("train",
                "Fits a tabular encoder and a classifier (logistic regression after a standard scaler, or\n"
                        + "gradient-boosted trees) on a CSV file or a Paimon table with bounded Flink jobs (one pass per\n"
                        + "stage; one per Newton round, or per tree level), then scores the held-out rows and prints\n"
                        + "AUROC, AUPRC, F1 and the Brier score. CSV: header detected (or --header), delimiter inferred,\n"
                        + "quotes allowed, ?/NA/empty are missing (imputed), text columns one-hot encoded."))
                .option("input", "CSV|TABLE", null, "a CSV file (path or URI) or a Paimon table in --database (required)")
                .option("label", "COLUMN", null, "the column to predict (required)")
                .option("positive", "V[,V…]", null, "label value(s) of the positive class (default: 1 for a 0/1 label)")
                .option("features", "A,B,…", null, "feature columns (default: every other numeric, text or boolean column)")
                .option("exclude", "A,B,…", "", "columns not to use as features (ids, say)")
                .option("categorical", "A,B,…", "", "numeric columns to one-hot encode as categories (codes such as cp, thal)")
                .option("columns", "A,B,…", null, "CSV column names, for a file without a header")
                .option("header", "auto|yes|no", "auto", "whether the CSV's first line names the columns")
                .option("algorithm", "lr|gbt", "lr", "lr: logistic regression (elastic net, Newton's method); gbt: "
                        + "gradient-boosted trees (logistic loss, histogram splits)")
                .option("max-iter", "N", null, "lr: Newton rounds at most (50); gbt: trees (20)")
                .option("reg", "LAMBDA", null, "lr: regularisation strength (0)")
                .option("elastic-net", "ALPHA", null, "lr: L1 share of the penalty, 0 ridge to 1 lasso (0)")
                .option("tol", "T", null, "lr: stop when the objective improves by less than this, relative (1e-8)")
                .option("max-depth", "N", null, "gbt: depth of each tree (5)")
                .option("max-bins", "N", null, "gbt: quantile bins per feature (32)")
                .option("step-size", "ETA", null, "gbt: learning rate (0.3)")
                .option("reg-lambda", "L", null, "gbt: L2 penalty on leaf values (1)")
                .option("min-instances", "N", null, "gbt: fewest rows in a leaf (1)")
                .option("min-info-gain", "G", null, "gbt: least loss reduction a split must bring (0)")
                .option("class-weight", "none|balanced", "none", "balanced: both classes weigh the same in the loss")
                .option("max-categories", "N", "50", "one-hot columns per text column; rarer values share one")
                .option("grid", "P=V,V;P=V,…", null, "hyperparameter grid for cross-validation, e.g. reg=0,0.01,0.1;elastic-net=0,0.5 "
                        + "or max-depth=3,5;step-size=0.1,0.3 (any of the algorithm's options above)")
                .option("folds", "K", "1", "k-fold cross-validation on the train rows (picks the grid point with the best mean AUROC)")
                .option("test-fraction", "F", "0.2", "share of rows held out for the test (by a seeded hash of the row)")
                .option("seed", "N", "42", "seed of the train/test split")
                .option("threshold", "P", "0.5", "score at or above which a row is predicted positive (F1, confusion)")
                .option("baseline", "COLUMN", null, "a score column to compare on the same test rows (default: news2_total if the input has it)")
                .option("baseline-threshold", "V", "5", "baseline value at or above which it alerts (NEWS2: 5 is medium risk)")
                .option("metrics-out", "FILE", null, "write the test metrics as JSON")
                .option("report", "FILE", null, "write an HTML report (metrics vs baseline, ROC and calibration curves)")
                .flag("register", "save the model under <warehouse>/models/v<N> and add it to model_registry (stage none)")
                .option("name", "NAME", "risk", "model name in the registry")
                .option("model-out", "DIR", null, "save the fitted Flink ML pipeline (loads with PipelineModel.load or its servable)")
                .option("parallelism", "N", "2", "parallel subtasks of the training jobs")
                .option("scratch-dir", "DIR", "", "where training points are cached between rounds (a shared file system on a cluster)");
        if (!o.parse(args)) {
            return 0;
        }
        Algorithm algorithm;
        Map<String, Double> hyperparameters = new LinkedHashMap<>();
        try {
            algorithm = Algorithm.of(o.get("algorithm"));
            for (String name : ALGORITHM_OPTIONS) {
                if (o.get(name) != null) {
                    hyperparameters.put(name, o.getDouble(name));
                }
            }
            algorithm.params(hyperparameters);
        } catch (IllegalArgumentException e) {
            throw new Options.UsageException(e.getMessage(), o);
        }
        List<Map<String, Double>> grid = grid(o, algorithm);
        if (!grid.isEmpty() && o.getInt("folds") < 2) {
            throw new Options.UsageException("--grid needs --folds 2 or more to compare its points", o);
        }
        String input = o.required("input");
        String label = o.required("label");
        try (Common.BoundedJobs jobs = Common.BoundedJobs.start(o.getInt("parallelism"))) {
            StreamTableEnvironment tEnv = StreamTableEnvironment.create(jobs.env());
            TrainInput data = read(o, tEnv, input, label);
            String baseline = o.get("baseline") != null ? o.get("baseline")
                    : data.candidates().contains(NEWS2) ? NEWS2 : null;
            if (baseline != null && !data.candidates().contains(baseline)) {
                throw new Options.UsageException("--baseline " + baseline + " is not a numeric column of the input", o);
            }
            List<String> features = data.features(list(o.get("features")), list(o.get("exclude")));
            Trainer.Settings settings = new Trainer.Settings(features, list(o.get("categorical")),
                    o.getInt("max-categories"), algorithm, hyperparameters, o.get("class-weight"),
                    o.getDouble("threshold"), o.get("scratch-dir"), baseline, o.getDouble("baseline-threshold"),
                    grid, o.getInt("folds"));
            Trainer.Result result = Trainer.train(data, settings);
            print(result, algorithm, baseline);
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("input", data.describe());
            run.put("label", label);
            run.put("positive", o.get("positive"));
            run.put("algorithm", algorithm.cliName());
            run.put("baseline", baseline);
            run.put("args", Arrays.asList(args));
            Map<String, String> details = new LinkedHashMap<>();
            details.put("input", data.describe());
            details.put("label", label + (o.get("positive") == null ? "" : " (positive: " + o.get("positive") + ")"));
            details.put("algorithm", algorithm.description() + " " + result.chosen());
            details.put("rows", String.format(Locale.ROOT, "%,d train, %,d test", result.trainRows(), result.test().rows()));
            details.put("features", result.featureNames().size() + " encoded from " + features.size() + " columns");
            Map<String, Object> params = new LinkedHashMap<>();
            for (String key : List.of("class-weight", "threshold", "max-categories", "folds", "grid")) {
                params.put(key, o.get(key));
            }
            params.putAll(result.chosen());
            TrainedModels.Trained trained = new TrainedModels.Trained(o.get("name"), algorithm.cliName(), params, result,
                    data, features, run, details, baseline);
            if (o.get("metrics-out") != null) {
                Trainer.writeMetrics(result, run, Path.of(o.get("metrics-out")));
                System.out.println("metrics written to " + o.get("metrics-out"));
            }
            if (o.has("register")) {
                Lakehouse lake = new Lakehouse(o.get("warehouse"));
                lake.createTables(o.get("database"));
                try (Catalog catalog = lake.openCatalog()) {
                    ModelVersion v = TrainedModels.register(new ModelRegistry(catalog, o.get("database")), lake.warehouse(),
                            o.get("database"), trained, o.get("model-out"), o.get("report"));
                    System.out.println("model saved to " + v.modelPath() + ", report " + v.reportPath());
                    System.out.println("registered " + v.name() + " version " + v.version() + " (stage none); promote it "
                            + "with bin/pipeline model promote " + v.version() + " --stage production");
                }
                return 0;
            }
            if (o.get("model-out") != null) {
                result.model().save(o.get("model-out"));
                System.out.println("model saved to " + o.get("model-out"));
            }
            if (o.get("report") != null) {
                TrainedModels.writeReport(o.get("report"), o.get("name"), trained);
                System.out.println("report written to " + o.get("report"));
            }
            return 0;
        }
    }

    private static TrainInput read(Options o, StreamTableEnvironment tEnv, String input, String label) throws Exception {
        double testFraction = o.getDouble("test-fraction");
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new Options.UsageException("--test-fraction must be between 0 and 1", o);
        }
        boolean csv = input.contains("/") || input.contains("\\") || Files.exists(Path.of(input));
        if (csv) {
            CsvFormat format = CsvFormat.infer(input, headerMode(o), list(o.get("columns")), 2000);
            int labelIndex = format.index(label);
            Set<String> positive = positive(o, label, format.numeric().get(labelIndex), input);
            return TrainInput.csv(tEnv, input, format, new TrainInput.Labels(label, positive, testFraction, o.getLong("seed")));
        }
        Set<String> positive = positive(o, label, true, input);
        return TrainInput.paimon(tEnv, new Lakehouse(o.get("warehouse")), o.get("database"), input,
                new TrainInput.Labels(label, positive, testFraction, o.getLong("seed")));
    }

    private static Set<String> positive(Options o, String label, boolean numeric, String input) {
        if (o.get("positive") != null) {
            Set<String> values = new LinkedHashSet<>();
            for (String v : list(o.get("positive"))) {
                Double d = numeric ? CsvFormat.parseNumber(v) : null;
                values.add(io.clinicalpipeline.model.ml.feature.Encoding.key(d != null ? d : v));
            }
            return values;
        }
        if (!numeric) {
            throw new Options.UsageException("label '" + label + "' of " + input + " holds text: name the positive "
                    + "class with --positive VALUE", o);
        }
        return Set.of("1");
    }

    /** {@code reg=0,0.1;elastic-net=0,0.5} as every combination of the listed values. */
    static List<Map<String, Double>> grid(Options o, Algorithm algorithm) {
        String spec = o.get("grid");
        List<Map<String, Double>> points = new java.util.ArrayList<>();
        if (spec == null || spec.isBlank()) {
            return points;
        }
        points.add(Map.of());
        for (String axis : spec.split(";")) {
            String[] kv = axis.split("=", 2);
            String name = kv[0].trim();
            if (kv.length != 2 || !algorithm.paramNames().contains(name)) {
                throw new Options.UsageException("--grid with --algorithm " + algorithm.cliName() + " takes lists of "
                        + String.join(", ", algorithm.paramNames()) + " (NAME=V,V) separated by ';', got '" + axis + "'", o);
            }
            List<Map<String, Double>> next = new java.util.ArrayList<>();
            for (Map<String, Double> point : points) {
                for (String value : kv[1].split(",")) {
                    Double v = CsvFormat.parseNumber(value);
                    if (v == null) {
                        throw new Options.UsageException("--grid value '" + value + "' of " + name + " is not a number", o);
                    }
                    Map<String, Double> extended = new LinkedHashMap<>(point);
                    extended.put(name, v);
                    next.add(extended);
                }
            }
            points = next;
        }
        return points;
    }

    private static CsvFormat.HeaderMode headerMode(Options o) {
        return switch (o.get("header").toLowerCase(Locale.ROOT)) {
            case "auto" -> CsvFormat.HeaderMode.AUTO;
            case "yes", "true" -> CsvFormat.HeaderMode.YES;
            case "no", "false" -> CsvFormat.HeaderMode.NO;
            default -> throw new Options.UsageException("--header must be auto, yes or no", o);
        };
    }

    private static List<String> list(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static final String NEWS2 = "news2_total";
    private static final List<String> ALGORITHM_OPTIONS = List.of("max-iter", "reg", "elastic-net", "tol", "max-depth",
            "max-bins", "step-size", "reg-lambda", "min-instances", "min-info-gain");


    private static void print(Trainer.Result r, Algorithm algorithm, String baselineName) {
        BinaryMetrics m = r.test();
        System.out.printf(Locale.ROOT, "trained %s on %,d rows (%d features, %d %s%s) in %.1f s%n",
                algorithm.description(), r.trainRows(), r.featureNames().size(), r.trace().rounds().size(),
                algorithm.rounds(), algorithm.ending(r.trace()), r.millis() / 1000.0);
        if (!r.importance().isEmpty()) {
            StringBuilder top = new StringBuilder("most important features (share of the trees' gain):");
            r.importance().entrySet().stream().limit(8).forEach(e ->
                    top.append(String.format(Locale.ROOT, " %s %.3f", e.getKey(), e.getValue())));
            System.out.println(top);
        }
        r.skipped().forEach((problem, n) -> System.out.printf(Locale.ROOT, "left out %,d rows: %s%n", n, problem));
        for (Trainer.CvResult c : r.crossValidation()) {
            System.out.printf(Locale.ROOT, "cross-validation %s: mean AUROC %.4f over %d folds%n", c.params(),
                    c.meanAuroc(), c.foldAuroc().length);
        }
        if (!r.crossValidation().isEmpty()) {
            System.out.println("chosen " + r.chosen() + ", refitted on all train rows");
        }
        System.out.printf(Locale.ROOT, "test rows %,d (%,d positive)%n", m.rows(), m.positives());
        System.out.printf(Locale.ROOT, "AUROC %.4f  AUPRC %.4f  Brier %.4f%n", m.auroc(), m.auprc(), m.brier());
        System.out.printf(Locale.ROOT, "at threshold %.2f: precision %.4f  recall %.4f  F1 %.4f  (TP %d FP %d TN %d FN %d)%n",
                m.threshold(), m.confusion().precision(), m.confusion().recall(), m.confusion().f1(),
                m.confusion().truePositives(), m.confusion().falsePositives(), m.confusion().trueNegatives(),
                m.confusion().falseNegatives());
        if (r.baseline() != null) {
            BinaryMetrics b = r.baseline();
            System.out.printf(Locale.ROOT, "baseline %s on the same rows: AUROC %.4f  AUPRC %.4f; at >= %.1f: precision %.4f  recall %.4f%n",
                    baselineName, b.auroc(), b.auprc(), b.threshold(), b.confusion().precision(), b.confusion().recall());
        }
    }
}
