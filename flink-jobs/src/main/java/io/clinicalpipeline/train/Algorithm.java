package io.clinicalpipeline.train;

import io.clinicalpipeline.model.ml.classification.GbtClassifier;
import io.clinicalpipeline.model.ml.classification.GbtClassifierModel;
import io.clinicalpipeline.model.ml.classification.GbtClassifierParams;
import io.clinicalpipeline.model.ml.classification.LogisticRegression;
import io.clinicalpipeline.model.ml.classification.LogisticRegressionModel;
import io.clinicalpipeline.model.ml.classification.TrainingTrace;
import io.clinicalpipeline.model.ml.feature.StandardScaler;
import io.clinicalpipeline.model.ml.feature.StandardScalerModel;
import io.clinicalpipeline.model.ml.common.InMemoryPoints;
import org.apache.flink.ml.api.Model;
import org.apache.flink.ml.linalg.Vectors;
import org.apache.flink.table.api.Table;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The classifiers {@code train} fits after the tabular encoder, with their hyperparameters by the names of their
 * Flink ML params (as the registry records them) and their defaults.
 */
public enum Algorithm {
    LR("logistic regression", "Newton rounds", ", converged", ", NOT converged: raise maxIter or reg") {
        @Override
        Map<String, Double> defaults() {
            Map<String, Double> d = new LinkedHashMap<>();
            d.put("reg", 0.0);
            d.put("elasticNet", 0.0);
            d.put("maxIter", 50.0);
            d.put("tol", 1e-8);
            return d;
        }

        @Override
        Fitted fit(Table encoded, Map<String, Double> p, String classWeight, String scratchDir, int baseline) {
            StandardScalerModel scaler = scaler().fit(encoded);
            LogisticRegressionModel lr = solver(p, classWeight).setScratchDir(scratchDir).fit(scaler.transform(encoded)[0]);
            return new Fitted(List.of(scaler, lr), lr.trace(), weights(lr, scaler));
        }

        @Override
        LocalFit fitLocally(List<double[]> points, Map<String, Double> p, String classWeight, int baseline)
                throws Exception {
            List<double[]> xs = new ArrayList<>(points.size());
            points.forEach(point -> xs.add(Arrays.copyOfRange(point, 2, point.length)));
            StandardScalerModel scaler = scaler().fitLocally(xs);
            // The points are this fit's own (the engine encodes them for each fit): scaled in place, each unscaled copy
            // dropped once used, so the rows are held twice at most, not three times.
            for (int i = 0; i < points.size(); i++) {
                double[] x = scaler.scale(xs.get(i));
                xs.set(i, null);
                System.arraycopy(x, 0, points.get(i), 2, x.length);
            }
            LogisticRegression solver = solver(p, classWeight);
            InMemoryPoints memory = new InMemoryPoints(points);
            LogisticRegressionModel lr = solver.fit(memory, memory.run("check", solver.firstPass()).sum());
            return new LocalFit(new Fitted(List.of(scaler, lr), lr.trace(), weights(lr, scaler)),
                    x -> lr.probability(Vectors.dense(scaler.scale(x))));
        }

        /** On standardised features a coefficient's magnitude is its feature's weight; the intercept is left out. */
        private double[] weights(LogisticRegressionModel lr, StandardScalerModel scaler) {
            double[] c = lr.coefficients();
            double[] w = new double[scaler.modelData().mean().length];
            for (int j = 0; j < w.length; j++) {
                w[j] = Math.abs(c[j]);
            }
            return w;
        }

        @Override
        String importanceMeaning() {
            return "share of the standardised coefficients' magnitude";
        }

        private StandardScaler scaler() {
            return new StandardScaler().setInputCol(ENCODED).setOutputCol("features").setWithMean(true);
        }

        private LogisticRegression solver(Map<String, Double> p, String classWeight) {
            return new LogisticRegression().setLabelCol(TrainInput.LABEL).setReg(p.get("reg"))
                    .setElasticNet(p.get("elasticNet")).setMaxIter(p.get("maxIter").intValue()).setTol(p.get("tol"))
                    .setClassWeight(classWeight);
        }
    },

