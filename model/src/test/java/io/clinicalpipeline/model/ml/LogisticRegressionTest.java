package io.clinicalpipeline.model.ml;

import io.clinicalpipeline.model.eval.BinaryMetrics;
import io.clinicalpipeline.model.ml.classification.LogisticRegression;
import io.clinicalpipeline.model.ml.classification.LogisticRegressionModel;
import io.clinicalpipeline.model.ml.classification.TrainingTrace;
import org.apache.flink.ml.classification.logisticregression.LogisticRegressionModelServable;
import org.apache.flink.ml.linalg.DenseVector;
import org.apache.flink.ml.linalg.Vectors;
import org.apache.flink.ml.servable.api.DataFrame;
import org.apache.flink.ml.servable.types.BasicType;
import org.apache.flink.ml.servable.types.DataTypes;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogisticRegressionTest {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final double[] TRUTH = {1.5, -2.0, 0.5, 0.0, 0.8, -0.7};
    private static List<Row> rows;

    @BeforeAll
    static void data() {
        rows = SyntheticData.logistic(TRUTH, 4000, 42);
    }

    @Test
    void paramsHaveFlinkMlDefaultsAndSetters() {
        LogisticRegression lr = new LogisticRegression();
        assertEquals("features", lr.getFeaturesCol());
        assertEquals("label", lr.getLabelCol());
        assertEquals(null, lr.getWeightCol());
        assertEquals(0.0, lr.getReg());
        assertEquals(0.0, lr.getElasticNet());
        assertEquals(20, lr.getMaxIter());
        assertEquals(1e-6, lr.getTol());
        assertTrue(lr.getFitIntercept());
        assertEquals("none", lr.getClassWeight());
        lr.setReg(0.1).setElasticNet(0.5).setMaxIter(7).setTol(1e-9).setClassWeight("balanced").setFitIntercept(false)
                .setLabelCol("y").setFeaturesCol("x").setWeightCol("w");
        assertEquals(0.1, lr.getReg());
        assertEquals(0.5, lr.getElasticNet());
        assertEquals(7, lr.getMaxIter());
        assertEquals("balanced", lr.getClassWeight());
        assertFalse(lr.getFitIntercept());
        assertEquals("w", lr.getWeightCol());
        assertThrows(IllegalArgumentException.class, () -> lr.setClassWeight("heavy"));
        assertThrows(IllegalArgumentException.class, () -> lr.setElasticNet(1.5));
    }

    @Test
    void recoversTheCoefficientsWithBothSubtasksWorkingEveryRound() {
        StreamTableEnvironment tEnv = SyntheticData.batchEnvironment();
        LogisticRegressionModel model = new LogisticRegression().fit(SyntheticData.table(tEnv, rows));
        double[] beta = model.coefficients();
        for (int j = 0; j < TRUTH.length; j++) {
            assertEquals(TRUTH[j], beta[j], 0.15, "coefficient " + j + " of " + java.util.Arrays.toString(beta));
        }
        TrainingTrace trace = model.trace();
        assertTrue(trace.converged(), "Newton converges in a handful of rounds: " + trace.rounds().size());
        assertTrue(trace.rounds().size() <= 10, "rounds: " + trace.rounds().size());
        for (TrainingTrace.Round round : trace.rounds()) {
            assertEquals(2, round.pointsPerSubtask().length);
            assertEquals(4000, round.pointsPerSubtask()[0] + round.pointsPerSubtask()[1]);
            assertTrue(round.pointsPerSubtask()[0] > 1500 && round.pointsPerSubtask()[1] > 1500,
                    "round " + round.number() + " shares: " + java.util.Arrays.toString(round.pointsPerSubtask()));
        }
        for (int i = 1; i < trace.rounds().size(); i++) {
            assertTrue(trace.rounds().get(i).objective() <= trace.rounds().get(i - 1).objective() + 1e-12);
        }
    }

    @Test
    void ridgeConvergesToTheSingleMachineOptimum() {
        assertAgreesWithReference(0.05, 0.0);
    }

    @Test
    void elasticNetConvergesToTheSingleMachineOptimumAndZeroesCoefficients() {
        double[] beta = assertAgreesWithReference(0.05, 0.8);
        assertEquals(0.0, beta[3], 0.0, "the feature with no effect is cut by the L1 part");
    }

    private double[] assertAgreesWithReference(double reg, double elasticNet) {
        StreamTableEnvironment tEnv = SyntheticData.batchEnvironment();
        LogisticRegressionModel model = new LogisticRegression().setReg(reg).setElasticNet(elasticNet)
                .setTol(1e-12).setMaxIter(50).fit(SyntheticData.table(tEnv, rows));
        double[] reference = ReferenceSolver.fista(rows, reg, elasticNet, 200_000);
        double[] beta = model.coefficients();
        assertArrayEquals(reference, beta, 1e-5, "Newton " + java.util.Arrays.toString(beta) + " vs reference "
                + java.util.Arrays.toString(reference));
        assertEquals(auroc(rows, reference), auroc(rows, beta), 1e-6);
        return beta;
    }

    @Test
    void transformAppendsPredictionAndRawPrediction() throws Exception {
        StreamTableEnvironment tEnv = SyntheticData.batchEnvironment();
        Table table = SyntheticData.table(tEnv, rows.subList(0, 50));
        LogisticRegressionModel model = new LogisticRegression().fit(SyntheticData.table(tEnv, rows));
        Table out = model.transform(table)[0];
        assertEquals(List.of("features", "label", "prediction", "rawPrediction"), out.getResolvedSchema().getColumnNames());
        for (Row row : SyntheticData.collect(out)) {
            DenseVector raw = (DenseVector) row.getField("rawPrediction");
            double p = model.probability((DenseVector) row.getField("features"));
            assertEquals(p, raw.get(1));
            assertEquals(1 - p, raw.get(0));
            assertEquals(p >= 0.5 ? 1.0 : 0.0, row.getField("prediction"));
        }
    }

    @Test
    void savedModelLoadsBackAndIntoFlinkMlServableWithIdenticalScores(@TempDir Path dir) throws Exception {
        StreamTableEnvironment tEnv = SyntheticData.batchEnvironment();
        LogisticRegressionModel model = new LogisticRegression().setReg(0.01).fit(SyntheticData.table(tEnv, rows));
        String path = dir.resolve("lr").toString();
        model.save(path);
        LogisticRegressionModel loaded = LogisticRegressionModel.load(tEnv, path);
        assertArrayEquals(model.coefficients(), loaded.coefficients(), 0.0);
        LogisticRegressionModelServable servable = LogisticRegressionModelServable.load(path);
        List<org.apache.flink.ml.servable.api.Row> frameRows = new ArrayList<>();
        for (Row row : rows.subList(0, 200)) {
            frameRows.add(new org.apache.flink.ml.servable.api.Row(new ArrayList<>(List.of(row.getField(0)))));
        }
        DataFrame frame = servable.transform(new DataFrame(new ArrayList<>(List.of("features")),
                new ArrayList<>(List.of(DataTypes.VECTOR(BasicType.DOUBLE))), frameRows));
        int raw = frame.getIndex("rawPrediction");
        for (int i = 0; i < 200; i++) {
            DenseVector features = (DenseVector) rows.get(i).getField(0);
            double servableScore = ((DenseVector) frame.collect().get(i).get(raw)).get(1);
            assertEquals(model.probability(features), servableScore, 0.0, "row " + i);
            assertEquals(model.probability(features), loaded.probability(features), 0.0);
        }
    }

    @Test
    void balancedClassWeightsGiveBothClassesTheSameWeight() {
        double[] rare = {1.0, -1.0, 0.5, 0.0, 0.0, -3.0};
        List<Row> imbalanced = SyntheticData.logistic(rare, 3000, 7);
        StreamTableEnvironment tEnv = SyntheticData.batchEnvironment();
        LogisticRegressionModel plain = new LogisticRegression().fit(SyntheticData.table(tEnv, imbalanced));
        LogisticRegressionModel balanced = new LogisticRegression().setClassWeight("balanced")
                .fit(SyntheticData.table(tEnv, imbalanced));
        double base = imbalanced.stream().mapToDouble(r -> (Double) r.getField(1)).average().orElseThrow();
        assertTrue(base < 0.15, "the data is imbalanced: " + base);
        // At the optimum with an intercept, the weighted mean score equals the weighted positive share: the base
        // rate unweighted, one half when each class carries half of the weight.
        assertEquals(base, meanScore(plain, imbalanced, -1), 1e-6);
        double classBalancedMean = (meanScore(balanced, imbalanced, 1) + meanScore(balanced, imbalanced, 0)) / 2;
        assertEquals(0.5, classBalancedMean, 1e-6);
    }

    @Test
    void labelsOtherThanZeroOrOneAreRejectedWithWhatToDo() {
        List<Row> bad = new ArrayList<>(rows.subList(0, 100));
        bad.add(Row.of(Vectors.dense(0, 0, 0, 0, 0, 1), 2.0));
        StreamTableEnvironment tEnv = SyntheticData.batchEnvironment();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LogisticRegression().fit(SyntheticData.table(tEnv, bad)));
        assertTrue(e.getMessage().contains("1 rows have a label in 'label' that is not 0 or 1"), e.getMessage());
        assertTrue(e.getMessage().contains("--positive"), e.getMessage());
    }

    @Test
    void interceptMustBeTheConstantLastFeature() {
        List<Row> noIntercept = new ArrayList<>();
        for (Row row : rows.subList(0, 200)) {
            double[] x = SyntheticData.features(row).clone();
            x[x.length - 1] = 2;
            noIntercept.add(Row.of(Vectors.dense(x), row.getField(1)));
        }
        StreamTableEnvironment tEnv = SyntheticData.batchEnvironment();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LogisticRegression().fit(SyntheticData.table(tEnv, noIntercept)));
        assertTrue(e.getMessage().contains("fitIntercept=false"), e.getMessage());
    }

    /** The mean score over rows with {@code label}, or over all rows for -1. */
    private static double meanScore(LogisticRegressionModel model, List<Row> data, double label) {
        return data.stream().filter(r -> label < 0 || (Double) r.getField(1) == label)
                .mapToDouble(r -> model.probability((DenseVector) r.getField(0))).average().orElseThrow();
    }

    private static double auroc(List<Row> data, double[] beta) {
        double[] scores = new double[data.size()];
        double[] labels = new double[data.size()];
        for (int i = 0; i < data.size(); i++) {
            double[] x = SyntheticData.features(data.get(i));
            for (int j = 0; j < x.length; j++) {
                scores[i] += x[j] * beta[j];
            }
            labels[i] = (Double) data.get(i).getField(1);
        }
        return BinaryMetrics.of(scores, labels, 0).auroc();
    }
}
