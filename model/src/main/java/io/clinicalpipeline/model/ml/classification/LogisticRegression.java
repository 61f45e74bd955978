package io.clinicalpipeline.model.ml.classification;

import io.clinicalpipeline.model.ml.common.PartitionedPoints;
import io.clinicalpipeline.model.ml.common.Points;
import io.clinicalpipeline.model.ml.common.Tables;
import io.clinicalpipeline.model.ml.common.LabelCheck;
import org.apache.flink.ml.api.Estimator;
import org.apache.flink.ml.classification.logisticregression.LogisticRegressionModelData;
import org.apache.flink.ml.linalg.Vectors;
import org.apache.flink.ml.param.Param;
import org.apache.flink.ml.util.ParamUtils;
import org.apache.flink.ml.util.ReadWriteUtils;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Binary logistic regression with elastic-net regularisation and class weights, fitted by Newton's method on
 * bounded input: the points are cached once per subtask, then every round is one bounded job in which each
 * subtask sums the gradient and Hessian of its share (see {@link PartitionedPoints}); the client adds the partial
 * sums and solves for the next step. Newton needs a handful of rounds where gradient descent needs hundreds, and
 * each round's only communication is a d×d matrix per subtask.
 *
 * <p>Labels are 0 or 1. Row weights come from {@code weightCol}; {@code classWeight=balanced} reweighs classes.
 */
public class LogisticRegression implements Estimator<LogisticRegression, LogisticRegressionModel>,
        LogisticRegressionParams<LogisticRegression> {

    private static final Logger LOG = LoggerFactory.getLogger(LogisticRegression.class);

    private final Map<Param<?>, Object> paramMap = new HashMap<>();

    public LogisticRegression() {
        ParamUtils.initializeMapWithDefaultValues(paramMap, this);
    }

    @Override
    public LogisticRegressionModel fit(Table... inputs) {
        if (inputs.length != 1) {
            throw new IllegalArgumentException("LogisticRegression fits one table, got " + inputs.length);
        }
        StreamTableEnvironment tEnv = Tables.environment(inputs[0]);
        try {
            PartitionedPoints.Cached cached = PartitionedPoints.cache(
                    org.apache.flink.ml.common.datastream.TableUtils.getExecutionEnvironment(tEnv),
                    Tables.points(inputs[0], getFeaturesCol(), getLabelCol(), getWeightCol()),
                    getScratchDir(), "logistic regression: cache points", firstPass());
            try (PartitionedPoints points = cached.points()) {
                return fit(points, cached.firstPass().sum());
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("logistic regression failed: " + e.getMessage(), e);
        }
    }

    /** The pass whose sum {@link #fit(Points, double[])} takes: label and feature checks, class weights. */
    public PartitionedPoints.Pass firstPass() {
        return new LabelCheck();
    }

    /**
     * Newton's method over {@code points} ({@code [label, weight, x…]}); {@code check} is the sum of
     * {@link #firstPass()} over them.
     */
    public LogisticRegressionModel fit(Points points, double[] check) throws Exception {
        long started = System.currentTimeMillis();
        validate(check, points.features());
        double[] classWeights = LabelCheck.classWeights(check, getClassWeight());
        int d = points.features();
        ElasticNetNewton newton = new ElasticNetNewton(d, getFitIntercept() ? d - 1 : -1, getReg(), getElasticNet(),
                getTol());
        List<TrainingTrace.Round> rounds = new ArrayList<>();
        for (int round = 1; round <= getMaxIter() && !newton.converged(); round++) {
            PartitionedPoints.PassResult sums = points.run("logistic regression: round " + round,
                    new LogisticPass(newton.candidate(), classWeights[0], classWeights[1]));
            double objective = newton.update(sums.sum());
            rounds.add(new TrainingTrace.Round(round, objective, sums.pointsPerSubtask()));
            LOG.info("logistic regression round {}: objective {} over {} points {}", round,
                    String.format("%.8f", objective), sums.points(), java.util.Arrays.toString(sums.pointsPerSubtask()));
        }
        LogisticRegressionModel model = new LogisticRegressionModel()
                .setModelData(new LogisticRegressionModelData(Vectors.dense(newton.coefficients()), 0L));
        ParamUtils.updateExistingParams(model, paramMap);
        model.trace(new TrainingTrace(rounds, newton.converged(), System.currentTimeMillis() - started));
        return model;
    }

    private void validate(double[] check, int features) {
        LabelCheck.validate(check, getLabelCol());
        if (getFitIntercept() && check[LabelCheck.NOT_INTERCEPT] > 0) {
            throw new IllegalArgumentException("fitIntercept=true needs the last of the " + features + " features "
                    + "to be the constant 1 that TabularEncoder appends, but " + (long) check[LabelCheck.NOT_INTERCEPT]
                    + " rows differ; append it or set fitIntercept=false");
        }
    }

    @Override
    public void save(String path) throws IOException {
        ReadWriteUtils.saveMetadata(this, path);
    }

    public static LogisticRegression load(StreamTableEnvironment tEnv, String path) throws IOException {
        return ReadWriteUtils.loadStageParam(path);
    }

    @Override
    public Map<Param<?>, Object> getParamMap() {
        return paramMap;
    }
}
