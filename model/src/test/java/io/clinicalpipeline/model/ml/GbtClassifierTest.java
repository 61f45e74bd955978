package io.clinicalpipeline.model.ml;

import io.clinicalpipeline.model.eval.BinaryMetrics;
import io.clinicalpipeline.model.ml.classification.BoostedTrees;
import io.clinicalpipeline.model.ml.classification.GbtClassifier;
import io.clinicalpipeline.model.ml.classification.GbtClassifierModel;
import io.clinicalpipeline.model.ml.classification.GbtClassifierModelServable;
import io.clinicalpipeline.model.ml.classification.LogisticRegression;
import io.clinicalpipeline.model.ml.classification.LogisticRegressionModel;
import io.clinicalpipeline.model.ml.classification.TrainingTrace;
import io.clinicalpipeline.model.ml.common.InMemoryPoints;
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
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GbtClassifierTest {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static List<Row> disc;
    private static List<Row> discHeldOut;

    @BeforeAll
    static void data() {
        disc = disc(4000, 11);
        discHeldOut = disc(2000, 12);
    }

    /**
     * Positive inside the unit disc (with 5% of labels flipped) over two standard-normal features, a noise feature
     * and a constant: no linear score ranks it, a few shallow trees do.
     */
    private static List<Row> disc(int n, long seed) {
        Random random = new Random(seed);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double a = random.nextGaussian();
            double b = random.nextGaussian();
            boolean inside = a * a + b * b < 1;
            double label = inside ^ random.nextDouble() < 0.05 ? 1 : 0;
            rows.add(Row.of(Vectors.dense(a, b, random.nextGaussian(), 1), label));
        }
        return rows;
    }

    @Test
    void paramsHaveDefaultsAndValidatedSetters() {
        GbtClassifier gbt = new GbtClassifier();
        assertEquals("features", gbt.getFeaturesCol());
        assertEquals("label", gbt.getLabelCol());
        assertEquals(20, gbt.getMaxIter());
        assertEquals(5, gbt.getMaxDepth());
        assertEquals(32, gbt.getMaxBins());
        assertEquals(0.3, gbt.getStepSize());
        assertEquals(1.0, gbt.getRegLambda());
        assertEquals(1, gbt.getMinInstancesPerNode());
        assertEquals(0.0, gbt.getMinInfoGain());
        assertEquals("none", gbt.getClassWeight());
        assertEquals(-1, gbt.getBaselineFeature());
        gbt.setMaxIter(7).setMaxDepth(3).setMaxBins(16).setStepSize(0.1).setRegLambda(0).setMinInstancesPerNode(5)
                .setMinInfoGain(0.01).setClassWeight("balanced").setLabelCol("y").setWeightCol("w");
        assertEquals(7, gbt.getMaxIter());
        assertEquals(3, gbt.getMaxDepth());
        assertEquals(16, gbt.getMaxBins());
        assertEquals(0.1, gbt.getStepSize());
        assertEquals(5, gbt.getMinInstancesPerNode());
        assertEquals("w", gbt.getWeightCol());
        assertThrows(IllegalArgumentException.class, () -> gbt.setStepSize(0));
        assertThrows(IllegalArgumentException.class, () -> gbt.setMaxBins(1));
        assertThrows(IllegalArgumentException.class, () -> gbt.setMaxDepth(0));
    }

    @Test
    void aStumpFindsTheKnownThresholdAndCreditsOnlyThatFeature() {
        Random random = new Random(5);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            double x = random.nextDouble();
            rows.add(Row.of(Vectors.dense(x, random.nextDouble()), x > 0.6 ? 1.0 : 0.0));
        }
        GbtClassifierModel model = new GbtClassifier().setMaxIter(1).setMaxDepth(1).setStepSize(1)
                .fit(SyntheticData.table(SyntheticData.batchEnvironment(), rows));
        double below = model.probability(new double[] {0.3, 0.5});
        assertEquals(below, model.probability(new double[] {0.55, 0.9}), 0.0, "same side of the split");
        double above = model.probability(new double[] {0.65, 0.1});
        assertEquals(above, model.probability(new double[] {0.99, 0.5}), 0.0, "same side of the split");
        assertTrue(below < 0.15 && above > 0.85, "one Newton step on each side of a pure split: " + below + " / " + above);
        double[] importance = model.modelData().importance();
        assertTrue(importance[0] > 0 && importance[1] == 0, Arrays.toString(importance));
        assertEquals(1, model.modelData().trees().size());
        assertEquals(3, model.modelData().trees().get(0).nodes());
    }

    @Test
    void aBaselineFeatureStartsTheMarginAtItsLogisticFitAndTheTreesAddWhatItMisses() {
        // P(y) = sigmoid(1.5 x0 - 1 + 2 [x1 > 0.5]): the baseline is x0's logistic fit; x1's step is left to the trees.
        Random random = new Random(21);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 6000; i++) {
            double x0 = random.nextGaussian();
            double x1 = random.nextDouble();
            double margin = 1.5 * x0 - 1 + (x1 > 0.5 ? 2 : 0);
            rows.add(Row.of(Vectors.dense(x0, x1), random.nextDouble() < 1 / (1 + Math.exp(-margin)) ? 1.0 : 0.0));
        }
        StreamTableEnvironment tEnv = SyntheticData.batchEnvironment();
        GbtClassifierModel boosted = new GbtClassifier().setBaselineFeature(0).setMaxIter(10).setMaxDepth(1)
                .fit(SyntheticData.table(tEnv, rows));
        BoostedTrees trees = boosted.modelData();
        assertEquals(0, trees.baseline().feature());
        // x0 alone, x1's step averaged in, has a flatter slope than 1.5 (omitted-variable attenuation), well above 0.
        assertTrue(trees.baseline().slope() > 0.9 && trees.baseline().slope() < 1.5, "slope " + trees.baseline().slope());
        double mean = rows.stream().mapToDouble(r -> SyntheticData.features(r)[0]).average().orElseThrow();
        assertEquals(mean, trees.baseline().mean(), 1e-9);
        double[] gain = trees.importance();
        assertTrue(gain[1] > 5 * gain[0], "with x0 in the margin already, the trees spend their splits on x1: "
                + Arrays.toString(gain));
        double low = boosted.probability(new double[] {0, 0.2});
        double high = boosted.probability(new double[] {0, 0.8});
        assertTrue(high > low, low + " / " + high);
        assertTrue(boosted.probability(new double[] {1, 0.2}) > low, "the baseline's slope raises the score with x0");
        double[] x = {0.7, 0.9};
        double sum = trees.expectedMargin();
        for (double phi : trees.contributions(x)) {
            sum += phi;
        }
        assertEquals(trees.margin(x), sum, 1e-9, "contributions, baseline included, add up to the margin");
        assertThrows(IllegalArgumentException.class, () -> new GbtClassifier().setBaselineFeature(2).setMaxIter(1)
                .fit(SyntheticData.table(tEnv, rows)), "there is no feature 2");
    }

    @Test
    void theBaselineFitConvergesWhereAFewRowsCarryMostOfTheWeight() throws Exception {
        // A NEWS2-like score 0-20 with rare positives, and row weights as a per-patient weighting gives them: most rows
        // light, a few hundred times heavier. A full Newton step from a zero slope overshoots on such data.
        Random random = new Random(8);
        List<double[]> points = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            double score = Math.min(20, Math.floor(-3 * Math.log(random.nextDouble())));
            double label = random.nextDouble() < 1 / (1 + Math.exp(6 - 0.6 * score)) ? 1 : 0;
            double weight = random.nextDouble() < 0.01 ? 300 : 0.2;
            points.add(GbtClassifier.withMargin(new double[] {label, weight, score, random.nextDouble()}));
        }
        GbtClassifier estimator = new GbtClassifier().setBaselineFeature(0).setMaxIter(1).setMaxDepth(1);
        InMemoryPoints memory = new InMemoryPoints(points);
        BoostedTrees trees = estimator.fit(memory, memory.run("bounds", estimator.firstPass()).sum()).modelData();
        assertTrue(Double.isFinite(trees.base()) && Double.isFinite(trees.baseline().slope()),
                trees.base() + " + " + trees.baseline().slope() + " x");
        assertEquals(0.6, trees.baseline().slope(), 0.25, "the weighted fit recovers the slope");
        assertEquals(-6, trees.base(), 2.5);
    }

    @Test
    void learnsANonLinearBoundaryThatLogisticRegressionCannot() {
        StreamTableEnvironment tEnv = SyntheticData.batchEnvironment();
        GbtClassifierModel gbt = new GbtClassifier().setMaxIter(15).setMaxDepth(4).fit(SyntheticData.table(tEnv, disc));
        LogisticRegressionModel lr = new LogisticRegression().fit(SyntheticData.table(tEnv, disc));
        double gbtAuroc = auroc(discHeldOut, x -> gbt.probability(x));
        double lrAuroc = auroc(discHeldOut, x -> lr.probability(Vectors.dense(x)));
        assertTrue(gbtAuroc > 0.9, "boosted trees on held-out rows: AUROC " + gbtAuroc);
        assertTrue(lrAuroc < 0.6, "a linear score cannot rank a disc: AUROC " + lrAuroc);
        double[] importance = gbt.modelData().importance();
        assertTrue(importance[2] < 0.1 * Math.min(importance[0], importance[1]),
                "the noise feature earns little: " + Arrays.toString(importance));
        assertEquals(0.0, importance[3], "a constant cannot split");
    }

    @Test
    void bothSubtasksWorkEveryTreeAndTheTreesEqualASingleThreadFit() throws Exception {
        GbtClassifier estimator = new GbtClassifier().setMaxIter(8).setMaxDepth(3);
        GbtClassifierModel two = estimator.fit(SyntheticData.table(SyntheticData.batchEnvironment(), disc));
        TrainingTrace trace = two.trace();
        assertEquals(8, trace.rounds().size());
        for (TrainingTrace.Round round : trace.rounds()) {
            long[] shares = round.pointsPerSubtask();
            assertEquals(4000, shares[0] + shares[1]);
            assertTrue(shares[0] > 1500 && shares[1] > 1500, "tree " + round.number() + ": " + Arrays.toString(shares));
        }
        for (int i = 1; i < trace.rounds().size(); i++) {
            assertTrue(trace.rounds().get(i).objective() < trace.rounds().get(i - 1).objective(),
                    "every tree lowers the training log-loss: " + trace.rounds());
        }
        List<double[]> points = new ArrayList<>();
        for (Row row : disc) {
            double[] x = SyntheticData.features(row);
            double[] point = new double[x.length + 2];
            point[0] = (Double) row.getField(1);
            point[1] = 1;
            System.arraycopy(x, 0, point, 2, x.length);
            points.add(GbtClassifier.withMargin(point));
        }
        InMemoryPoints memory = new InMemoryPoints(points);
        GbtClassifierModel one = estimator.fit(memory, memory.run("bounds", estimator.firstPass()).sum());
        assertEquals(two.modelData().trees().size(), one.modelData().trees().size());
        for (Row row : discHeldOut) {
            double[] x = SyntheticData.features(row);
            assertEquals(one.probability(x), two.probability(x), 1e-12, "row " + Arrays.toString(x));
        }
    }

    @Test
    void transformSavedModelAndServableGiveIdenticalScores(@TempDir Path dir) throws Exception {
        StreamTableEnvironment tEnv = SyntheticData.batchEnvironment();
        GbtClassifierModel model = new GbtClassifier().setMaxIter(5).fit(SyntheticData.table(tEnv, disc));
        List<Row> sample = discHeldOut.subList(0, 200);
        Table out = model.transform(SyntheticData.table(tEnv, sample))[0];
        assertEquals(List.of("features", "label", "prediction", "rawPrediction"), out.getResolvedSchema().getColumnNames());
        for (Row row : SyntheticData.collect(out)) {
            double p = model.probability(((DenseVector) row.getField("features")).values);
            assertEquals(p, ((DenseVector) row.getField("rawPrediction")).get(1), 0.0);
            assertEquals(p >= 0.5 ? 1.0 : 0.0, row.getField("prediction"));
        }
        String path = dir.resolve("gbt").toString();
        model.save(path);
        GbtClassifierModel loaded = GbtClassifierModel.load(tEnv, path);
        GbtClassifierModelServable servable = GbtClassifierModelServable.load(path);
        List<org.apache.flink.ml.servable.api.Row> frameRows = new ArrayList<>();
        for (Row row : sample) {
            frameRows.add(new org.apache.flink.ml.servable.api.Row(new ArrayList<>(List.of(row.getField(0)))));
        }
        DataFrame frame = servable.transform(new DataFrame(new ArrayList<>(List.of("features")),
                new ArrayList<>(List.of(DataTypes.VECTOR(BasicType.DOUBLE))), frameRows));
        int raw = frame.getIndex("rawPrediction");
        for (int i = 0; i < sample.size(); i++) {
            double[] x = SyntheticData.features(sample.get(i));
            assertEquals(model.probability(x), loaded.probability(x), 0.0, "row " + i);
            assertEquals(model.probability(x), ((DenseVector) frame.collect().get(i).get(raw)).get(1), 0.0, "row " + i);
        }
        assertArrayEquals(model.modelData().importance(), loaded.modelData().importance(), 0.0);
    }

    @Test
    void badLabelsAreRejectedWithWhatToDo() {
        List<Row> bad = new ArrayList<>(disc.subList(0, 100));
        bad.add(Row.of(Vectors.dense(0, 0, 0, 1), 3.0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GbtClassifier().fit(SyntheticData.table(SyntheticData.batchEnvironment(), bad)));
        assertTrue(e.getMessage().contains("1 rows have a label in 'label' that is not 0 or 1"), e.getMessage());
    }

    private static double auroc(List<Row> rows, java.util.function.ToDoubleFunction<double[]> score) {
        double[] scores = new double[rows.size()];
        double[] labels = new double[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            scores[i] = score.applyAsDouble(SyntheticData.features(rows.get(i)));
            labels[i] = (Double) rows.get(i).getField(1);
        }
        return BinaryMetrics.of(scores, labels, 0.5).auroc();
    }
}