    GBT("gradient-boosted trees", "trees", ", stopped: no split reduces the loss", "") {
        @Override
        Map<String, Double> defaults() {
            // Many small trees from the baseline score, not Flink ML's 20 trees of depth 5 down to single rows: clinical
            // rows come many per patient, and a ward's few outcomes are each one patient's run of rows. Deep trees learn
            // those patients (the library's defaults: held-out AUROC 0.70 on the simulated ward). Trees of depth 2 are
            // pairs of conditions; starting from the score (NEWS2) spends them on what it misses (README, "Simulation").
            Map<String, Double> d = new LinkedHashMap<>();
            d.put("maxIter", 100.0);
            d.put("maxDepth", 2.0);
            d.put("maxBins", GbtClassifierParams.MAX_BINS.defaultValue.doubleValue());
            d.put("stepSize", 0.1);
            d.put("regLambda", GbtClassifierParams.REG_LAMBDA.defaultValue);
            d.put("minInstancesPerNode", 20.0);
            d.put("minInfoGain", GbtClassifierParams.MIN_INFO_GAIN.defaultValue);
            d.put(BOOST_FROM_BASELINE, 1.0);
            return d;
        }

        @Override
        Fitted fit(Table encoded, Map<String, Double> p, String classWeight, String scratchDir, int baseline) {
            GbtClassifierModel gbt = solver(p, classWeight, baseline).setScratchDir(scratchDir).fit(encoded);
            return new Fitted(List.of(gbt), gbt.trace(), gbt.modelData().importance());
        }

        @Override
        LocalFit fitLocally(List<double[]> points, Map<String, Double> p, String classWeight, int baseline)
                throws Exception {
            List<double[]> withMargin = new ArrayList<>(points.size());
            points.forEach(point -> withMargin.add(GbtClassifier.withMargin(point)));
            GbtClassifier solver = solver(p, classWeight, baseline);
            InMemoryPoints memory = new InMemoryPoints(withMargin);
            GbtClassifierModel gbt = solver.fit(memory, memory.run("bounds", solver.firstPass()).sum());
            return new LocalFit(new Fitted(List.of(gbt), gbt.trace(), gbt.modelData().importance()), gbt::probability);
        }

        private GbtClassifier solver(Map<String, Double> p, String classWeight, int baseline) {
            return new GbtClassifier().setFeaturesCol(ENCODED).setLabelCol(TrainInput.LABEL)
                    .setBaselineFeature(p.get(BOOST_FROM_BASELINE) > 0 ? baseline : -1)
                    .setMaxIter(p.get("maxIter").intValue()).setMaxDepth(p.get("maxDepth").intValue())
                    .setMaxBins(p.get("maxBins").intValue()).setStepSize(p.get("stepSize"))
                    .setRegLambda(p.get("regLambda")).setMinInstancesPerNode(p.get("minInstancesPerNode").intValue())
                    .setMinInfoGain(p.get("minInfoGain")).setClassWeight(classWeight);
        }
    };

    /** The trees' param that boosts them from the baseline column's logistic fit (1) or from a constant (0). */
    static final String BOOST_FROM_BASELINE = "boostFromBaseline";

    /** The encoder's output column, which every algorithm reads. */
    static final String ENCODED = "encoded";

    private final String description;
    private final String rounds;
    private final String converged;
    private final String notConverged;

    Algorithm(String description, String rounds, String converged, String notConverged) {
        this.description = description;
        this.rounds = rounds;
        this.converged = converged;
        this.notConverged = notConverged;
    }

    /**
     * The stages fitted after the encoder, how the fit went, and each encoded feature's importance (a tree's gain, a
     * regression's standardised coefficient magnitude).
     */
    record Fitted(List<Model<?>> stages, TrainingTrace trace, double[] importance) {}

    /** What {@link Fitted#importance} measures, as the training summary says it. */
    String importanceMeaning() {
        return "share of the trees' gain";
    }

    /** Hyperparameters by param name, with their defaults, in a stable order. */
    abstract Map<String, Double> defaults();

    /** {@code baseline}: the encoded position of the baseline column ({@code train --baseline}), or -1. */
    abstract Fitted fit(Table encoded, Map<String, Double> params, String classWeight, String scratchDir, int baseline);

    /** A fit and how it scores an encoded row, from a fit in one thread. */
    record LocalFit(Fitted fitted, ToDoubleFunction<double[]> probability) {}

    /**
     * The same solvers over encoded points {@code [label, weight, x…]} in this thread: no jobs, no files. The points are
     * the fit's to change (a regression scales them in place).
     */
    abstract LocalFit fitLocally(List<double[]> points, Map<String, Double> params, String classWeight, int baseline)
            throws Exception;

    /** {@code defaults()} overridden by {@code params}; a name this algorithm does not take is an error. */
    public Map<String, Double> params(Map<String, Double> params) {
        Map<String, Double> all = defaults();
        for (Map.Entry<String, Double> e : params.entrySet()) {
            if (!all.containsKey(e.getKey())) {
                throw new IllegalArgumentException(e.getKey() + " does not apply to " + id()
                        + " (it takes " + String.join(", ", all.keySet()) + ")");
            }
            all.put(e.getKey(), e.getValue());
        }
        return all;
    }

    public List<String> paramNames() {
        return List.copyOf(defaults().keySet());
    }

    public String description() {
        return description;
    }

    /** What one round of the fit is, for progress and summaries. */
    public String rounds() {
        return rounds;
    }

    /** How a fit ended, for the summary line: what a converged trace means for this algorithm, or what to do. */
    public String ending(TrainingTrace trace) {
        return trace.converged() ? converged : notConverged;
    }

    /** The short name: lr, gbt. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Algorithm of(String name) {
        for (Algorithm a : values()) {
            if (a.id().equals(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("algorithm " + name + " is not available; use lr or gbt");
    }
}
