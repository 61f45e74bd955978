package io.clinicalpipeline.cli;

import io.clinicalpipeline.jobs.BoundedJobs;
import io.clinicalpipeline.model.ml.feature.Encoding;
import io.clinicalpipeline.registry.ModelRegistry;
import io.clinicalpipeline.registry.ModelVersion;
import io.clinicalpipeline.train.Algorithm;
import io.clinicalpipeline.train.CsvFormat;
import io.clinicalpipeline.train.TrainInput;
import io.clinicalpipeline.train.TrainSummary;
import io.clinicalpipeline.train.TrainedModels;
import io.clinicalpipeline.train.Trainer;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.paimon.catalog.Catalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code bin/pipeline train}: fits a model on any CSV file or Paimon table and measures it on held-out rows. */
@Command(name = "train", header = "fits and evaluates a risk model on a CSV file or Paimon table (Flink ML, bounded jobs)", description = "Fits a tabular encoder and a classifier (logistic regression after a standard scaler, or "
        + "gradient-boosted trees) on a CSV file or a Paimon table with bounded Flink jobs (one pass per stage; one per "
        + "Newton round, or per tree level), then scores the held-out rows and prints AUROC, AUPRC, F1 and the Brier score. "
        + "CSV: header detected (or --header), delimiter inferred, quotes allowed, ?/NA/empty are missing (imputed), text "
        + "columns one-hot encoded.")
final class TrainCommand implements Callable<Integer> {

    private static final String NEWS2 = "news2_total";

    /** Hyperparameter flags (each declared below, read back by name) and the Flink ML params they set. */
    private static final Map<String, String> PARAMS = new LinkedHashMap<>();

    static {
        PARAMS.put("max-iter", "maxIter");
        PARAMS.put("reg", "reg");
        PARAMS.put("elastic-net", "elasticNet");
        PARAMS.put("tol", "tol");
        PARAMS.put("max-depth", "maxDepth");
        PARAMS.put("max-bins", "maxBins");
        PARAMS.put("step-size", "stepSize");
        PARAMS.put("reg-lambda", "regLambda");
        PARAMS.put("min-instances", "minInstancesPerNode");
        PARAMS.put("min-info-gain", "minInfoGain");
        PARAMS.put("boost-from-baseline", "boostFromBaseline");
    }

    enum Header { AUTO, YES, NO }

    @Spec
    CommandSpec spec;

    @Mixin
    LakeOptions lake;

    @Option(names = "--input", paramLabel = "CSV|TABLE", required = true, description = "a CSV file (path or URI) or a Paimon "
            + "table in --database")
    String input;

    @Option(names = "--label", paramLabel = "COLUMN", required = true, description = "the column to predict")
    String label;

    @Option(names = "--positive", paramLabel = "V[,V…]", split = ",", description = "label value(s) of the positive class "
            + "(default: 1 for a 0/1 label)")
    List<String> positive;

    @Option(names = "--features", paramLabel = "A,B,…", split = ",", description = "feature columns (default: every other numeric, "
            + "text or boolean column)")
    List<String> features = List.of();

    @Option(names = "--exclude", paramLabel = "A,B,…", split = ",", description = "columns not to use as features (ids, say)")
    List<String> exclude = List.of();

    @Option(names = "--categorical", paramLabel = "A,B,…", split = ",", description = "numeric columns to one-hot encode as "
            + "categories (codes such as cp, thal)")
    List<String> categorical = List.of();

    @Option(names = "--columns", paramLabel = "A,B,…", split = ",", description = "CSV column names, for a file without a header")
    List<String> columns = List.of();

    @Option(names = "--header", paramLabel = "auto|yes|no", defaultValue = "auto", description = "whether the CSV's first line "
            + "names the columns")
    Header header;

    @Option(names = "--algorithm", paramLabel = "lr|gbt", defaultValue = "lr", description = "lr: logistic regression (elastic "
            + "net, "
            + "Newton's method); gbt: gradient-boosted trees (logistic loss, histogram splits)")
    String algorithm;

    @Option(names = "--max-iter", paramLabel = "N", description = "lr: Newton rounds at most (50); gbt: trees (100)")
    Double maxIter;

