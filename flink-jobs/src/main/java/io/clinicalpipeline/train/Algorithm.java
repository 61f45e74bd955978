package io.clinicalpipeline.train;

import io.clinicalpipeline.model.ml.classification.GbtClassifier;
import io.clinicalpipeline.model.ml.classification.GbtClassifierModel;
import io.clinicalpipeline.model.ml.classification.GbtClassifierParams;
import io.clinicalpipeline.model.ml.classification.LogisticRegression;
import io.clinicalpipeline.model.ml.classification.LogisticRegressionModel;
import io.clinicalpipeline.model.ml.classification.TrainingTrace;
import io.clinicalpipeline.model.ml.feature.StandardScaler;
import io.clinicalpipeline.model.ml.feature.StandardScalerModel;
import org.apache.flink.ml.api.Model;
import org.apache.flink.table.api.Table;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
        Fitted fit(Table encoded, Map<String, Double> p, String classWeight, String scratchDir) {
            StandardScalerModel scaler = new StandardScaler().setInputCol(ENCODED).setOutputCol("features")
                    .setWithMean(true).fit(encoded);
            LogisticRegressionModel lr = new LogisticRegression().setLabelCol(TrainInput.LABEL).setReg(p.get("reg"))
                    .setElasticNet(p.get("elasticNet")).setMaxIter(p.get("maxIter").intValue()).setTol(p.get("tol"))
                    .setClassWeight(classWeight).setScratchDir(scratchDir).fit(scaler.transform(encoded)[0]);
            return new Fitted(List.of(scaler, lr), lr.trace(), null);
        }
    },

    GBT("gradient-boosted trees", "trees", ", stopped: no split reduces the loss", "") {
        @Override
        Map<String, Double> defaults() {
            Map<String, Double> d = new LinkedHashMap<>();
            d.put("maxIter", 20.0);
            d.put("maxDepth", GbtClassifierParams.MAX_DEPTH.defaultValue.doubleValue());
            d.put("maxBins", GbtClassifierParams.MAX_BINS.defaultValue.doubleValue());
            d.put("stepSize", GbtClassifierParams.STEP_SIZE.defaultValue);
            d.put("regLambda", GbtClassifierParams.REG_LAMBDA.defaultValue);
            d.put("minInstancesPerNode", GbtClassifierParams.MIN_INSTANCES_PER_NODE.defaultValue.doubleValue());
            d.put("minInfoGain", GbtClassifierParams.MIN_INFO_GAIN.defaultValue);
            return d;
        }

        @Override
        Fitted fit(Table encoded, Map<String, Double> p, String classWeight, String scratchDir) {
            GbtClassifierModel gbt = new GbtClassifier().setFeaturesCol(ENCODED).setLabelCol(TrainInput.LABEL)
                    .setMaxIter(p.get("maxIter").intValue()).setMaxDepth(p.get("maxDepth").intValue())
                    .setMaxBins(p.get("maxBins").intValue()).setStepSize(p.get("stepSize"))
                    .setRegLambda(p.get("regLambda")).setMinInstancesPerNode(p.get("minInstancesPerNode").intValue())
                    .setMinInfoGain(p.get("minInfoGain")).setClassWeight(classWeight).setScratchDir(scratchDir)
                    .fit(encoded);
            return new Fitted(List.of(gbt), gbt.trace(), gbt.modelData().importance());
        }
    };

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

    /** The stages fitted after the encoder, how the fit went, and each encoded feature's gain (null: none). */
    record Fitted(List<Model<?>> stages, TrainingTrace trace, double[] importance) {}

    /** Hyperparameters by param name, with their defaults, in a stable order. */
    abstract Map<String, Double> defaults();

    abstract Fitted fit(Table encoded, Map<String, Double> params, String classWeight, String scratchDir);

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