    @Option(names = "--reg", paramLabel = "LAMBDA", description = "lr: regularisation strength (default: chosen by inner "
            + "5-fold cross-validation over 1e-4..1e-1 when fitting in memory, else 1e-3)")
    Double reg;

    @Option(names = "--elastic-net", paramLabel = "ALPHA", description = "lr: L1 share of the penalty, 0 ridge to 1 lasso (0)")
    Double elasticNet;

    @Option(names = "--tol", paramLabel = "T", description = "lr: stop when the objective improves by less than this, relative "
            + "(1e-8)")
    Double tol;

    @Option(names = "--max-depth", paramLabel = "N", description = "gbt: depth of each tree (2)")
    Double maxDepth;

    @Option(names = "--max-bins", paramLabel = "N", description = "gbt: quantile bins per feature (32)")
    Double maxBins;

    @Option(names = "--step-size", paramLabel = "ETA", description = "gbt: learning rate (0.1)")
    Double stepSize;

    @Option(names = "--reg-lambda", paramLabel = "L", description = "gbt: L2 penalty on leaf values (1)")
    Double regLambda;

    @Option(names = "--min-instances", paramLabel = "N", description = "gbt: fewest rows in a leaf (20)")
    Double minInstances;

    @Option(names = "--min-info-gain", paramLabel = "G", description = "gbt: least loss reduction a split must bring (0)")
    Double minInfoGain;

    @Option(names = "--boost-from-baseline", paramLabel = "1|0", description = "gbt: 1 starts the trees from a logistic fit "
            + "on the --baseline column (when it is a feature), so they learn what the score misses; 0 from the classes' "
            + "log-odds (1)")
    Double boostFromBaseline;

    @Option(names = "--class-weight", paramLabel = "none|balanced", defaultValue = "none", description = "balanced: both classes "
            + "weigh the same in the loss")
    String classWeight;

    @Option(names = "--max-categories", paramLabel = "N", defaultValue = "50", description = "one-hot columns per text column; "
            + "rarer values share one")
    int maxCategories;

    @Option(names = "--grid", paramLabel = "P=V,V;P=V,…", description = "hyperparameter grid for cross-validation, e.g. "
            + "reg=0,0.01,0.1;elastic-net=0,0.5 or max-depth=3,5;step-size=0.1,0.3 (any of the algorithm's options above)")
    String grid;

    @Option(names = "--folds", paramLabel = "K", defaultValue = "1", description = "k-fold cross-validation on the train rows "
            + "(picks the grid point with the best mean AUROC)")
    int folds;

    @Option(names = "--in-memory-rows", paramLabel = "N", defaultValue = "" + Trainer.DEFAULT_LOCAL_ROWS, description = "fit in "
            + "this process, in one thread, when there are at most N train rows (seconds for small inputs); above it, or "
            + "with 0, every stage is a Flink job")
    long inMemoryRows;

    @Option(names = "--test-fraction", paramLabel = "F", defaultValue = "0.2", description = "share of rows held out for the test "
            + "(by a seeded hash of the row)")
    double testFraction;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "seed of the train/test split")
    long seed;

    @Option(names = "--threshold", paramLabel = "P", defaultValue = "0.5", description = "score at or above which a row is "
            + "predicted positive (F1, confusion)")
    double threshold;

    @Option(names = "--baseline", paramLabel = "COLUMN", description = "a score column to compare on the same test rows (default: "
            + "news2_total if the input has it)")
    String baseline;

    @Option(names = "--baseline-threshold", paramLabel = "V", defaultValue = "5", description = "baseline value at or above which "
            + "it alerts (NEWS2: 5 is medium risk)")
    double baselineThreshold;

    @Option(names = "--metrics-out", paramLabel = "FILE", description = "write the test metrics as JSON")
    Path metricsOut;

    @Option(names = "--report", paramLabel = "FILE", description = "write an HTML report (metrics vs baseline, ROC and calibration "
            + "curves)")
    String report;

    @Option(names = "--register", description = "save the model under <warehouse>/models/v<N> and add it to model_registry (stage "
            + "none)")
    boolean register;

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "risk", description = "model name in the registry")
    String name;

    @Option(names = "--model-out", paramLabel = "DIR", description = "save the fitted Flink ML pipeline (loads with "
            + "PipelineModel.load or its servable)")
    String modelOut;

    @Option(names = "--parallelism", paramLabel = "N", defaultValue = "2", description = "parallel subtasks of the training jobs")
    int parallelism;

    @Option(names = "--scratch-dir", paramLabel = "DIR", defaultValue = "", description = "where training points are cached "
            + "between rounds (a shared file system on a cluster)")
    String scratchDir;

    private String[] commandLine;

    @Override
    public Integer call() throws Exception {
        commandLine = spec.commandLine().getParseResult().originalArgs().toArray(new String[0]);
        Algorithm fit = algorithm();
        Map<String, Double> hyperparameters = hyperparameters(fit);
        List<Map<String, Double>> points = grid(fit);
        if (!points.isEmpty() && folds < 2) {
            throw usage("--grid needs --folds 2 or more to compare its points");
        }
        if (!(testFraction > 0 && testFraction < 1)) {
            throw usage("--test-fraction must be between 0 and 1");
        }
        try (BoundedJobs jobs = BoundedJobs.start(parallelism)) {
            TrainInput data = read(StreamTableEnvironment.create(jobs.env()));
            String baselineColumn = baseline != null ? baseline : data.candidates().contains(NEWS2) ? NEWS2 : null;
            if (baselineColumn != null && !data.candidates().contains(baselineColumn)) {
                throw usage("--baseline " + baselineColumn + " is not a numeric column of the input");
            }
            List<String> columnsUsed = data.features(features, exclude);
            Trainer.Result result = Trainer.train(data, new Trainer.Settings(columnsUsed, categorical, maxCategories, fit,
                    hyperparameters, classWeight, threshold, scratchDir, baselineColumn, baselineThreshold, points, folds,
                    inMemoryRows));
            TrainSummary.print(result, fit, baselineColumn, System.out);
            save(trained(fit, data, columnsUsed, result, baselineColumn), result);
            return 0;
        }
    }

    private Algorithm algorithm() {
        try {
            return Algorithm.of(algorithm);
        } catch (IllegalArgumentException e) {
            throw usage("--algorithm " + algorithm + " is not available; use lr or gbt");
        }
    }

    /** The hyperparameter flags given, by param name; a flag the algorithm does not take is a usage error. */
    private Map<String, Double> hyperparameters(Algorithm fit) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> flag : PARAMS.entrySet()) {
            Double value = spec.findOption("--" + flag.getKey()).getValue();
            if (value != null) {
                requireTakes(fit, flag.getKey());
                out.put(flag.getValue(), value);
            }
        }
        return out;
    }

    private void requireTakes(Algorithm fit, String flag) {
        if (!fit.paramNames().contains(PARAMS.get(flag))) {
            throw usage("--" + flag + " does not apply to --algorithm " + fit.id() + " (it takes " + flagsOf(fit) + ")");
        }
    }

    private static String flagsOf(Algorithm fit) {
        List<String> flags = new ArrayList<>();
        PARAMS.forEach((flag, param) -> {
            if (fit.paramNames().contains(param)) {
                flags.add("--" + flag);
            }
        });
        return String.join(", ", flags);
    }

    /** {@code reg=0,0.1;elastic-net=0,0.5} as every combination of the listed values, by param name. */
    private List<Map<String, Double>> grid(Algorithm fit) {
        List<Map<String, Double>> points = new ArrayList<>();
        if (grid == null || grid.isBlank()) {
            return points;
        }
        points.add(Map.of());
        for (String axis : grid.split(";")) {
            String[] kv = axis.split("=", 2);
            String flag = kv[0].trim();
            if (kv.length != 2 || !PARAMS.containsKey(flag) || !fit.paramNames().contains(PARAMS.get(flag))) {
                throw usage("--grid with --algorithm " + fit.id() + " takes lists of " + flagsOf(fit).replace("--", "")
                        + " (NAME=V,V) separated by ';', got '" + axis + "'");
            }
            List<Map<String, Double>> next = new ArrayList<>();
            for (Map<String, Double> point : points) {
                for (String value : kv[1].split(",")) {
                    Double v = CsvFormat.parseNumber(value);
                    if (v == null) {
                        throw usage("--grid value '" + value + "' of " + flag + " is not a number");
                    }
                    Map<String, Double> extended = new LinkedHashMap<>(point);
                    extended.put(PARAMS.get(flag), v);
                    next.add(extended);
                }
            }
            points = next;
        }
        return points;
    }

    private TrainInput read(StreamTableEnvironment tEnv) throws Exception {
        boolean csv = input.contains("/") || input.contains("\\") || Files.exists(Path.of(input));
        if (csv) {
            CsvFormat format;
            int labelIndex;
            try {
                format = CsvFormat.infer(input, CsvFormat.HeaderMode.valueOf(header.name()), columns, 2000);
                labelIndex = format.index(label);
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage() + " (--columns a,b,… names the columns of a file without a header)");
            }
            Set<String> positives = positives(format.numeric().get(labelIndex));
            return TrainInput.csv(tEnv, input, format, new TrainInput.Labels(label, positives, testFraction, seed));
        }
        return TrainInput.paimon(tEnv, lake.lakehouse(), lake.database, input,
                new TrainInput.Labels(label, positives(true), testFraction, seed));
    }

    private Set<String> positives(boolean numeric) {
        if (positive != null) {
            Set<String> values = new LinkedHashSet<>();
            for (String v : positive) {
                Double d = numeric ? CsvFormat.parseNumber(v) : null;
                values.add(Encoding.key(d != null ? d : v));
            }
            return values;
        }
        if (!numeric) {
            throw usage("label '" + label + "' of " + input + " holds text: name the positive class with --positive VALUE");
        }
        return Set.of("1");
    }

    private TrainedModels.Trained trained(Algorithm fit, TrainInput data, List<String> columnsUsed, Trainer.Result result,
                                          String baselineColumn) {
        String positiveClass = positive == null ? null : String.join(",", positive);
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("input", data.describe());
        run.put("label", label);
        run.put("positive", positiveClass);
        run.put("algorithm", fit.id());
        run.put("baseline", baselineColumn);
        run.put("args", List.of(commandLine));
        Map<String, String> details = new LinkedHashMap<>();
        details.put("input", data.describe());
        details.put("label", label + (positiveClass == null ? "" : " (positive: " + positiveClass + ")"));
        details.put("algorithm", fit.description() + " " + result.chosen());
        details.put("rows", String.format(Locale.ROOT, "%,d train, %,d test", result.trainRows(), result.test().rows()));
        details.put("features", result.featureNames().size() + " encoded from " + columnsUsed.size() + " columns");
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("classWeight", classWeight);
        params.put("threshold", threshold);
        params.put("maxCategories", maxCategories);
        params.put("folds", folds);
        params.put("grid", grid);
        params.putAll(result.chosen());
        return new TrainedModels.Trained(name, fit.id(), params, result, data, columnsUsed, run, details, baselineColumn);
    }

    private void save(TrainedModels.Trained trained, Trainer.Result result) throws Exception {
        if (metricsOut != null) {
            Trainer.writeMetrics(result, trained.run(), metricsOut);
            System.out.println("metrics written to " + metricsOut);
        }
        if (register) {
            try (Catalog catalog = lake.openWithTables()) {
                ModelVersion v = TrainedModels.register(new ModelRegistry(catalog, lake.database), lake.lakehouse().warehouse(),
                        lake.database, trained, modelOut, report);
                System.out.println("model saved to " + v.modelPath() + ", report " + v.reportPath());
                System.out.println("registered " + v.name() + " version " + v.version() + " (stage none); promote it "
                        + "with bin/pipeline model promote " + v.version() + " --stage production");
            }
            return;
        }
        if (modelOut != null) {
            result.model().save(modelOut);
            System.out.println("model saved to " + modelOut);
        }
        if (report != null) {
            TrainedModels.writeReport(report, name, trained);
            System.out.println("report written to " + report);
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
